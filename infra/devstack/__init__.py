"""The development stack behind make run: embedded Redis, a Celery worker and daphne."""
