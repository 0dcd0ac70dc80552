"""Context variables that tag log lines with request, user, conversation, job and task ids."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
user_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("user_id", default=None)
conversation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "conversation_id", default=None
)
job_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("job_id", default=None)
task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("task_id", default=None)

FIELDS = {
    "request_id": request_id,
    "user_id": user_id,
    "conversation_id": conversation_id,
    "job_id": job_id,
    "task_id": task_id,
}


@contextmanager
def bound(**values: object) -> Iterator[None]:
    """Set some of the context ids for the duration of a block."""
    tokens = [
        (FIELDS[name], FIELDS[name].set(str(value))) for name, value in values.items() if value
    ]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)
