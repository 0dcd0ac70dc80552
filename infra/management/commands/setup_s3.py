"""Create or verify the beats bucket (private, AES-256, CORS, lifecycle); see infra.provision.s3."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from infra.provision.env_file import env_file_update
from infra.provision.s3 import (
    S3SetupOptions,
    Step,
    s3_check,
    s3_client,
    s3_env_values,
    s3_setup,
)


class Command(BaseCommand):
    help = (
        "Create the S3 bucket if missing, block public access, default encryption AES-256, "
        "CORS for the web origin, lifecycle rules, optional versioning. Idempotent. "
        "--check only verifies and exits non-zero listing what is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bucket", default=None, help="default: AWS_STORAGE_BUCKET_NAME")
        parser.add_argument("--region", default=None, help="default: AWS_S3_REGION_NAME")
        parser.add_argument("--endpoint-url", default=None, help="default: AWS_S3_ENDPOINT_URL")
        parser.add_argument(
            "--cors-origin",
            action="append",
            default=None,
            help="web origin allowed to GET/HEAD (repeatable); default S3_CORS_ORIGINS or SITE_URL",
        )
        parser.add_argument(
            "--lifecycle-days",
            type=int,
            default=None,
            help="days before preview objects expire; default S3_PREVIEW_EXPIRE_DAYS",
        )
        parser.add_argument("--versioning", action="store_true", help="enable versioning")
        parser.add_argument("--check", action="store_true", help="verify only; change nothing")
        parser.add_argument(
            "--write-env", default=None, metavar="PATH", help="update this env file"
        )

    def handle(self, *args: object, **options: object) -> None:
        s3_options = S3SetupOptions(
            bucket=options["bucket"] or settings.AWS_STORAGE_BUCKET_NAME,
            region=options["region"] or settings.AWS_S3_REGION_NAME,
            cors_origins=tuple(
                options["cors_origin"] or settings.S3_CORS_ORIGINS or [settings.SITE_URL]
            ),
            preview_expire_days=options["lifecycle_days"] or settings.S3_PREVIEW_EXPIRE_DAYS,
            versioning=bool(options["versioning"]),
        )
        endpoint_url = options["endpoint_url"] or settings.AWS_S3_ENDPOINT_URL
        client = s3_client(region=s3_options.region, endpoint_url=endpoint_url)
        mode = "Checking" if options["check"] else "Setting up"
        self.stdout.write(f"{mode} s3://{s3_options.bucket} ({endpoint_url or 'AWS'})")
        try:
            if options["check"]:
                report = s3_check(client, s3_options, on_step=self._show)
            else:
                report = s3_setup(client, s3_options, on_step=self._show)
        except Exception as exc:
            raise CommandError(f"FAILED: S3 not reachable or refused: {exc}") from exc

        if options["write_env"]:
            names = env_file_update(
                options["write_env"],
                s3_env_values(s3_options, endpoint_url=endpoint_url),
                header="S3 storage (written by manage.py setup_s3)",
            )
            self.stdout.write(
                f"  env file {options['write_env']}: "
                + (f"updated {', '.join(names)}" if names else "already up to date")
            )

        if options["check"]:
            if report.problems:
                raise CommandError(
                    f"FAILED: {len(report.problems)} problem(s): "
                    + "; ".join(step.line() for step in report.problems)
                )
            self.stdout.write(self.style.SUCCESS("OK: the bucket is configured as required"))
        elif report.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"DONE: {len(report.changed)} change(s): "
                    + ", ".join(step.name for step in report.changed)
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS("DONE: no changes, already configured"))

    def _show(self, step: Step) -> None:
        style = self.style.ERROR if step.outcome == "wrong" else (lambda text: text)
        self.stdout.write(style(f"  {step.line()}"))
