"""Pick the settings module before Django configures: environment, then .env, never silently."""

from __future__ import annotations

import logging
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SETTINGS = "dawg.settings.development"
# ENVIRONMENT=production is a shorter way to say DJANGO_SETTINGS_MODULE=dawg.settings.production.
ENVIRONMENTS = {
    "development": "dawg.settings.development",
    "test": "dawg.settings.test",
    "staging": "dawg.settings.production",
    "production": "dawg.settings.production",
}
_LINE = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*)$")

logger = logging.getLogger("dawg.settings")


class SettingsSelectionError(RuntimeError):
    """DJANGO_SETTINGS_MODULE and ENVIRONMENT disagree, or ENVIRONMENT names nothing known."""


@dataclass(frozen=True)
class SettingsChoice:
    module: str
    source: str  # e.g. "DJANGO_SETTINGS_MODULE from the environment"
    entry_point: str


_chosen: SettingsChoice | None = None


def env_file_path() -> Path:
    """The .env every process reads: DJANGO_ENV_FILE, or .env at the project root."""
    return Path(os.environ.get("DJANGO_ENV_FILE") or BASE_DIR / ".env")


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value pairs of a dotenv file (quotes removed; comments and blanks skipped)."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        value = match["value"].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].strip()
        values.setdefault(match["name"], value)
    return values


def _from(name: str, process_env: dict[str, str], file_env: dict[str, str]) -> tuple[str, str]:
    if process_env.get(name):
        return process_env[name], f"{name} from the environment"
    if file_env.get(name):
        return file_env[name], f"{name} from {env_file_path()}"
    return "", ""


def choose_settings(
    process_env: dict[str, str], file_env: dict[str, str], entry_point: str = ""
) -> SettingsChoice:
    """The settings module the environment and the .env file ask for (the environment wins)."""
    module, module_source = _from("DJANGO_SETTINGS_MODULE", process_env, file_env)
    environment, environment_source = _from("ENVIRONMENT", process_env, file_env)
    by_environment = ""
    if environment:
        by_environment = ENVIRONMENTS.get(environment.lower(), "")
        if not by_environment:
            raise SettingsSelectionError(
                f"ENVIRONMENT={environment!r} ({environment_source}) is not one of "
                f"{', '.join(ENVIRONMENTS)}"
            )
    if module and by_environment and module != by_environment:
        raise SettingsSelectionError(
            f"DJANGO_SETTINGS_MODULE={module} ({module_source}) contradicts "
            f"ENVIRONMENT={environment} ({environment_source}), which means {by_environment}"
        )
    if module:
        return SettingsChoice(module, module_source, entry_point)
    if by_environment:
        return SettingsChoice(by_environment, environment_source, entry_point)
    return SettingsChoice(DEFAULT_SETTINGS, "the default (nothing set)", entry_point)


def select_settings(entry_point: str) -> SettingsChoice:
    """Set DJANGO_SETTINGS_MODULE for this process from the environment or .env; call it
    before anything imports django.conf.settings. Raises SettingsSelectionError on a conflict."""
    global _chosen
    if _chosen and os.environ.get("DJANGO_SETTINGS_MODULE") == _chosen.module:
        return _chosen  # a second entry point in the same process (manage.py imports celery)
    choice = choose_settings(dict(os.environ), read_env_file(env_file_path()), entry_point)
    os.environ["DJANGO_SETTINGS_MODULE"] = choice.module
    _chosen = choice
    return choice


def select_settings_or_exit(entry_point: str) -> SettingsChoice:
    """select_settings for command-line entry points: a conflict stops the process (exit 2)."""
    try:
        return select_settings(entry_point)
    except SettingsSelectionError as error:
        sys.stderr.write(f"settings: {error}\n")
        raise SystemExit(2) from None


def log_selected_settings() -> None:
    """One log line per process naming its settings module and where the choice came from."""
    from django.conf import settings

    running = settings.SETTINGS_MODULE
    source = _chosen.source if _chosen and _chosen.module == running else "set before start"
    entry = _chosen.entry_point if _chosen else "unknown"
    logger.info(
        "settings %s (%s; entry point %s)",
        running,
        source,
        entry,
        extra={"settings_module": running, "settings_source": source, "entry_point": entry},
    )
