"""Release gate: server versions and limits, short-lived links, safe broker settings."""

from importlib.metadata import version

from django.core.checks import run_checks
from django.test import override_settings

from infra.realtime.live_sockets import HARD_MAX_MESSAGE_BYTES


def _ids() -> set[str]:
    return {message.id for message in run_checks()}


def test_daphne_has_the_2026_message_size_and_header_fixes():
    major, minor, patch = (int(part) for part in version("daphne").split(".")[:3])
    assert (major, minor, patch) >= (4, 2, 2)


def test_the_server_caps_websocket_messages():
    assert 16 * 1024 <= HARD_MAX_MESSAGE_BYTES <= 1024 * 1024


def test_default_settings_pass_the_project_checks():
    assert not {"dawg.E001", "dawg.E002", "dawg.E003"} & _ids()


@override_settings(AWS_QUERYSTRING_EXPIRE=3600)
def test_presigned_links_longer_than_15_minutes_fail_the_checks():
    assert "dawg.E001" in _ids()


@override_settings(
    CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 60}, CELERY_TASK_TIME_LIMIT=150
)
def test_a_visibility_timeout_below_the_hard_limit_fails_the_checks():
    assert "dawg.E002" in _ids()


@override_settings(WS_MAX_FRAME_BYTES=HARD_MAX_MESSAGE_BYTES + 1)
def test_an_app_frame_limit_above_the_server_limit_fails_the_checks():
    assert "dawg.E003" in _ids()
