"""The documented rollback (docs/deployment-guide.md, "Migrations and rollback"): with the NEW
release's code, `manage.py migrate <app> <previous>` unapplies that app's newest migration on a
scratch database; a plain `migrate` applies it again."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db.migrations.loader import MigrationLoader

from tests.deploy.process_commands import ROOT

pytestmark = pytest.mark.slow
APPS = ("generation", "chat")


def _manage(*args: str, db: str) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "dawg.settings.test",
        "DATABASE_URL": f"sqlite:///{db}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def newest_and_previous(app: str) -> tuple[str, str]:
    """The app's leaf migration and the name to migrate back to (its parent, or ``zero``)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (leaf,) = loader.graph.leaf_nodes(app)
    parents = [p for p in loader.graph.node_map[leaf].parents if p.key[0] == app]
    return leaf[1], parents[0].key[1] if parents else "zero"


def _applied(app: str, db: str) -> set[str]:
    out = _manage("showmigrations", app, db=db)
    return {
        line.split("]")[1].strip() for line in out.splitlines() if line.strip().startswith("[X]")
    }


@pytest.mark.parametrize("app", APPS)
def test_rollback_command_unapplies_the_newest_migration_and_migrate_restores_it(app, tmp_path):
    db = str(tmp_path / "scratch.sqlite3")
    _manage("migrate", "--noinput", db=db)
    newest, previous = newest_and_previous(app)
    assert newest in _applied(app, db)
    # Apps whose migrations depend on this one are rolled back with it (Django's plan).
    _manage("migrate", app, previous, "--noinput", db=db)
    assert newest not in _applied(app, db)
    _manage("migrate", "--noinput", db=db)
    assert newest in _applied(app, db)
