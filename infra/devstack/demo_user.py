"""The demo account `make run` creates so a new machine can log in at once."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model


def demo_user_ensure(*, username: str, credentials_file: Path) -> tuple[str, str | None]:
    """Create the demo user if missing, remembering its password in a local, git-ignored file.

    Returns (username, password); the password is None when the user exists but its
    password was not made here (someone created or changed it by hand).
    """
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None:
        if credentials_file.is_file():
            saved_name, _, saved_password = credentials_file.read_text().strip().partition(":")
            if saved_name == username and user.check_password(saved_password):
                return username, saved_password
        return username, None
    password = secrets.token_urlsafe(12)
    user_model.objects.create_user(username=username, password=password)
    credentials_file.parent.mkdir(parents=True, exist_ok=True)
    credentials_file.write_text(f"{username}:{password}\n")
    credentials_file.chmod(0o600)
    return username, password
