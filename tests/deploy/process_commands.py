"""Read each process's command line from the deployment files themselves (so tests follow them)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
# Every deployment runs at least these; the Procfile may add more (each checked the same way).
ROLES = ("web", "worker", "beat", "release")
_VAR = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}|\$([A-Z_][A-Z0-9_]*)")


def expand(word: str, env: dict[str, str]) -> str:
    """Shell-style ``${NAME:-default}`` / ``${NAME}`` / ``$NAME`` expansion (nothing else)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        default = match.group(2) or ""
        return env.get(name) or default

    return _VAR.sub(value, word)


def canonical(argv: list[str], env: dict[str, str] | None = None) -> list[str]:
    """Unwrap ``sh -c "exec …"`` and expand variables, so every source compares alike."""
    env = env or {}
    if len(argv) == 3 and argv[0] in ("sh", "/bin/sh", "bash") and argv[1] == "-c":
        argv = shlex.split(argv[2])
    if argv and argv[0] == "exec":
        argv = argv[1:]
    return [expand(word, env) for word in argv]


def procfile_commands(path: Path = DEPLOY / "Procfile") -> dict[str, list[str]]:
    commands: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            role, _, command = line.partition(":")
            commands[role.strip()] = shlex.split(command.strip())
    return commands


def dockerfile_cmd(path: Path = DEPLOY / "Dockerfile") -> list[str]:
    """The final stage's CMD (exec form)."""
    cmds = [line for line in path.read_text().splitlines() if line.startswith("CMD ")]
    return json.loads(cmds[-1].removeprefix("CMD "))


def dockerfile_stages(path: Path = DEPLOY / "Dockerfile") -> list[list[str]]:
    """Instruction lines per stage (continuation lines joined)."""
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.upper().startswith("FROM "):
            stages.append([])
        if stages:
            stages[-1].append(stripped)
    return stages


def compose_file() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def compose_commands() -> dict[str, list[str]]:
    """Each Procfile role's command in Compose: the service of that name (release: migrate)."""
    services = compose_file()["services"]
    commands = {}
    for role in procfile_commands():
        service = services.get("migrate" if role == "release" else role)
        if service is None:
            continue
        command = service.get("command") or (dockerfile_cmd() if role == "web" else None)
        if command:
            commands[role] = _as_argv(command)
    return commands


def _as_argv(command: str | list[str]) -> list[str]:
    # Compose escapes "$" as "$$" in values it should not interpolate.
    if isinstance(command, str):
        return shlex.split(command.replace("$$", "$"))
    return [word.replace("$$", "$") for word in command]


def k8s_documents() -> list[tuple[Path, dict]]:
    documents = []
    for path in sorted((DEPLOY / "k8s").rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                documents.append((path, document))
    return documents


def k8s_resource(kind: str, name: str) -> dict:
    for _, document in k8s_documents():
        if document["kind"] == kind and document["metadata"]["name"] == name:
            return document
    raise KeyError(f"{kind}/{name}")


def k8s_container(kind: str, name: str) -> dict:
    return k8s_resource(kind, name)["spec"]["template"]["spec"]["containers"][0]


def k8s_commands() -> dict[str, list[str]]:
    """Each Procfile role's command in Kubernetes: Deployment dawg-<role> (release: the Job)."""
    commands = {}
    for role in procfile_commands():
        kind, name = (
            ("Job", "dawg-migrate") if role == "release" else ("Deployment", f"dawg-{role}")
        )
        try:
            commands[role] = k8s_container(kind, name)["command"]
        except KeyError:
            continue
    return commands


def railway_commands() -> dict[str, list[str]]:
    """Each Procfile role in Railway: railway.json (web, release) or railway.<role>.json."""

    def load(name: str) -> dict | None:
        path = DEPLOY / name
        return json.loads(path.read_text())["deploy"] if path.exists() else None

    web = load("railway.json") or {}
    commands = {
        "web": shlex.split(web["startCommand"]) if "startCommand" in web else dockerfile_cmd(),
        "release": shlex.split(web["preDeployCommand"][0]),
    }
    for role in procfile_commands():
        config = load(f"railway.{role}.json")
        if config is not None:
            commands[role] = shlex.split(config["startCommand"])
    return commands


def listen_port(argv: list[str]) -> int | None:
    """The TCP port a web-style command listens on (``--port``/``-p`` or ``--bind h:p``)."""
    for flag in ("--port", "-p"):
        if flag in argv:
            return int(argv[argv.index(flag) + 1])
    for flag in ("--bind", "-b"):
        if flag in argv and ":" in argv[argv.index(flag) + 1]:
            return int(argv[argv.index(flag) + 1].rsplit(":", 1)[1])
    return None
