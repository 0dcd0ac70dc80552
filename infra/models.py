"""Models of the infra app: the realtime layer's event sequence (defined in its room)."""

from infra.realtime.sequence import EventSequence

__all__ = ["EventSequence"]
