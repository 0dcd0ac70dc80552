"""Plain-text rendering of bench figures, with each target marked met or missed."""

from __future__ import annotations

from typing import Any


def _lines(data: Any, indent: int = 0) -> list[str]:
    pad = "  " * indent
    if not isinstance(data, dict):
        return [f"{pad}{data}"]
    out: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict) and value and not _flat(value):
            out.append(f"{pad}{key}:")
            out.extend(_lines(value, indent + 1))
        elif isinstance(value, dict):
            out.append(f"{pad}{key}: " + ", ".join(f"{k}={v}" for k, v in value.items()))
        else:
            out.append(f"{pad}{key}: {value}")
    return out


def _flat(value: dict[str, Any]) -> bool:
    return len(value) <= 8 and not any(isinstance(v, (dict, list)) for v in value.values())


def target(
    label: str,
    value: float,
    limit: float,
    unit: str = "",
    *,
    above: bool = False,
    inclusive: bool = False,
) -> str:
    """``label: value (target < limit): met`` — or ``missed by N%``."""
    met = value >= limit if above else value <= limit if inclusive else value < limit
    sign = ">=" if above else "<=" if inclusive else "<"
    verdict = (
        "met"
        if met
        else f"MISSED by {abs(value - limit) / limit * 100:.0f}%"
        if limit
        else "MISSED"
    )
    return f"  {label}: {value:g}{unit} (target {sign} {limit:g}{unit}): {verdict}"


def text(title: str, result: dict[str, Any], targets: list[str]) -> str:
    return "\n".join([f"== {title} ==", *_lines(result), "targets:", *targets]) + "\n"


def ws_text(r: dict[str, Any]) -> str:
    lat, bare = r["latency"], r["latency_bare"]
    targets = [
        target(
            "idle sockets open",
            r["idle"]["open_and_ready"],
            r["options"]["connections"],
            above=True,
        ),
        target("web RSS with idle sockets", r["idle"]["web_rss_mib"], 400, " MiB"),
        target("reconnect makespan", r["reconnect"]["makespan_s"], 10, " s"),
        target(
            "reconnected within 10 s",
            r["reconnect"]["reconnected_within_10s"],
            r["reconnect"]["clients"],
            above=True,
        ),
        target("failed reconnect attempts (retried)", r["reconnect"]["failed_attempts"], 1),
        target("event latency p50", lat["progress_latency"]["p50_ms"], 10, " ms"),
        target("event latency p99", lat["progress_latency"]["p99_ms"], 100, " ms"),
        target(
            "generation.completed received",
            lat["completed_received"],
            lat["completed_expected"],
            above=True,
        ),
        target(
            "latency ratio to bare consumer p50",
            r["latency_ratio"]["p50"],
            1.5,
            "x",
            inclusive=True,
        ),
        target(
            "latency ratio to bare consumer p99",
            r["latency_ratio"]["p99"],
            1.5,
            "x",
            inclusive=True,
        ),
    ]
    if bare:
        ours_l, bare_l = lat["progress_latency"], bare["progress_latency"]
        targets.append(
            "  side by side, same run (ours | bare consumer): "
            f"p50 {ours_l['p50_ms']} | {bare_l['p50_ms']} ms, "
            f"p99 {ours_l['p99_ms']} | {bare_l['p99_ms']} ms"
        )
    return text("bench_ws", r, targets)


def reconnect_text(r: dict[str, Any]) -> str:
    storm = r["reconnect"]
    targets = [
        target(
            "idle sockets open",
            r["idle"]["open_and_ready"],
            r["options"]["connections"],
            above=True,
        ),
        target("reconnect makespan", storm["makespan_s"], 10, " s", inclusive=True),
        target(
            "reconnected within 10 s", storm["reconnected_within_10s"], storm["clients"], above=True
        ),
        target("failed reconnect attempts (retried)", storm["failed_attempts"], 1),
    ]
    return text("bench_reconnect", r, targets)


def http_text(r: dict[str, Any]) -> str:
    targets = []
    for server in r["options"]["servers"]:
        f = r[server]
        targets += [
            f"  [{f['server']}]",
            target("rate sent", f["rate_sent"], r["options"]["rate"] * 0.98, " req/s", above=True),
            target(
                "throughput", f["throughput"], r["options"]["rate"] * 0.95, " req/s", above=True
            ),
            target("p95", f["latency"]["p95_ms"], 100, " ms"),
            target("p99", f["latency"]["p99_ms"], 250, " ms"),
            target("errors", f["errors"], 1),
        ]
    return text("bench_http", r, targets)


def generation_text(r: dict[str, Any]) -> str:
    targets = []
    for c in r["options"]["concurrencies"]:
        f = r[f"concurrency_{c}"]
        targets += [
            f"  [worker concurrency {c}]",
            target(
                "sequential message -> completed p95",
                f["sequential"]["message_to_completed"]["p95_s"],
                1.5,
                " s",
            ),
            target(
                "burst succeeded",
                f["burst"]["succeeded"],
                f["burst"]["requests"],
                above=True,
            ),
        ]
    for c in r["options"]["concurrencies"]:
        edits = r[f"concurrency_{c}"].get("edits")
        if edits and edits["succeeded"]:
            targets += [
                f"  [one-track edits of a {edits['beat_length']} beat, worker concurrency {c}]",
                target(
                    "edit message -> completed p95",
                    edits["edit_message_to_completed"]["p95_s"],
                    1.0,
                    " s",
                    inclusive=True,
                ),
                target(
                    "storage written per edit / fresh render (worst edit)",
                    100 * edits["edit_storage_ratio_max"],
                    25.0,
                    " %",
                    inclusive=True,
                ),
            ]
    return text("bench_generation", r, targets)


def users_text(r: dict[str, Any]) -> str:
    targets = [target("error rate", r["error_rate_pct"], 0.1, "%")]
    return text("bench_users", r, targets)


def stems_zip_text(r: dict[str, Any]) -> str:
    targets = [
        target(
            "web RSS growth while streaming the stems ZIP",
            r["web_rss_growth_mib"],
            64.0,
            " MiB",
            inclusive=True,
        ),
        target("web RSS peak (k8s web limit 768 MiB)", r["web_rss_peak_mib"], 768.0, " MiB"),
    ]
    return text("bench_stems_zip", r, targets)
