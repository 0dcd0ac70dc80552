"""Update NAME=value lines of an env file in place, keeping every other line as it was."""

from __future__ import annotations

import re
from pathlib import Path

_ASSIGNMENT = re.compile(r"^(?P<export>export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)=")
_NEEDS_QUOTES = re.compile(r"[\s#'\"$`\\]")


def env_value(value: str) -> str:
    """A value as it must be written so dotenv parsers read it back unchanged."""
    if value == "" or not _NEEDS_QUOTES.search(value):
        return value
    return "'" + value.replace("'", "'\"'\"'") + "'" if '"' in value else f'"{value}"'


def env_file_update(path: Path | str, values: dict[str, str], *, header: str = "") -> list[str]:
    """Set ``values`` in the env file at ``path``; returns the names whose line changed.

    Existing assignments are rewritten where they stand (the first one of each name);
    comments, blank lines, other variables and line order stay; new names are appended,
    under ``header`` as a comment when given. The file is created if missing.
    """
    path = Path(path)
    text = path.read_text() if path.exists() else ""
    lines = text.splitlines()
    changed: list[str] = []
    seen: set[str] = set()
    for index, line in enumerate(lines):
        match = _ASSIGNMENT.match(line)
        if not match or match["name"] not in values or match["name"] in seen:
            continue
        name = match["name"]
        seen.add(name)
        new_line = f"{match['export'] or ''}{name}={env_value(values[name])}"
        if new_line != line:
            lines[index] = new_line
            changed.append(name)
    missing = [name for name in values if name not in seen]
    if missing:
        if lines and lines[-1].strip():
            lines.append("")
        if header:
            lines.append(f"# {header}")
        for name in missing:
            lines.append(f"{name}={env_value(values[name])}")
            changed.append(name)
    if changed:
        path.write_text("\n".join(lines) + "\n")
    return changed
