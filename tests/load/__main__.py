"""Load benches, each on its own stack: `python -m tests.load ws|reconnect|http|generation|users`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from tests.load import generation, http, report, stems_zip, users, ws


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _ws_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = ws.WsOptions()
    parser.add_argument(
        "--connections", type=int, default=defaults.connections, help="idle sockets held"
    )
    parser.add_argument(
        "--reconnect", type=int, default=defaults.reconnect, help="clients in the storm"
    )
    parser.add_argument(
        "--watchers", type=int, default=defaults.watchers, help="sockets in the latency run"
    )
    parser.add_argument(
        "--renders", type=int, default=defaults.renders, help="jobs emitting events"
    )
    parser.add_argument("--per-job", type=int, default=defaults.per_job, help="watchers per job")
    parser.add_argument(
        "--rate", type=float, default=defaults.rate, help="events emitted per second"
    )
    parser.add_argument(
        "--seconds", type=float, default=defaults.seconds, help="latency run length"
    )
    parser.add_argument("--real-renders", type=int, default=defaults.real_renders)
    parser.add_argument("--real-watchers", type=int, default=defaults.real_watchers)
    parser.add_argument(
        "--beat-length", default=defaults.beat_length, help='e.g. "60 seconds", "1 bar"'
    )
    parser.add_argument(
        "--hold", type=float, default=defaults.hold, help="seconds to hold idle sockets"
    )
    parser.add_argument(
        "--rounds", type=int, default=defaults.rounds, help="latency rounds, ours and bare in turn"
    )
    parser.add_argument(
        "--reconnect-spread",
        type=float,
        default=defaults.reconnect_spread,
        help="spread first reconnect attempts over this many seconds (0: the studio's 0.25-0.5 s)",
    )


def _ws_run(a: argparse.Namespace) -> dict[str, Any]:
    return ws.run(
        ws.WsOptions(
            connections=a.connections,
            reconnect=min(a.reconnect, a.connections),
            watchers=a.watchers,
            renders=a.renders,
            per_job=a.per_job,
            rate=a.rate,
            seconds=a.seconds,
            real_renders=a.real_renders,
            real_watchers=a.real_watchers,
            beat_length=a.beat_length,
            hold=a.hold,
            rounds=a.rounds,
            reconnect_spread=a.reconnect_spread,
        )
    )


def _reconnect_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = ws.WsOptions()
    parser.add_argument(
        "--clients", type=int, default=defaults.reconnect, help="clients in the storm"
    )
    parser.add_argument(
        "--connections", type=int, default=0, help="idle sockets held (default: --clients)"
    )
    parser.add_argument("--hold", type=float, default=1.0, help="seconds to hold idle sockets")
    parser.add_argument(
        "--reconnect-spread",
        type=float,
        default=defaults.reconnect_spread,
        help="spread first reconnect attempts over this many seconds (0: the studio's 0.25-0.5 s)",
    )


def _reconnect_run(a: argparse.Namespace) -> dict[str, Any]:
    connections = max(a.connections, a.clients)
    return ws.run_reconnect(
        ws.WsOptions(
            connections=connections,
            reconnect=a.clients,
            hold=a.hold,
            reconnect_spread=a.reconnect_spread,
        )
    )


def _http_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = http.HttpOptions()
    parser.add_argument("--rate", type=float, default=defaults.rate, help="requests per second")
    parser.add_argument("--seconds", type=float, default=defaults.seconds, help="measured run")
    parser.add_argument(
        "--warmup", type=float, default=defaults.warmup, help="unmeasured run first"
    )
    parser.add_argument("--users", type=int, default=defaults.users, help="seeded users")
    parser.add_argument(
        "--servers", default=",".join(defaults.servers), help="comma-separated: daphne,gunicorn"
    )
    parser.add_argument("--gunicorn-workers", type=int, default=defaults.gunicorn_workers)
    parser.add_argument("--gunicorn-threads", type=int, default=defaults.gunicorn_threads)
    parser.add_argument(
        "--client-processes", type=int, default=defaults.client_processes, help="load generators"
    )


def _http_run(a: argparse.Namespace) -> dict[str, Any]:
    return http.run(
        http.HttpOptions(
            rate=a.rate,
            seconds=a.seconds,
            warmup=a.warmup,
            users=a.users,
            servers=_csv(a.servers),
            gunicorn_workers=a.gunicorn_workers,
            gunicorn_threads=a.gunicorn_threads,
            client_processes=a.client_processes,
        )
    )


def _generation_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = generation.GenerationOptions()
    parser.add_argument("--requests", type=int, default=defaults.requests, help="burst size")
    parser.add_argument(
        "--sequential", type=int, default=defaults.sequential, help="one-at-a-time requests"
    )
    parser.add_argument("--beat-length", default=defaults.beat_length, help='e.g. "60 seconds"')
    parser.add_argument(
        "--concurrency",
        default=",".join(str(c) for c in defaults.concurrencies),
        help="worker concurrencies to try, comma-separated",
    )
    parser.add_argument(
        "--edits", type=int, default=defaults.edits, help="one-track edits of one long beat"
    )
    parser.add_argument("--edit-length", default=defaults.edit_length, help='e.g. "3 minutes"')


def _generation_run(a: argparse.Namespace) -> dict[str, Any]:
    return generation.run(
        generation.GenerationOptions(
            requests=a.requests,
            sequential=a.sequential,
            beat_length=a.beat_length,
            concurrencies=[int(c) for c in _csv(a.concurrency)],
            edits=a.edits,
            edit_length=a.edit_length,
        )
    )


def _users_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = users.UsersOptions()
    parser.add_argument("--users", type=int, default=defaults.users)
    parser.add_argument("--seconds", type=float, default=defaults.seconds, help="run length")
    parser.add_argument("--think-min", type=float, default=defaults.think_min)
    parser.add_argument("--think-max", type=float, default=defaults.think_max)
    parser.add_argument("--worker-concurrency", type=int, default=defaults.worker_concurrency)
    parser.add_argument("--ramp", type=float, default=defaults.ramp, help="seconds to start all")
    parser.add_argument(
        "--lengths",
        default=",".join(defaults.lengths),
        help='beat lengths users ask for, comma-separated (e.g. "1 bar")',
    )


def _users_run(a: argparse.Namespace) -> dict[str, Any]:
    return users.run(
        users.UsersOptions(
            users=a.users,
            seconds=a.seconds,
            think_min=a.think_min,
            think_max=a.think_max,
            worker_concurrency=a.worker_concurrency,
            ramp=a.ramp,
            lengths=_csv(a.lengths),
        )
    )


def _stems_zip_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = stems_zip.StemsZipOptions()
    parser.add_argument("--seconds", type=float, default=defaults.seconds, help="beat length")
    parser.add_argument("--genre", default=defaults.genre)
    parser.add_argument("--no-verify", action="store_true", help="skip the CRC read-back")


def _stems_zip_run(a: argparse.Namespace) -> dict[str, Any]:
    return stems_zip.run(
        stems_zip.StemsZipOptions(seconds=a.seconds, genre=a.genre, verify=not a.no_verify)
    )


# name -> (what it measures, its arguments, its run, its text report, what a failure means)
BENCHES: dict[str, tuple[str, Callable, Callable, Callable, str]] = {
    "ws": (
        "WebSockets: idle sockets, reconnect storm, event latency",
        _ws_arguments,
        _ws_run,
        report.ws_text,
        "some sockets, reconnects or completed events were missing",
    ),
    "reconnect": (
        "WebSockets: a reconnect storm only (each client back with its resume snapshot)",
        _reconnect_arguments,
        _reconnect_run,
        report.reconnect_text,
        "some clients did not reconnect",
    ),
    "http": (
        "the JSON API at a constant arrival rate (daphne and gunicorn)",
        _http_arguments,
        _http_run,
        report.http_text,
        "some requests failed",
    ),
    "generation": (
        "renders through the real chat path (one at a time, and a burst)",
        _generation_arguments,
        _generation_run,
        report.generation_text,
        "some generation requests did not complete",
    ),
    "stems": (
        "a long beat's stems ZIP streamed from one web process, its RSS sampled",
        _stems_zip_arguments,
        _stems_zip_run,
        report.stems_zip_text,
        "the stems ZIP did not download whole",
    ),
    "users": (
        "simulated users chatting and editing over WebSockets; counts outcomes",
        _users_arguments,
        _users_run,
        report.users_text,
        "error rate at or above 0.1%",
    ),
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.load", description=__doc__)
    benches = parser.add_subparsers(dest="bench", required=True)
    for name, (about, arguments, _run, _text, _failure) in BENCHES.items():
        sub = benches.add_parser(name, help=about, description=about)
        arguments(sub)
        sub.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    _about, _arguments, run, text, failure = BENCHES[args.bench]
    result = run(args)
    print(json.dumps(result, indent=2) if args.json else text(result))
    if not result["ok"]:
        print(f"bench {args.bench}: {failure}", file=sys.stderr)
        return 1
    print(f"bench {args.bench}: done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
