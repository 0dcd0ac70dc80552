"""The fault drills fast enough for `make test`: each runs its own stack and must lose nothing."""

from __future__ import annotations

import pytest

from tests.faults.__main__ import main
from tests.faults.registry import drills
from tests.faults.runner import run_drill
from tests.stack.servers import PG_BIN

FAST = [drill.name for drill in drills().values() if drill.fast]


def test_every_drill_has_a_name_a_title_and_a_function():
    known = drills()
    assert set(known) == {
        "child-kill",
        "worker-kill",
        "worker-term",
        "redis-restart",
        "postgres-restart",
        "s3-outage",
        "s3-hang",
        "web-term",
        "stem-cache",
    }
    assert all(d.title and callable(d.run) for d in known.values())


def test_the_command_refuses_an_unknown_drill(capsys):
    assert main(["no-such-drill"]) == 2
    assert "unknown drill" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("name", FAST)
def test_the_drill_passes_and_loses_nothing(name):
    if name == "postgres-restart" and not (PG_BIN / "initdb").exists():
        pytest.skip("PostgreSQL 15 server binaries are not installed")
    run = run_drill(name, timeout=300)
    assert run.passed, run.output[-8000:]
    assert "-- lost: nothing" in run.output
