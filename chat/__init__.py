"""Conversations, messages, the assistant and the WebSocket consumer."""
