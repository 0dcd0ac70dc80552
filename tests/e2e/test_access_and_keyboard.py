"""Another user's studio is refused; the studio works from the keyboard alone."""

from __future__ import annotations

import json
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP
from tests.e2e.test_studio import new_conversation, say, sign_up, wait_for_version

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_second_user_cannot_open_the_first_users_studio(new_page):
    owner = new_page(DESKTOP)
    sign_up(owner, f"owner-{uuid.uuid4().hex[:6]}")
    new_conversation(owner)
    studio_url = owner.url

    stranger = new_page(DESKTOP)
    sign_up(stranger, f"stranger-{uuid.uuid4().hex[:6]}")
    response = stranger.goto(studio_url)
    assert response is not None and response.status == 404
    expect(stranger.get_by_test_id("chat-input")).to_have_count(0)
    # The list shows only the stranger's own (empty) beats.
    stranger.goto("/")
    expect(stranger.get_by_test_id("conversation-item")).to_have_count(0)


def test_keyboard_only_tab_to_the_input_enter_sends_and_a_chip_edits(new_page):
    page = new_page(DESKTOP)
    sent: list[dict] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framesent", lambda payload: sent.append(json.loads(payload))),
    )
    sign_up(page, f"keys-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    # Every control of the chat has an accessible name.
    expect(page.get_by_label("Message: describe a beat or a change")).to_be_visible()
    expect(page.get_by_role("button", name="Send")).to_be_visible()

    page.locator("body").focus()
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.testid") == "chat-input":
            break
    else:
        pytest.fail("Tab never reached the chat input")
    page.keyboard.type("boom bap 90 bpm in A minor, 4 bars")
    page.keyboard.press("Enter")
    expect(page.locator('[data-testid="chat-message"][data-role="user"]')).to_have_text(
        "boom bap 90 bpm in A minor, 4 bars"
    )
    expect(page.get_by_test_id("chat-input")).to_have_value("")
    wait_for_version(page, 1)

    # A track chip, pressed with the keyboard, sends the same edit a chat message would.
    hats = page.locator('[data-testid="spec-chip"][data-field="tracks.hats"]')
    expect(hats).to_have_attribute("aria-pressed", "true")
    hats.focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-testid="chat-message"][data-role="user"]').last).to_have_text(
        "remove the hats"
    )
    wait_for_version(page, 2)
    expect(page.locator('[data-testid="spec-chip"][data-field="tracks.hats"]')).to_have_attribute(
        "aria-pressed", "false"
    )
    # Focus stays on the chip through the rebuild, so the keyboard user is not thrown back.
    expect(page.locator('[data-testid="spec-chip"][data-field="tracks.hats"]')).to_be_focused()
    # The bpm chip: type a number and press Enter.
    bpm = page.locator('[data-testid="spec-chip"][data-field="bpm"] input')
    bpm.fill("100")
    bpm.press("Enter")
    expect(page.locator('[data-testid="chat-message"][data-role="user"]').last).to_have_text(
        "make it 100 bpm"
    )
    page.locator('[data-testid="version-item"][data-number="3"]').wait_for()
    expect(bpm).to_have_value("100")

    # A missed group event (simulated: the page forgets the last message and two seqs) is
    # noticed at the next event's seq; the page resumes with reason "gap" and is whole again.
    messages = page.get_by_test_id("chat-message")
    count = messages.count()
    page.evaluate(
        "() => { window.dawgStudio.state.seq -= 2; window.dawgStudio.state.messages.pop(); }"
    )
    say(page, "what can you do?")
    expect(messages).to_have_count(count + 2)
    assert any(f.get("type") == "resume" and f.get("reason") == "gap" for f in sent), sent
    chat_frames = [f for f in sent if f.get("type") == "chat.message"]
    assert all(uuid.UUID(f["client_msg_id"]).version == 4 for f in chat_frames)
    assert page.errors == []
