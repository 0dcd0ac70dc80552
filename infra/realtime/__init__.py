"""Realtime: events after commit, the per-conversation sequence, live sockets, the web server."""
