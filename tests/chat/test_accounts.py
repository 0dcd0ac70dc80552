"""Sign up, log in and log out through the server-rendered forms."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signup_creates_a_user_and_logs_them_in(client):
    response = client.post(
        reverse("signup"),
        {"username": "carol", "password1": "a-Strong-pass-93", "password2": "a-Strong-pass-93"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="carol").exists()
    assert client.get(reverse("chat:conversation-list")).status_code == 200


def test_signup_with_mismatched_passwords_shows_an_error(client):
    response = client.post(
        reverse("signup"),
        {"username": "dave", "password1": "a-Strong-pass-93", "password2": "nope"},
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="dave").exists()
    assert "didn" in response.content.decode()  # "The two password fields didn't match."


def test_login_page_renders_and_login_works(client, user):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "alice", "password": "pass-w0rd-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("chat:conversation-list")


def test_logout_ends_the_session(user_client):
    response = user_client.post(reverse("logout"))
    assert response.status_code == 302
    assert user_client.get(reverse("chat:conversation-list")).status_code == 302


def test_new_conversation_redirects_to_its_studio(user_client):
    response = user_client.post(reverse("chat:conversation-new"))
    assert response.status_code == 302
    assert user_client.get(response["Location"]).status_code == 200


def test_landing_page_for_anonymous_and_redirect_for_users(client, user):
    assert b"Start making beats" in client.get("/").content
    client.force_login(user)
    assert client.get("/").status_code == 302


def test_signup_describedby_ids_exist_and_a_weak_password_error_sits_under_the_password(client):
    import re

    response = client.post(
        reverse("signup"),
        {"username": "weakling", "password1": "123", "password2": "123"},
    )
    body = response.content.decode()
    described = {
        target
        for value in re.findall(r'aria-describedby="([^"]+)"', body)
        for target in value.split()
    }
    assert described, "the fields point at their help and errors"
    for target in described:
        assert f'id="{target}"' in body, target
    # The "too short" error belongs to the password field, not to its confirmation.
    assert 'id="id_password1_error"' in body
    assert 'id="id_password2_error"' not in body
    password1 = re.search(r"<input[^>]*id=\"id_password1\"[^>]*>", body).group(0)
    assert 'aria-invalid="true"' in password1 and "id_password1_error" in password1
