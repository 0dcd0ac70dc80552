"""Infrastructure: realtime events, health, metrics, storage, logging and setup commands."""
