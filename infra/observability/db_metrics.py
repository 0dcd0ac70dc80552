"""django-prometheus's database metrics (django_db_*) for any engine, via execute wrappers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.backends.signals import connection_created
from django_prometheus.db import (
    connections_total,
    errors_total,
    execute_many_total,
    execute_total,
    query_duration_seconds,
)
from django_prometheus.db.common import DatabaseWrapperMixin


def _count_query(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    connection = context["connection"]
    alias, vendor = connection.alias, connection.vendor
    count = len(params) if many and hasattr(params, "__len__") else 1
    execute_total.labels(alias, vendor).inc(count)
    if many:
        execute_many_total.labels(alias, vendor).inc(count)
    with query_duration_seconds.labels(alias, vendor).time():
        try:
            return execute(sql, params, many, context)
        except Exception as exc:
            errors_total.labels(alias, vendor, type(exc).__name__).inc()
            raise


def _instrument(sender: Any, connection: Any, **_: Any) -> None:
    # django-prometheus's own backends (ENGINE=django_prometheus.db.backends.*) count already.
    if isinstance(connection, DatabaseWrapperMixin) or _count_query in connection.execute_wrappers:
        return
    connections_total.labels(connection.alias, connection.vendor).inc()
    connection.execute_wrappers.append(_count_query)


def install() -> None:
    """Count every new connection's queries, errors and durations (idempotent)."""
    connection_created.connect(_instrument, dispatch_uid="infra.observability.db_metrics")
