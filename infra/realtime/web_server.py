"""Run daphne for DAWG AI with a graceful SIGTERM: every socket hears `system.reconnect`, is
closed with 1012 and the process exits; clients reconnect to another instance.

Usage: ``python -m infra.realtime.web_server --host 0.0.0.0 --port 8000``. Client addresses
come from TRUSTED_PROXIES in the app (infra/http/client_address.py), never from daphne's
blind ``X-Forwarded-For`` trust.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys

# Twisted is sensitive to import order: daphne.server installs the asyncio reactor first.
import daphne.server

logger = logging.getLogger("infra.realtime.web_server")


def close_websockets(server: daphne.server.Server, code: int) -> list:
    """Send a close frame with ``code`` to every open WebSocket of this server.

    autobahn's public ``sendClose`` only allows 1000 and 3000-4999; 1012 ("service restart")
    is the code that tells clients to come back, so the frame is sent one level lower.
    """
    from autobahn.websocket.protocol import WebSocketProtocol

    closing = []
    for protocol in list(server.connections):
        if isinstance(protocol, WebSocketProtocol) and protocol.state == protocol.STATE_OPEN:
            protocol.sendCloseFrame(code=code, reasonUtf8=b"service restart")
            closing.append(protocol)
    return closing


def skip_autobahn_debug_formatting() -> bool:
    """Stop autobahn pretty-printing its whole configuration for every new WebSocket.

    ``WebSocketProtocol._connectionMade`` calls ``pformat`` on ~40 settings to pass to a
    ``log.debug`` line, even when debug logging is off: about 4% of the web process's CPU in a
    reconnect storm. With txaio's level above debug nothing would print it, so autobahn's
    ``pformat`` is replaced by a placeholder; with debug logging on, it is left alone.
    """
    import txaio
    from autobahn.websocket import protocol

    if txaio.get_global_log_level() in ("debug", "trace"):
        return False
    protocol.pformat = lambda obj: "(not formatted: debug logging is off)"
    return True


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--proxy-headers",
        action="store_true",
        help="ignored (kept so old commands start): set TRUSTED_PROXIES instead",
    )
    parser.add_argument(
        "--shutdown-timeout",
        type=float,
        default=10.0,
        help="seconds to tell sockets to reconnect before stopping anyway",
    )
    parser.add_argument(
        "--handshake-timeout",
        type=float,
        default=float(os.environ.get("WS_HANDSHAKE_TIMEOUT_S", "20")),
        help="seconds a WebSocket handshake may wait for the application (daphne's is 5): in a "
        "reconnect storm a dropped handshake is retried, and its consumer still runs",
    )
    parser.add_argument("--verbosity", type=int, default=1)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from infra.db_connections import SERVER_ENV

    # Before the settings load: ASGI database connections (infra/db_connections.py).
    os.environ[SERVER_ENV] = "asgi"
    from infra.settings_selection import select_settings_or_exit

    select_settings_or_exit("infra.realtime.web_server")
    from django.conf import settings
    from django.utils.module_loading import import_string
    from twisted.internet import reactor

    # The project's ASGI application, named by its settings (infra imports no project module);
    # importing it sets Django up before live_sockets is imported.
    application = import_string(settings.ASGI_APPLICATION)

    from infra.realtime import live_sockets
    from infra.realtime.live_sockets import HARD_MAX_MESSAGE_BYTES

    if args.proxy_headers:
        # daphne would believe X-Forwarded-For from any peer (a forged header opened the
        # /metrics allow-list); the app reads it from TRUSTED_PROXIES only.
        logger.warning("--proxy-headers is ignored: client addresses come from TRUSTED_PROXIES")
    server = daphne.server.Server(
        application=application,
        endpoints=[f"tcp:port={args.port}:interface={args.host}"],
        signal_handlers=False,
        websocket_max_message_size=HARD_MAX_MESSAGE_BYTES,
        websocket_max_frame_size=HARD_MAX_MESSAGE_BYTES,
        application_close_timeout=args.shutdown_timeout,
        websocket_handshake_timeout=args.handshake_timeout,
        verbosity=args.verbosity,
    )
    skip_autobahn_debug_formatting()
    stopping = False
    shutdown_tasks: list[asyncio.Future] = []

    async def graceful() -> None:
        try:
            told = await live_sockets.shutdown_all(timeout_s=args.shutdown_timeout)
            closing = close_websockets(server, live_sockets.SERVICE_RESTART)
            logger.info("shutdown: told %d sockets to reconnect, closing %d", told, len(closing))
            deadline = loop.time() + min(3.0, args.shutdown_timeout)
            while any(p.state != p.STATE_CLOSED for p in closing) and loop.time() < deadline:
                await asyncio.sleep(0.05)  # let clients answer the close handshake
        except Exception:
            logger.exception("shutdown: could not close every socket cleanly")
        finally:
            reactor.stop()

    def on_signal(signum: int) -> None:
        nonlocal stopping
        if stopping:  # a second signal: stop now
            reactor.stop()
            return
        stopping = True
        logger.info("received %s: graceful shutdown", signal.Signals(signum).name)
        shutdown_tasks.append(asyncio.ensure_future(graceful(), loop=loop))

    loop = reactor._asyncioEventloop
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, on_signal, sig)
    logger.info("listening on %s:%d", args.host, args.port)
    server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
