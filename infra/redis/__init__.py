"""Redis: URLs and clients (Sentinel, TLS), the embedded server for development and tests."""
