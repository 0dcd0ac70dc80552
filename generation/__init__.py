"""Beats, versions, generation jobs and assets; Celery tasks; the engine."""
