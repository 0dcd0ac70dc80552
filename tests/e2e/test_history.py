"""A conversation's history is never lost: two beats survive a reload, each restores its own
versions, the switcher picks which one the chat edits, rename and delete; cancel puts the
previous version back and says so."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import expect

from generation.models import Asset, Beat
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_studio import new_conversation, say, sign_up, wait_for_version

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def versions(page):
    return page.get_by_test_id("version-item")


def version_row(page, number: int):
    return page.locator(f'[data-testid="version-item"][data-number="{number}"]')


def test_two_beats_in_one_conversation_survive_a_reload_and_restore_each(new_page, screenshots):
    page = new_page(DESKTOP)
    sign_up(page, f"beats-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    say(page, "lofi beat 80 bpm in D minor, 4 bars")
    wait_for_version(page, 1)
    say(page, "make it 90 bpm")
    wait_for_version(page, 2)
    say(page, "a new beat: techno 130 bpm, 4 bars")
    # The new beat starts at v1 beside the old one; the list shows only its own versions.
    expect(versions(page)).to_have_count(1)
    wait_for_version(page, 1)
    expect(page.get_by_test_id("beat-select").locator("option")).to_have_count(2)
    expect(page.locator("#beat-title")).to_contain_text("techno")

    page.reload()
    page.wait_for_function("() => window.dawgStudio && window.dawgStudio.socket.everOpen")
    select = page.get_by_test_id("beat-select")
    expect(select.locator("option")).to_have_count(2)
    expect(versions(page)).to_have_count(1)
    expect(page.locator("#beat-title")).to_contain_text("techno")

    # Switch to the first beat: its two versions are back, and "undo" acts on it.
    first_id = select.locator("option").first.get_attribute("value")
    select.select_option(first_id)
    expect(versions(page)).to_have_count(2)
    expect(version_row(page, 2)).to_have_attribute("data-current", "true")
    say(page, "undo")
    expect(version_row(page, 1)).to_have_attribute("data-current", "true")
    expect(page.locator('[data-testid="spec-chip"][data-field="bpm"] input')).to_have_value("80")
    # Restore targets this beat's v2 by id (the techno beat has a v1 too, and no v2).
    version_row(page, 2).get_by_test_id("restore-version").click()
    expect(version_row(page, 2)).to_have_attribute("data-current", "true")
    expect(page.locator('[data-testid="spec-chip"][data-field="bpm"] input')).to_have_value("90")

    # Back to the techno beat; restoring there leaves the lofi beat at its v2.
    second_id = select.locator("option").nth(1).get_attribute("value")
    select.select_option(second_id)
    expect(versions(page)).to_have_count(1)
    expect(page.locator('[data-testid="spec-chip"][data-field="bpm"] input')).to_have_value("130")
    page.reload()
    expect(page.get_by_test_id("beat-select")).to_have_value(second_id)
    lofi = Beat.objects.get(id=first_id)
    assert lofi.current_version.number == 2
    page.screenshot(path=str(screenshots / "studio-two-beats-desktop.png"))

    # "My beats" lists both beats of the conversation.
    page.goto("/")
    expect(page.get_by_test_id("beat-item")).to_have_count(2)
    expect(page.get_by_test_id("conversation-item")).to_contain_text("lo-fi")
    expect(page.get_by_test_id("conversation-item")).to_contain_text("techno")
    page.screenshot(path=str(screenshots / "my-beats-two-beats-desktop.png"))
    # A beat's row opens the studio on that beat (the switcher picks it).
    page.locator(f'[data-testid="beat-item"][data-beat="{first_id}"] a').click()
    expect(page.get_by_test_id("beat-select")).to_have_value(first_id)
    expect(versions(page)).to_have_count(2)
    assert page.errors == []


def test_rename_follows_then_sticks_and_delete_asks_then_removes_files(new_page):
    page = new_page(DESKTOP)
    sign_up(page, f"names-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    say(page, "lofi beat 80 bpm in D minor, 4 bars")
    wait_for_version(page, 1)
    expect(page.locator("#conversation-title")).to_have_text("D minor lo-fi 80 bpm")
    say(page, "make it 96 bpm")
    wait_for_version(page, 2)
    # An untitled beat is named after its current version: the title follows the beat.
    expect(page.locator("#conversation-title")).to_have_text("D minor lo-fi 96 bpm")
    expect(page.locator("#beat-title")).to_have_text("D minor lo-fi 96 bpm")

    page.locator(".beat-menu summary").click()
    page.locator("#beat-rename-title").fill("Night drive")
    page.get_by_test_id("beat-rename").click()
    expect(page.locator("#beat-title")).to_have_text("Night drive")
    say(page, "make it 100 bpm")
    wait_for_version(page, 3)
    expect(page.locator("#beat-title")).to_have_text("Night drive")  # the user's name sticks

    beat = Beat.objects.get(title="Night drive")
    files = list(Asset.objects.filter(version__beat=beat).values_list("file", flat=True))
    assert files and all(default_storage.exists(name) for name in files)
    page.locator(".beat-menu summary").click()
    page.get_by_test_id("beat-delete").click()
    expect(page.get_by_role("heading", name="Delete the beat “Night drive”?")).to_be_visible()
    page.get_by_test_id("cancel-delete").click()  # "Keep it": nothing happens
    assert Beat.objects.filter(id=beat.id).exists()
    page.locator(".beat-menu summary").click()
    page.get_by_test_id("beat-delete").click()
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("chat-input")).to_be_visible()
    expect(versions(page)).to_have_count(0)
    assert not Beat.objects.filter(id=beat.id).exists()
    assert not any(default_storage.exists(name) for name in files)

    # The conversation itself: delete asks first, then it is gone from "My beats".
    page.goto("/")
    expect(page.get_by_test_id("conversation-item")).to_have_count(1)
    page.get_by_test_id("delete-conversation").click()
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("conversation-item")).to_have_count(0)
    assert page.errors == []


def test_cancel_puts_the_previous_version_back_and_says_so(new_page):
    page = new_page(DESKTOP)
    sign_up(page, f"cancel-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    say(page, "house groove 124 bpm in A minor, 4 bars")
    wait_for_version(page, 1)
    say(page, "make it 64 bars")
    running = page.locator('[data-testid="job-progress"][data-status="running"]')
    running.wait_for()
    running.get_by_role("button", name="Cancel this render").click()
    expect(version_row(page, 1)).to_have_attribute("data-current", "true", timeout=30_000)
    expect(
        page.locator('[data-testid="chat-message"][data-role="assistant"]').last
    ).to_contain_text("Cancelled v2. v1")
    # Header, chips and downloads describe v1, which has audio.
    expect(page.locator("#beat-summary")).to_contain_text("v1")
    expect(page.get_by_test_id("download-midi")).not_to_have_attribute("aria-disabled", "true")
    expect(page.locator("#downloads-caption")).to_have_text("v1")
    expect(version_row(page, 2).locator(".badge.cancelled")).to_be_visible()
    page.reload()
    expect(version_row(page, 1)).to_have_attribute("data-current", "true")
    assert page.errors == []
