"""The deployment docs' shell commands name real make targets, commands, options and files."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest
from django.core.management import get_commands, load_command_class

from tests.deploy.process_commands import ROOT, canonical, procfile_commands

DOCS = [ROOT / "docs" / "deployment-guide.md", ROOT / "docs" / "deployment-checklist.md"]
# Need a container engine, a cluster or a cloud account: checked for the files they name only.
ELSEWHERE = {
    "docker",
    "kubectl",
    "aws",
    "heroku",
    "railway",
    "psql",
    "pg_dump",
    "pg_restore",
    "systemctl",
    "ln",
    "redis-cli",
    "curl",
}


def doc_commands() -> list[tuple[str, str]]:
    """(doc name, command line) for every line of every ```bash block."""
    found = []
    for doc in DOCS:
        if not doc.exists():
            continue
        for block in re.findall(r"```bash\n(.*?)```", doc.read_text(), re.S):
            for line in block.replace("\\\n", " ").splitlines():
                line = line.split(" #", 1)[0].strip()
                if line and not line.startswith("#"):
                    found.append((doc.name, line))
    return found


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z0-9-]*):", text, re.M))


def _strip_venv(argv: list[str]) -> list[str]:
    return [argv[0].removeprefix(".venv/bin/"), *argv[1:]]


def _check_paths(argv: list[str]) -> None:
    for word in argv:
        candidate = word.split("=", 1)[-1]
        if candidate.startswith(("deploy/", "docs/", "./deploy/")) or candidate in (
            ".env.example",
            "Procfile",
        ):
            assert (ROOT / candidate).exists(), candidate


def test_the_guide_has_commands_to_check():
    commands = doc_commands()
    assert len(commands) > 20
    assert any(line.startswith("make ") for _, line in commands)


@pytest.mark.parametrize(("doc", "line"), doc_commands())
def test_each_documented_command_exists_as_written(doc, line):
    argv = _strip_venv(shlex.split(line))
    program = argv[0]
    if program in ("export",):
        return
    if program == "make":
        assert set(argv[1:]) <= make_targets(), line
        return
    if program == "cp":
        _check_paths(argv)
        return
    if program == "python" and argv[1:2] == ["manage.py"]:
        name, args = argv[2], argv[3:]
        commands = get_commands()
        assert name in commands, f"{doc}: no management command {name}"
        parser = load_command_class(commands[name], name).create_parser("manage.py", name)
        parser.parse_args(args)  # unknown options or bad choices exit here
        return
    if program in ("python", "celery", "daphne"):
        documented = canonical(argv)
        processes = [canonical(cmd) for cmd in procfile_commands().values()]
        assert any(p[: len(documented)] == documented for p in processes), (
            f"{doc}: {line} is not (a prefix of) a Procfile command"
        )
        return
    if program in ELSEWHERE:
        _check_paths(argv)
        return
    raise AssertionError(f"{doc}: unclassified command {line!r}")


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl is not installed")
def test_kubectl_kustomize_builds_the_manifests_offline():
    result = subprocess.run(
        ["kubectl", "kustomize", str(ROOT / "deploy" / "k8s")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "image: registry.example.com/dawg:1.0.0" in result.stdout
    assert "kind: HorizontalPodAutoscaler" in result.stdout


def test_relative_mounts_in_compose_exist():
    from tests.deploy.process_commands import DEPLOY, compose_file

    for name, service in compose_file()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (DEPLOY / source).exists(), (name, source)


def test_docs_reference_existing_files():
    for doc in DOCS:
        if not doc.exists():
            continue
        for path in re.findall(r"`((?:deploy|docs|infra|tests)/[\w./-]+)`", doc.read_text()):
            assert (ROOT / path.rstrip("/")).exists() or (ROOT / path).exists(), (doc.name, path)
