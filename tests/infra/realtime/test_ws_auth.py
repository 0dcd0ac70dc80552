"""WebSocket auth with the cached session decode: one query once a session was seen, and
every way a session ends still refuses the next handshake (real sessions, real database)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client

from infra.realtime import auth
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_remembered():
    auth.decoded_sessions_forget()
    yield
    auth.decoded_sessions_forget()


def logged_in(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def resolve(key: str):
    return auth.resolve_user(SessionStore(session_key=key))


def test_first_handshake_as_channels_then_one_query(django_assert_num_queries):
    user = factories.user_create()
    key = logged_in(user)
    with django_assert_num_queries(2):  # the session row, the user
        assert resolve(key) == user
    with django_assert_num_queries(1):  # the user, on the condition the session lives
        assert resolve(key) == user


def test_logout_expiry_deactivation_and_password_change_refuse_the_next_handshake():
    user = factories.user_create()
    for end in ("logout", "expired", "inactive", "password"):
        key = logged_in(user)
        assert resolve(key) == user  # remembered now
        if end == "logout":
            Session.objects.filter(session_key=key).delete()
        elif end == "expired":
            Session.objects.filter(session_key=key).update(expire_date="2000-01-01T00:00:00Z")
        elif end == "inactive":
            user.is_active = False
            user.save(update_fields=["is_active"])
        else:
            user.set_password("another-pass-w0rd")
            user.save(update_fields=["password"])
        assert not resolve(key).is_authenticated, end
        user.refresh_from_db()
        user.is_active = True
        user.save(update_fields=["is_active"])


def test_no_session_or_an_anonymous_one_is_anonymous():
    assert not resolve("").is_authenticated
    assert not resolve("not-a-session-key-at-all").is_authenticated
    anonymous = SessionStore()
    anonymous["x"] = 1
    anonymous.save()
    assert not resolve(anonymous.session_key).is_authenticated
