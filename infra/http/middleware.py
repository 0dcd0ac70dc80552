"""HTTP middleware: request ids and the Content-Security-Policy header."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from infra.observability import request_context

access_logger = logging.getLogger("infra.access")

# URL keyword arguments that name a context id (``/api/conversations/<conversation_id>/...``).
_URL_CONTEXT_IDS = ("conversation_id", "job_id")

REQUEST_ID_HEADER = "X-Request-ID"
# Accept a caller's id only if it looks like one; anything else could forge log lines.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")

# Development allows sockets on any ws:/wss: origin; production narrows connect-src to its
# own wss:// host (settings.CSP_CONNECT_SRC).
DEFAULT_CONNECT_SRC = "'self' ws: wss:"


def content_security_policy(
    connect_src: str = DEFAULT_CONNECT_SRC, media_sources: list[str] | tuple[str, ...] = ()
) -> str:
    """The policy: our own scripts, styles and images; ``connect_src`` for fetch and sockets;
    media from this site and ``media_sources`` (the S3 origin download links are signed for).
    ``media_sources`` join connect-src too: the studio's mixer fetches stems into Web Audio."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            " ".join(["media-src 'self' blob:", *media_sources]),
            " ".join([f"connect-src {connect_src}", *media_sources]),
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()


def _log_access(request: HttpRequest, response: HttpResponse, seconds: float) -> None:
    # The path only: query strings can carry tokens. Request and user ids come from context.
    access_logger.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
            "user_id": getattr(request, "log_user_id", None),
        },
    )


class RequestIdMiddleware:
    """Takes X-Request-ID from the caller (or makes one), logs with it and returns it; binds the
    authenticated user's id for the view's log lines; writes one JSON access line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = request_context.request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            if not getattr(request, "_probe", False):
                _log_access(request, response, time.perf_counter() - started)
        finally:
            for var, view_token in reversed(getattr(request, "_context_tokens", [])):
                try:
                    var.reset(view_token)
                except ValueError:
                    # Under ASGI, process_view may run in a copied context (another thread);
                    # the token then belongs to that context, and clearing is enough.
                    var.set(None)
            request_context.request_id.reset(token)
        response[REQUEST_ID_HEADER] = rid
        return response

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> None:
        """Tag the view's log lines with the user id (AuthenticationMiddleware has run by now)
        and with the conversation or job id the URL names.

        Views marked ``skip_request_user`` (probes, metrics) are left alone, so resolving the
        session never costs them a database query, and they get no access-log line.
        """
        if getattr(view_func, "skip_request_user", False):
            request._probe = True
            return
        tokens = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.log_user_id = str(user.pk)
            tokens.append(
                (request_context.user_id, request_context.user_id.set(request.log_user_id))
            )
        for name in _URL_CONTEXT_IDS:
            if view_kwargs.get(name):
                var = request_context.FIELDS[name]
                tokens.append((var, var.set(str(view_kwargs[name]))))
        request._context_tokens = tokens


class ContentSecurityPolicyMiddleware:
    """Adds a strict CSP to every page, the admin's included: our own scripts only, sockets
    to our own host."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy(
            getattr(settings, "CSP_CONNECT_SRC", DEFAULT_CONNECT_SRC),
            getattr(settings, "CSP_MEDIA_SOURCES", ()),
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The admin too: Django's admin runs no inline scripts, so the same policy fits it.
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        return response
