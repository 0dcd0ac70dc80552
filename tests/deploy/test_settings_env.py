"""Settings: every variable read is documented, and production is strict and clean."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_METHODS = {"bool", "int", "float", "list", "str", "db", "db_url", "url", "json", "dict", "path"}
SAFE_PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "dawg.settings.production",
    "DJANGO_SECRET_KEY": "x7Gq9-" + "Lm2pZr8Kt4Wv" * 6,
    "DJANGO_ALLOWED_HOSTS": "beats.example.com",
    "DATABASE_URL": "postgres://dawg:secret@db.internal:5432/dawg",
    "REDIS_URL": "rediss://:secret@redis.internal:6380/0",
}


def settings_variables() -> set[str]:
    """Names passed to env(...), env.<type>(...) in every settings module."""
    names: set[str] = set()
    for path in (ROOT / "dawg" / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            is_env = isinstance(func, ast.Name) and func.id == "env"
            is_env_method = (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
                and func.attr in ENV_METHODS
            )
            first = node.args[0]
            if (
                (is_env or is_env_method)
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                names.add(first.value)
    return names


def documented_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_settings_find_variables_at_all():
    # Guards the AST walk itself: if it found nothing, the next test would pass vacuously.
    assert {
        "DJANGO_SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "LLM_BASE_URL",
    } <= settings_variables()


def test_every_variable_the_settings_read_is_in_env_example():
    missing = settings_variables() - documented_variables()
    assert not missing, f".env.example lacks: {sorted(missing)}"


# Read before the settings (infra/settings_selection.py), not through env(...).
SELECTION_VARIABLES = {"DJANGO_SETTINGS_MODULE", "ENVIRONMENT"}
# Read by the web server's command line (infra/realtime/web_server.py), before Django.
WEB_SERVER_VARIABLES = {"WS_HANDSHAKE_TIMEOUT_S"}


def compose_variables() -> set[str]:
    """Names deploy/docker-compose.yml interpolates (${NAME}, ${NAME:-default}, ${NAME:?}) and
    the process commands expand (deploy/Procfile: ${PORT:-8000} ...)."""
    text = (ROOT / "deploy" / "docker-compose.yml").read_text()
    text += (ROOT / "deploy" / "Procfile").read_text()
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))


def test_env_example_has_every_variable_compose_reads():
    missing = compose_variables() - documented_variables()
    assert not missing, f".env.example lacks Compose's: {sorted(missing)}"


def test_env_example_lists_nothing_the_settings_ignore():
    used = settings_variables() | SELECTION_VARIABLES | WEB_SERVER_VARIABLES | compose_variables()
    stale = documented_variables() - used
    assert not stale, f".env.example lists unused variables: {sorted(stale)}"


def test_env_example_has_a_comment_above_every_variable():
    lines = (ROOT / ".env.example").read_text().splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z][A-Z0-9_]*=", line):
            above = lines[index - 1]
            assert above.startswith("#") or re.match(r"^[A-Z][A-Z0-9_]*=", above), line


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings(collected_static):
    env = {**SAFE_PROD_ENV, **collected_static}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_boot_without_a_secret_key():
    env = {k: v for k, v in SAFE_PROD_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_boot_without_a_database_url():
    env = {k: v for k, v in SAFE_PROD_ENV.items() if k != "DATABASE_URL"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_secrets_can_come_from_files(tmp_path, collected_static):
    secret_file = tmp_path / "secret"
    secret_file.write_text(SAFE_PROD_ENV["DJANGO_SECRET_KEY"])
    env = {k: v for k, v in SAFE_PROD_ENV.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SECRET_KEY_FILE"] = str(secret_file)
    env.update(collected_static)
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr


# Upper-case names the operator docs put in backticks that are not environment variables
# of ours: Django settings, Redis and HTTP words, SQL, Dockerfile keywords, Alloy's variable.
NOT_VARIABLES = {
    "AES256",
    "AWS_S3_OBJECT_PARAMETERS",
    "BGREWRITEAOF",
    "CACHES",
    "CELERY_BROKER_TRANSPORT_OPTIONS",
    "CELERY_BROKER_USE_SSL",
    "CMD",
    "CONCURRENTLY",
    "CONFIG",
    "CONN_HEALTH_CHECKS",
    "GET",
    "HEAD",
    "INFO",
    "LOKI_PUSH_URL",
    "MEDIA_URL",
    "PING",
}
OPERATOR_DOCS = [
    "docs/deployment-guide.md",
    "docs/deployment-checklist.md",
    "docs/monitoring-setup.md",
    "docs/infrastructure.md",
    "README.md",
]


def test_every_variable_the_operator_docs_name_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    documented = documented_variables()
    missing = set()
    for doc in OPERATOR_DOCS:
        for name in re.findall(r"`([A-Z][A-Z0-9_]{2,})(?:=[^`]*)?`", (ROOT / doc).read_text()):
            if name in documented or name in NOT_VARIABLES:
                continue
            if name.endswith("_FILE") and name.removesuffix("_FILE") in documented:
                continue  # the NAME_FILE form every secret has (header of .env.example)
            if (
                name not in example
            ):  # named in a comment there (set elsewhere, e.g. DJANGO_ENV_FILE)
                missing.add(f"{doc}: {name}")
    assert not missing, f".env.example does not mention: {sorted(missing)}"
