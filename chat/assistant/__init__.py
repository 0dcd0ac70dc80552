"""The chat assistant: understands beat requests and edits, and writes the replies."""

from .intent import ACTIONS, EXPORT_KINDS, Intent
from .interpreter import interpret

__all__ = ["ACTIONS", "EXPORT_KINDS", "Intent", "interpret"]
