"""Celery worker logs: the project's JSON LOGGING, with each task's job id bound to its lines."""

from __future__ import annotations

import contextvars
import logging.config
from typing import Any

from celery import signals

from . import request_context

# Tasks whose first positional argument is a GenerationJob id.
JOB_ID_TASKS = frozenset({"generation.render_job"})

_tokens: dict[str, list[tuple[contextvars.ContextVar, contextvars.Token]]] = {}


@signals.setup_logging.connect
def _configure_logging(**_: Any) -> None:
    # Connecting to setup_logging stops Celery from installing its own text handlers, so the
    # worker prints the same JSON lines as the web processes.
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def job_id_from_task(task_name: str, args: Any, kwargs: Any) -> str | None:
    """The job id a task works on: ``job_id=`` keyword, or the first argument of a job task."""
    if isinstance(kwargs, dict) and kwargs.get("job_id"):
        return str(kwargs["job_id"])
    if task_name in JOB_ID_TASKS and args:
        return str(args[0])
    return None


@signals.task_prerun.connect
def _bind_task_context(
    task_id: str | None = None, task: Any = None, args: Any = None, kwargs: Any = None, **_: Any
) -> None:
    if not task_id:
        return
    tokens = [(request_context.task_id, request_context.task_id.set(task_id))]
    job_id = job_id_from_task(getattr(task, "name", ""), args, kwargs)
    if job_id:
        tokens.append((request_context.job_id, request_context.job_id.set(job_id)))
    _tokens[task_id] = tokens


@signals.task_postrun.connect
def _unbind_task_context(task_id: str | None = None, **_: Any) -> None:
    for var, token in reversed(_tokens.pop(task_id or "", [])):
        try:
            var.reset(token)
        except ValueError:  # set in another context (threads pool edge case): just clear it
            var.set(None)
