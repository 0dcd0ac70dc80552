"""Create the demo user (if missing) and print its credentials."""

from django.conf import settings
from django.core.management.base import BaseCommand

from infra.devstack.demo_user import demo_user_ensure


class Command(BaseCommand):
    help = "Create the demo user if it does not exist and print its credentials."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=None)

    def handle(self, *args, username, **options):
        name, password = demo_user_ensure(
            username=username or settings.DEMO_USERNAME,
            credentials_file=settings.BASE_DIR / "var" / "demo-credentials",
        )
        if password:
            self.stdout.write(self.style.SUCCESS(f"Log in as: {name} / {password}"))
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"User {name} exists; its password was set elsewhere "
                    f"(reset it with `manage.py changepassword {name}`)"
                )
            )
