"""High availability and production settings: read replica routing, secrets from files, TLS."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from infra.db_router import PrimaryReplicaRouter
from tests.deploy.settings_loader import load_settings
from tests.deploy.test_settings_env import SAFE_PROD_ENV, _manage


def test_router_sends_reads_to_the_replica_and_writes_and_migrations_to_the_primary():
    from django.contrib.auth.models import User

    router = PrimaryReplicaRouter()
    assert router.db_for_read(User) == "replica"
    assert router.db_for_write(User) == "default"
    assert router.allow_migrate("default", "auth") is True
    assert router.allow_migrate("replica", "auth") is False
    assert router.allow_relation(object(), object()) is True


def _show(env: dict[str, str]) -> dict:
    built = load_settings("dawg.settings.production", env)
    return {
        "databases": built.DATABASES,
        "routers": list(getattr(built, "DATABASE_ROUTERS", [])),
        "secret_key": built.SECRET_KEY,
    }


def test_replica_url_adds_a_replica_database_and_the_router(tmp_path):
    replica_file = tmp_path / "replica-url"
    replica_file.write_text("postgres://reader:pw@replica.internal:5432/dawg")
    built = _show({**SAFE_PROD_ENV, "DATABASE_REPLICA_URL_FILE": str(replica_file)})
    replica = built["databases"]["replica"]
    assert replica["ENGINE"] == "django.db.backends.postgresql"
    assert replica["HOST"] == "replica.internal"
    assert replica["TEST"]["MIRROR"] == "default"
    assert built["databases"]["default"]["HOST"] == "db.internal"
    assert built["routers"] == ["infra.db_router.PrimaryReplicaRouter"]


def test_without_a_replica_url_there_is_one_database_and_no_router():
    built = _show(SAFE_PROD_ENV)
    assert set(built["databases"]) == {"default"}
    assert built["routers"] == []


def test_secret_key_and_database_url_can_come_from_files(tmp_path):
    (tmp_path / "key").write_text(SAFE_PROD_ENV["DJANGO_SECRET_KEY"] + "-from-file\n")
    (tmp_path / "db").write_text("postgres://dawg:pw@db-from-file.internal:5432/dawg")
    env = {k: v for k, v in SAFE_PROD_ENV.items() if k not in ("DJANGO_SECRET_KEY", "DATABASE_URL")}
    env["DJANGO_SECRET_KEY_FILE"] = str(tmp_path / "key")
    env["DATABASE_URL_FILE"] = str(tmp_path / "db")
    built = _show(env)
    assert built["secret_key"].startswith(SAFE_PROD_ENV["DJANGO_SECRET_KEY"] + "-from-file")
    assert built["databases"]["default"]["HOST"] == "db-from-file.internal"


ROUTE_QUERIES = """
from django.contrib.auth.models import User
User.objects.create_user("routed", password="x")
print("ROUTED", User.objects.count(), User.objects.using("default").count())
"""


@pytest.mark.slow
def test_reads_hit_the_replica_and_writes_the_primary_with_real_databases(tmp_path):
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    env = {
        **SAFE_PROD_ENV,
        "DATABASE_URL": f"sqlite:///{primary}",
        "DATABASE_REPLICA_URL": f"sqlite:///{replica}",
    }
    migrated = _manage("migrate", "auth", "--noinput", env=env)  # auth_user is enough here
    assert migrated.returncode == 0, migrated.stderr
    # Migrations ran on the primary only; "replication" is a copy taken before the write.
    shutil.copy(primary, replica)
    result = _manage("shell", "-c", ROUTE_QUERIES, env=env)
    assert result.returncode == 0, result.stderr
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("ROUTED"))
    # The read went to the (stale) replica; the primary has the new row.
    assert line.split()[1:] == ["0", "1"]
    with sqlite3.connect(primary) as db:
        assert db.execute("select count(*) from auth_user").fetchone() == (1,)


def test_check_deploy_is_clean_with_tls_only_redis_sentinels_and_a_replica(collected_static):
    env = {
        **SAFE_PROD_ENV,
        **collected_static,
        "REDIS_URL": "rediss://:secret@redis.internal:6380/0",
        "CELERY_BROKER_URL": "rediss://:secret@broker.internal:6380/1",
        "CHANNEL_LAYER_URL": "rediss://:secret@layer.internal:6380/2",
        "DATABASE_REPLICA_URL": "postgres://reader:pw@replica.internal:5432/dawg",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://beats.example.com",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
    with_sentinels = {**env, "REDIS_SENTINELS": "s1:26379,s2:26379,s3:26379"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=with_sentinels)
    assert result.returncode == 0, result.stderr + result.stdout


def test_own_private_ip_is_an_allowed_host_only_when_asked(monkeypatch):
    import socket

    monkeypatch.setattr(
        socket, "gethostbyname_ex", lambda name: (name, [], ["10.1.2.3", "127.0.1.1"])
    )
    plain = load_settings("dawg.settings.production", SAFE_PROD_ENV)
    assert plain.ALLOWED_HOSTS == ["beats.example.com"]
    asked = load_settings(
        "dawg.settings.production", {**SAFE_PROD_ENV, "DJANGO_ALLOWED_HOSTS_ADD_OWN_IP": "true"}
    )
    assert asked.ALLOWED_HOSTS == ["beats.example.com", "10.1.2.3"]
