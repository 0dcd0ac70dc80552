"""Log-in and sign-up throttles: keyed on the folded username and the real client address,
never a lockout of the right password from elsewhere (Redis-backed, the test Redis)."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from infra.observability.metrics import LOGIN_THROTTLED
from tests import factories

pytestmark = pytest.mark.django_db
RIGHT = "the-right-pass-1"


def _address() -> str:
    n = uuid.uuid4().int
    return f"198.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _name() -> str:
    return f"vic{uuid.uuid4().hex[:8]}"


def login(client: Client, username: str, password: str, **headers: str) -> int:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, **headers
    ).status_code


def test_full_width_and_case_spellings_share_one_bucket(settings):
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
    name = _name()
    factories.user_create(username=name, password=RIGHT)
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in name)
    client = Client(REMOTE_ADDR=_address())
    assert login(client, full_width, RIGHT) == 302  # the form folds it: same account
    client = Client(REMOTE_ADDR=client.defaults["REMOTE_ADDR"])
    for spelling in (full_width, name.upper(), name):
        assert login(client, spelling, "wrong") == 200
    assert login(client, full_width, RIGHT) == 429


def test_guesses_from_elsewhere_never_lock_out_the_right_password(settings):
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
    name = _name()
    factories.user_create(username=name, password=RIGHT)
    attacker = Client(REMOTE_ADDR=_address())
    for _ in range(10):
        login(attacker, name, "wrong")
    assert login(attacker, name, RIGHT) == 429
    assert login(Client(REMOTE_ADDR=_address()), name, RIGHT) == 302


def test_behind_a_trusted_proxy_clients_have_their_own_buckets_and_cannot_forge(settings):
    settings.LOGIN_ATTEMPTS_PER_MINUTE = 3
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    name = _name()
    factories.user_create(username=name, password=RIGHT)
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    attacker, owner = _address(), _address()
    for _ in range(5):
        # A fresh forged hop each time; the proxy appends the attacker's real address.
        forged = f"{_address()}, {attacker}"
        login(proxy, name, "wrong", HTTP_X_FORWARDED_FOR=forged)
    assert login(proxy, name, RIGHT, HTTP_X_FORWARDED_FOR=f"{owner}, {attacker}") == 429
    assert login(Client(REMOTE_ADDR="10.0.0.2"), name, RIGHT, HTTP_X_FORWARDED_FOR=owner) == 302


def test_one_address_spraying_many_usernames_is_throttled(settings):
    settings.LOGIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE = 5
    client = Client(REMOTE_ADDR=_address())
    name = _name()
    factories.user_create(username=name, password=RIGHT)
    for _ in range(5):
        assert login(client, _name(), "wrong") == 200
    blocked = client.post("/accounts/login/", {"username": name, "password": RIGHT})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) >= 1


def test_many_addresses_on_one_username_raise_the_alarm_not_a_lockout(settings):
    settings.LOGIN_USER_ALARM_PER_HOUR = 5
    name = _name()
    factories.user_create(username=name, password=RIGHT)
    alarms = LOGIN_THROTTLED.labels(bucket="user_alarm")._value.get()
    for _ in range(8):
        assert login(Client(REMOTE_ADDR=_address()), name, "wrong") == 200
    assert LOGIN_THROTTLED.labels(bucket="user_alarm")._value.get() == alarms + 1
    assert login(Client(REMOTE_ADDR=_address()), name, RIGHT) == 302


def test_signups_per_address_are_limited(settings):
    settings.SIGNUPS_PER_HOUR = 2
    client_address = _address()
    made = []
    for _ in range(3):
        name = _name()
        response = Client(REMOTE_ADDR=client_address).post(
            "/accounts/signup/",
            {"username": name, "password1": "a-Strong-pass-93", "password2": "a-Strong-pass-93"},
        )
        made.append((response.status_code, get_user_model().objects.filter(username=name).exists()))
    assert made[:2] == [(302, True), (302, True)]
    assert made[2] == (429, False)
    other = Client(REMOTE_ADDR=_address()).post(
        "/accounts/signup/",
        {"username": _name(), "password1": "a-Strong-pass-93", "password2": "a-Strong-pass-93"},
    )
    assert other.status_code == 302
