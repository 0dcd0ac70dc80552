"""Settings selection: .env or ENVIRONMENT pick the module in every entry point, production
refuses local-disk media and missing static files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from infra.settings_selection import SettingsSelectionError, choose_settings, read_env_file
from tests.deploy.test_settings_env import ROOT, SAFE_PROD_ENV

PROD = "dawg.settings.production"
SHOW = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.SECURE_SSL_REDIRECT)"


def test_the_environment_wins_over_env_file_and_env_file_over_the_default():
    file_env = {"DJANGO_SETTINGS_MODULE": PROD}
    assert choose_settings({}, file_env).module == PROD
    assert "from" in choose_settings({}, file_env).source
    chosen = choose_settings({"DJANGO_SETTINGS_MODULE": "dawg.settings.test"}, file_env)
    assert chosen.module == "dawg.settings.test"
    assert choose_settings({}, {}).module == "dawg.settings.development"


def test_environment_variable_picks_the_module_and_a_contradiction_is_an_error():
    assert choose_settings({"ENVIRONMENT": "production"}, {}).module == PROD
    assert choose_settings({}, {"ENVIRONMENT": "staging"}).module == PROD
    with pytest.raises(SettingsSelectionError, match="contradicts"):
        choose_settings(
            {"ENVIRONMENT": "production"}, {"DJANGO_SETTINGS_MODULE": "dawg.settings.development"}
        )
    with pytest.raises(SettingsSelectionError, match="prod"):
        choose_settings({"ENVIRONMENT": "prod"}, {})


def test_env_file_parsing_handles_quotes_export_and_comments(tmp_path):
    path = tmp_path / ".env"
    path.write_text("# comment\nexport A=\"x y\"\nB=plain # trailing\nC='q'\n\nnot a line\n")
    assert read_env_file(path) == {"A": "x y", "B": "plain", "C": "q"}


def _python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "ENVIRONMENT", "STORAGE_"))
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "LOG_FORMAT": "text", "LOG_LEVEL": "INFO", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _env_file(tmp_path: Path, **values: str) -> dict[str, str]:
    path = tmp_path / "dotenv"
    path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    return {"DJANGO_ENV_FILE": str(path)}


PROD_FILE = {k: v for k, v in SAFE_PROD_ENV.items() if k != "DJANGO_SETTINGS_MODULE"}


@pytest.mark.parametrize(
    "args",
    [
        ["manage.py", "shell", "-c", SHOW],
        ["-c", "import dawg.wsgi; " + SHOW],
        ["-c", "import dawg.asgi; " + SHOW],
        ["-c", "import dawg.celery; import django; django.setup(); " + SHOW],
    ],
    ids=["manage.py", "wsgi", "asgi", "celery"],
)
def test_every_entry_point_runs_the_module_env_file_names_and_logs_it(tmp_path, args):
    env = _env_file(tmp_path, DJANGO_SETTINGS_MODULE=PROD, **PROD_FILE)
    result = _python(args, env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert f"{PROD} True" in result.stdout
    assert f"settings {PROD} (DJANGO_SETTINGS_MODULE from {env['DJANGO_ENV_FILE']}" in (
        result.stdout + result.stderr
    )


def test_environment_in_env_file_selects_production(tmp_path):
    env = _env_file(tmp_path, ENVIRONMENT="production", **PROD_FILE)
    result = _python(["manage.py", "shell", "-c", SHOW], env)
    assert result.returncode == 0, result.stderr
    assert f"{PROD} True" in result.stdout


def test_a_contradiction_stops_manage_py(tmp_path):
    env = _env_file(tmp_path, ENVIRONMENT="production", **PROD_FILE)
    result = _python(
        ["manage.py", "check"], {**env, "DJANGO_SETTINGS_MODULE": "dawg.settings.development"}
    )
    assert result.returncode != 0
    assert "contradicts" in result.stderr


def test_env_example_copied_into_production_is_refused(tmp_path):
    """.env.example as it is, with only the settings module switched: filesystem storage."""
    text = (ROOT / ".env.example").read_text()
    text = text.replace(
        "DJANGO_SETTINGS_MODULE=dawg.settings.development", f"DJANGO_SETTINGS_MODULE={PROD}"
    )
    text += "".join(f"\n{k}={v}" for k, v in PROD_FILE.items())
    (tmp_path / "dotenv").write_text(text + "\n")
    result = _python(["manage.py", "check"], {"DJANGO_ENV_FILE": str(tmp_path / "dotenv")})
    assert result.returncode != 0
    assert "STORAGE_BACKEND=filesystem under production settings" in result.stderr
    allowed = _python(
        ["manage.py", "check"],
        {
            "DJANGO_ENV_FILE": str(tmp_path / "dotenv"),
            "STORAGE_ALLOW_FILESYSTEM_IN_PRODUCTION": "true",
        },
    )
    assert allowed.returncode == 0, allowed.stderr


def test_check_deploy_fails_until_collectstatic_has_run(tmp_path):
    env = {**SAFE_PROD_ENV, "DJANGO_STATIC_ROOT": str(tmp_path / "static")}
    before = _python(["manage.py", "check", "--deploy"], env)
    assert before.returncode != 0
    assert "dawg.E010" in before.stderr and "collectstatic" in before.stderr
    collected = _python(["manage.py", "collectstatic", "--noinput"], env)
    assert collected.returncode == 0, collected.stderr
    after = _python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert after.returncode == 0, after.stderr + after.stdout
    # One collected file removed: the check names it.
    victim = next((tmp_path / "static").rglob("*.*.css"))
    victim.unlink()
    gone = _python(["manage.py", "check", "--deploy"], env)
    assert gone.returncode != 0 and victim.name in gone.stderr
