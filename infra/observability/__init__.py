"""Observability: metrics and their collector hooks, logs with request context, health."""
