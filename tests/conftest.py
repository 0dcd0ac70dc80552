"""Shared fixtures: users, clients, conversations and beats."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def user(db):
    return factories.user_create(username="alice")


@pytest.fixture
def other_user(db):
    return factories.user_create(username="bob")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def other_client(client, other_user):
    client.force_login(other_user)
    return client
