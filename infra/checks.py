"""System checks for settings that would quietly weaken security or reliability."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

MAX_PRESIGNED_EXPIRY_S = 900


@register()
def presigned_urls_are_short_lived(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.AWS_QUERYSTRING_EXPIRE > MAX_PRESIGNED_EXPIRY_S:
        return [
            Error(
                f"AWS_QUERYSTRING_EXPIRE is {settings.AWS_QUERYSTRING_EXPIRE}s; download links must "
                f"expire within {MAX_PRESIGNED_EXPIRY_S}s.",
                id="dawg.E001",
            )
        ]
    return []


@register()
def broker_keeps_running_renders(app_configs: Any, **kwargs: Any) -> list[Error]:
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    if visibility <= settings.CELERY_TASK_TIME_LIMIT:
        return [
            Error(
                f"CELERY_VISIBILITY_TIMEOUT ({visibility}s) must exceed CELERY_TASK_TIME_LIMIT "
                f"({settings.CELERY_TASK_TIME_LIMIT}s), or Redis redelivers renders still running.",
                id="dawg.E002",
            )
        ]
    return []


@register()
def websocket_frame_limit_fits_the_server(app_configs: Any, **kwargs: Any) -> list[Error]:
    from .realtime.live_sockets import HARD_MAX_MESSAGE_BYTES

    if settings.WS_MAX_FRAME_BYTES > HARD_MAX_MESSAGE_BYTES:
        return [
            Error(
                f"WS_MAX_FRAME_BYTES ({settings.WS_MAX_FRAME_BYTES}) is above the server's hard limit "
                f"({HARD_MAX_MESSAGE_BYTES}).",
                id="dawg.E003",
            )
        ]
    return []
