"""docs/realtime-protocol.md names every event and frame the code knows, and no others."""

import re
from pathlib import Path

from chat.consumers import ConversationConsumer
from infra.realtime.events import EVENT_TYPES

DOC = (Path(__file__).resolve().parents[3] / "docs" / "realtime-protocol.md").read_text()


def documented_rows(heading: str) -> set[str]:
    section = DOC.split(heading, 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_.]+)` \|", section, flags=re.MULTILINE))


def test_every_event_type_is_documented_and_no_more():
    assert documented_rows("## Server → client events") == set(EVENT_TYPES)


def test_every_client_frame_is_documented_and_no_more():
    assert documented_rows("## Client → server frames") == set(ConversationConsumer.FRAME_HANDLERS)
