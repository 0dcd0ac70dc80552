"""Import a settings module afresh under a given environment, in-process, and put things back."""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType
from unittest import mock

import environ

PACKAGE = "dawg.settings"


def load_settings(module: str, env: dict[str, str]) -> ModuleType:
    """Execute ``module`` (e.g. ``dawg.settings.production``) with exactly ``env`` set.

    The running test session keeps its own settings: Django copied them at setup, and the
    modules this replaces are restored afterwards.
    """
    package = sys.modules[PACKAGE]
    saved = {name: mod for name, mod in sys.modules.items() if name.startswith(PACKAGE + ".")}
    saved_attrs = {
        name: getattr(package, name) for name in dir(package) if not name.startswith("_")
    }
    for name in saved:
        del sys.modules[name]
    # FileAwareEnv caches NAME_FILE contents class-wide; start and end with the session's.
    files_cache = environ.FileAwareEnv.ENVIRON.files_cache
    environ.FileAwareEnv.ENVIRON.files_cache = {}
    try:
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME")}
        with mock.patch.dict(os.environ, {**keep, **env}, clear=True):
            return importlib.import_module(module)
    finally:
        for name in [n for n in sys.modules if n.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        environ.FileAwareEnv.ENVIRON.files_cache = files_cache
        sys.modules.update(saved)
        for name, value in saved_attrs.items():
            setattr(package, name, value)
