#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import sys


def main() -> None:
    # DJANGO_SETTINGS_MODULE or ENVIRONMENT from the environment or .env, read before Django.
    from infra.settings_selection import select_settings_or_exit

    select_settings_or_exit("manage.py")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
