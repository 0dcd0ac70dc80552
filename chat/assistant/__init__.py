"""The chat assistant: understands beat requests and edits, and writes the replies."""

from .intent import ACTIONS, EXPORT_KINDS, Intent
from .interpreter import interpret
from .llm import Interpreter, LLMConfig, LLMInterpreter, get_interpreter

__all__ = [
    "ACTIONS",
    "EXPORT_KINDS",
    "Intent",
    "Interpreter",
    "LLMConfig",
    "LLMInterpreter",
    "get_interpreter",
    "interpret",
]
