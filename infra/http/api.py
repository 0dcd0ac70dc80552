"""Small helpers every JSON API view shares: errors, auth and body parsing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from . import json_limits

MAX_BODY_BYTES = 64 * 1024


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def error_response(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message, **extra}}, status=status)
    if "retry_after" in extra:
        response["Retry-After"] = str(extra["retry_after"])
    return response


def _too_large() -> ApiError:
    return ApiError(413, "body_too_large", f"request bodies are limited to {MAX_BODY_BYTES} bytes")


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The body as a JSON object: 413 above MAX_BODY_BYTES (told by Content-Length before
    anything is read, or by Django's own cap), 400 for bad or too deeply nested JSON."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise _too_large()
    try:
        body = request.body
    except RequestDataTooBig as exc:  # over DATA_UPLOAD_MAX_MEMORY_SIZE: was a 400
        raise _too_large() from exc
    if len(body) > MAX_BODY_BYTES:
        raise _too_large()
    if not body:
        return {}
    try:
        data = json_limits.loads(body, max_depth=settings.JSON_MAX_DEPTH)
    except json_limits.TooDeep as exc:
        raise ApiError(
            400, "too_deep", f"JSON may nest at most {settings.JSON_MAX_DEPTH} levels"
        ) from exc
    except ValueError as exc:
        raise ApiError(400, "malformed_json", "the body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", "the body must be a JSON object")
    return data


def api_view(*methods: str) -> Callable:
    """JSON in, JSON out: session auth (401 JSON, not a redirect), allowed methods, errors."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = error_response(405, "method_not_allowed", f"use {', '.join(methods)}")
                response["Allow"] = ", ".join(methods)
                return response
            if not request.user.is_authenticated:
                return error_response(401, "unauthenticated", "log in first")
            try:
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return error_response(exc.status, exc.code, exc.message, **exc.extra)
            except Http404:
                return error_response(404, "not_found", "no such object")

        wrapper.api_methods = methods  # read by the OpenAPI test to compare routes and document
        return wrapper

    return decorate


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF failures as JSON on the API, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return error_response(403, "csrf_failed", "CSRF token missing or incorrect")
    from django.views.csrf import csrf_failure as default_failure

    return default_failure(request, reason=reason)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: JSON on the API (e.g. a body Django cannot parse), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return error_response(400, "bad_request", "the request could not be parsed")
    from django.views.defaults import bad_request as default_bad_request

    return default_bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: JSON on the API (unknown routes too), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return error_response(404, "not_found", "no such object")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON on the API (clients parse every answer), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return error_response(500, "internal_error", "something went wrong on our side")
    from django.views.defaults import server_error as default_server_error

    return default_server_error(request)
