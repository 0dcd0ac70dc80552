"""Inspect Redis for broker duty and print or write its settings; see infra.redis.setup."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from infra.provision.env_file import env_file_update
from infra.redis.config import RedisConnection, redis_client
from infra.redis.setup import (
    ERROR,
    TARGETS,
    redis_env_values,
    redis_facts,
    redis_findings,
    redis_target_text,
)


class Command(BaseCommand):
    help = (
        "Connect to Redis; report version, memory, persistence, maxmemory-policy, auth and "
        "TLS; print (or --write-env) the settings for local, docker, railway or elasticache. "
        "--check exits non-zero on a setting that loses jobs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=None, help="Redis URL; default REDIS_URL")
        parser.add_argument("--target", choices=TARGETS, default="local")
        parser.add_argument("--check", action="store_true", help="exit non-zero on problems")
        parser.add_argument(
            "--production",
            action="store_true",
            help="judge as production (password and TLS required); default: production settings",
        )
        parser.add_argument(
            "--write-env", default=None, metavar="PATH", help="update this env file"
        )

    def handle(self, *args: object, **options: object) -> None:
        connection: RedisConnection = settings.REDIS_CONNECTION
        if options["url"]:
            connection = replace(connection, url=options["url"], sentinels=())
        production = bool(options["production"]) or settings.SETTINGS_MODULE.endswith(".production")
        self.stdout.write(f"Connecting to {_redacted(connection)}")
        client = redis_client(connection, timeout=5.0)
        try:
            facts = redis_facts(client, tls=connection.tls, password=bool(connection.password))
        except Exception as exc:
            raise CommandError(f"FAILED: cannot reach Redis: {type(exc).__name__}: {exc}") from exc
        finally:
            client.close()

        findings = redis_findings(facts, production=production, target=options["target"])
        for finding in findings:
            style = self.style.ERROR if finding.level == ERROR else (lambda text: text)
            self.stdout.write(style(f"  {finding.line()}"))
        for line in redis_target_text(options["target"]):
            self.stdout.write(line)

        if options["write_env"]:
            names = env_file_update(
                options["write_env"],
                redis_env_values(options["target"], redis_url=options["url"]),
                header=f"Redis for {options['target']} (written by manage.py setup_redis)",
            )
            self.stdout.write(
                f"  env file {options['write_env']}: "
                + (f"updated {', '.join(names)}" if names else "already up to date")
            )

        errors = [finding for finding in findings if finding.level == ERROR]
        if errors and options["check"]:
            raise CommandError(
                f"FAILED: {len(errors)} setting(s) that lose jobs or expose data: "
                + "; ".join(finding.line() for finding in errors)
            )
        if errors:
            self.stdout.write(
                self.style.WARNING(
                    f"DONE with {len(errors)} problem(s): "
                    + "; ".join(finding.name for finding in errors)
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(f"OK: Redis {facts.version} is fit for the broker")
            )


def _redacted(connection: RedisConnection) -> str:
    url = connection.url
    if connection.password:
        url = url.replace(connection.userinfo, "***@", 1)
    return url + (" (via Sentinel)" if connection.sentinels else "")
