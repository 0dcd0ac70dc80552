"""Tests of the infra rooms: realtime, observability, storage."""
