"""JSON log lines for Loki, with the request, user, conversation and job ids attached."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from . import request_context

# django.request logs 4xx/5xx after the middleware has returned (the context ids are reset by
# then) but passes the request along; these are the ids RequestIdMiddleware left on it.
_REQUEST_ATTRIBUTES = {"request_id": "request_id", "user_id": "log_user_id"}


class ContextFilter(logging.Filter):
    """Copies the current context ids onto each record (None where unknown)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        for name, var in request_context.FIELDS.items():
            if getattr(record, name, None) is not None:
                continue
            value = var.get()
            if value is None and request is not None and name in _REQUEST_ATTRIBUTES:
                value = getattr(request, _REQUEST_ATTRIBUTES[name], None)
            setattr(record, name, value)
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line: timestamp, level, logger, message and the context ids."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "timestamp", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("timestamp", False)
        super().__init__(*args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        # ISO 8601 in UTC with milliseconds: what Loki and promtail parse without a format hint.
        return datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")

    def add_fields(self, log_record: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record.pop("request", None)  # the HttpRequest object django.request attaches
        for name in request_context.FIELDS:
            value = getattr(record, name, None)
            if value is None:
                log_record.pop(name, None)
