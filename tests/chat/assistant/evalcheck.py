"""The `expect` semantics of shared/eval/README.md, checked against a batch output line."""

from __future__ import annotations

from typing import Any

from generation.engine.spec import METERS, normalize_tonic

__all__ = ["check", "duration_of"]


def duration_of(spec: dict[str, Any]) -> float:
    """Seconds of a spec dict: its ``duration_s`` or bars x meter at its tempo."""
    if spec.get("duration_s") is not None:
        return float(spec["duration_s"])
    count, unit = METERS[spec.get("meter", "4/4")]
    return spec["bars"] * count * 4 / unit * 60.0 / spec["bpm"]


def check(expect: dict[str, Any], out: dict[str, Any]) -> list[str]:
    """Every way ``out`` fails ``expect``; empty when it passes."""
    failures: list[str] = []
    spec, previous = out.get("spec"), out.get("previous")

    def fail(message: str) -> None:
        failures.append(message)

    if "action" in expect and out.get("action") != expect["action"]:
        fail(f"action {out.get('action')!r} != {expect['action']!r}")
    if "export" in expect and out.get("export") != expect["export"]:
        fail(f"export {out.get('export')!r} != {expect['export']!r}")
    spec_keys = set(expect) - {"action", "export"}
    if spec_keys and spec is None:
        return [*failures, "spec is null"]
    if "genre" in expect and spec["genre"] != expect["genre"]:
        fail(f"genre {spec['genre']!r} != {expect['genre']!r}")
    if "bpm" in expect and float(spec["bpm"]) != float(expect["bpm"]):
        fail(f"bpm {spec['bpm']} != {expect['bpm']}")
    if "bpm_gt" in expect and not spec["bpm"] > expect["bpm_gt"]:
        fail(f"bpm {spec['bpm']} not > {expect['bpm_gt']}")
    if "bpm_lt" in expect and not spec["bpm"] < expect["bpm_lt"]:
        fail(f"bpm {spec['bpm']} not < {expect['bpm_lt']}")
    if "tonic" in expect and normalize_tonic(spec["key"]["tonic"]) != normalize_tonic(
        expect["tonic"]
    ):
        fail(f"tonic {spec['key']['tonic']} != {expect['tonic']}")
    if "mode" in expect and spec["key"]["mode"] != expect["mode"]:
        fail(f"mode {spec['key']['mode']} != {expect['mode']}")
    if "duration_s" in expect:
        low, high = expect["duration_s"]
        seconds = duration_of(spec)
        if not low <= seconds <= high:
            fail(f"duration {seconds:.1f}s not in [{low}, {high}]")
    if "duration_mult" in expect:
        low, high = expect["duration_mult"]
        if previous is None:
            fail("duration_mult needs a previous spec")
        else:
            ratio = duration_of(spec) / duration_of(previous)
            if not low <= ratio <= high:
                fail(f"duration ratio {ratio:.2f} not in [{low}, {high}]")
    for name in expect.get("track_on", []):
        if not spec["tracks"][name]["enabled"]:
            fail(f"track {name} is off")
    for name in expect.get("track_off", []):
        if spec["tracks"][name]["enabled"]:
            fail(f"track {name} is on")
    if expect.get("hats_faster") and (
        previous is None or not spec["tracks"]["hats"]["rate"] > previous["tracks"]["hats"]["rate"]
    ):
        fail("hats are not faster")
    if expect.get("swing_up") and (previous is None or not spec["swing"] > previous["swing"]):
        fail("swing did not go up")
    return failures
