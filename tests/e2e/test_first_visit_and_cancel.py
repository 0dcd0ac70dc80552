"""A first-time user's empty studio, and the cancel button on a live render."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_studio import new_conversation, say, sign_up

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_first_visit_shows_examples_and_cancel_stops_a_render(new_page, screenshots):
    page = new_page(DESKTOP)
    sign_up(page, f"first-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    examples = page.locator("button.example")
    expect(examples.first).to_be_visible()
    expect(page.get_by_test_id("audio-player")).to_be_hidden()
    page.screenshot(path=str(screenshots / "studio-empty-desktop.png"))
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(screenshots / "studio-empty-phone.png"))
    page.set_viewport_size(DESKTOP)

    # An example fills the input (the user may still edit it); Send sends it.
    examples.first.click()
    expect(page.get_by_test_id("chat-input")).to_be_focused()
    assert "lofi" in page.get_by_test_id("chat-input").input_value()
    page.get_by_test_id("chat-input").fill("techno 130 bpm, 64 bars")
    page.get_by_test_id("chat-send").click()
    expect(examples.first).to_be_hidden()

    progress = page.get_by_test_id("job-progress")
    progress.wait_for()
    progress.get_by_role("button", name="Cancel this render").click()
    expect(progress).to_have_attribute("data-status", "cancelled", timeout=30_000)
    expect(page.get_by_test_id("version-item")).to_have_count(1)
    expect(page.locator('[data-testid="version-item"] .badge.cancelled')).to_be_visible()
    # Nothing to download for a version that never rendered.
    expect(page.get_by_test_id("download-midi")).to_have_attribute("aria-disabled", "true")
    say(page, "what can you do?")
    expect(page.locator('[data-testid="chat-message"][data-role="assistant"]')).to_have_count(2)
    assert page.errors == []
