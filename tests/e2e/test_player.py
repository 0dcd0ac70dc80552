"""The player in Chromium: seeking from the embedded storage, per-version play/pause, the
player following restore, a section loop, a reload mid-render, and two tabs where one plays."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP
from tests.e2e.test_studio import new_conversation, say, sign_up, wait_for_version

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def audio(page) -> dict:
    return page.locator("#audio").evaluate(
        "a => ({duration: a.duration, paused: a.paused, time: a.currentTime,"
        " number: a.dataset.number, seekable: a.seekable.length ? a.seekable.end(0) : 0})"
    )


def test_seek_to_the_middle_and_the_position_advances_from_there(new_page):
    page = new_page(DESKTOP)
    sign_up(page, f"seek-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    say(page, "house groove 120 bpm in A minor, 16 bars")
    wait_for_version(page, 1)
    state = audio(page)
    # The whole file is seekable (Chromium saw 206 answers), not only what was downloaded.
    assert state["seekable"] >= state["duration"] - 0.5, state

    # The server answers a range with exactly that range.
    src = page.locator("#audio").evaluate("a => a.src")
    ranged = page.request.get(src, headers={"Range": "bytes=1000-1999"})
    assert ranged.status == 206 and len(ranged.body()) == 1000
    assert ranged.headers["accept-ranges"] == "bytes"
    assert ranged.headers["cache-control"].startswith("private")

    page.locator("#audio").evaluate("a => a.pause()")
    box = page.get_by_test_id("waveform").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    middle = state["duration"] / 2
    page.wait_for_function(
        "(m) => Math.abs(document.getElementById('audio').currentTime - m) < 1", arg=middle
    )
    page.get_by_role("button", name="Play", exact=True).click()
    # Heard advancing from the middle, not from 0:00.
    page.wait_for_function(
        "(m) => { const a = document.getElementById('audio');"
        " return !a.paused && a.currentTime > m + 0.5; }",
        arg=middle,
        timeout=10_000,
    )
    assert audio(page)["time"] < middle + 5
    # Keyboard: End goes to the end, Home back to the start.
    page.get_by_test_id("waveform").focus()
    page.keyboard.press("Home")
    assert audio(page)["time"] < 1.0
    assert page.errors == []


def test_version_rows_play_and_pause_the_player_follows_restore_and_loops_a_section(new_page):
    page = new_page(DESKTOP)
    sign_up(page, f"rows-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    say(page, "boom bap 90 bpm in C minor, 16 bars")
    wait_for_version(page, 1)
    say(page, "make it 100 bpm")
    wait_for_version(page, 2)

    v1 = page.locator('[data-testid="version-item"][data-number="1"]')
    v2 = page.locator('[data-testid="version-item"][data-number="2"]')
    v1.get_by_test_id("play-version").click()
    expect(v1.get_by_test_id("play-version")).to_have_attribute("data-playing", "true")
    expect(v1.get_by_test_id("play-version")).to_contain_text("❚❚")
    expect(v2.get_by_test_id("play-version")).to_contain_text("▶")
    v1.get_by_test_id("play-version").click()
    expect(v1.get_by_test_id("play-version")).to_have_attribute("data-playing", "false")
    assert audio(page)["paused"]

    # Restore v1 while v2 is loaded: the player follows to v1.
    v2.get_by_test_id("play-version").click()
    expect(page.locator("#audio")).to_have_attribute("data-number", "2")
    v1.get_by_test_id("restore-version").click()
    expect(v1).to_have_attribute("data-current", "true")
    expect(page.locator("#audio")).to_have_attribute("data-number", "1")
    # "undo" moves the current version and the player with it.
    say(page, "redo")
    expect(v2).to_have_attribute("data-current", "true")
    expect(page.locator("#audio")).to_have_attribute("data-number", "2")

    # Loop the second section: playback stays inside it.
    page.locator("#pattern-panel").wait_for()
    loop = page.get_by_test_id("loop-section")
    expect(loop.locator("option")).not_to_have_count(1)
    sections = loop.locator("option").count() - 1
    assert sections >= 2
    loop.select_option(index=sections)  # the last section
    start, end = (
        float(x) for x in page.get_by_test_id("audio-player").get_attribute("data-loop").split("-")
    )
    assert end > start >= 0
    page.locator("#audio").evaluate("(a, t) => { a.currentTime = t; a.play(); }", end - 0.4)
    page.wait_for_timeout(1200)
    now = audio(page)["time"]
    assert start <= now < end, (start, now, end)
    assert page.errors == []


def test_a_reload_mid_render_keeps_the_previous_version_playable_and_catches_up(new_page):
    page = new_page(DESKTOP)
    sign_up(page, f"reload-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    say(page, "lofi beat 80 bpm in D minor, 4 bars")
    wait_for_version(page, 1)
    say(page, "make it 64 bars")
    page.locator('[data-testid="version-item"][data-number="2"]').wait_for()
    # Past the preview stage: the 2-bar preview of v2 is stored, the full render goes on.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=job-progress][data-status=running]')]"
        ".some(j => !['previewing', 'starting', 'queued'].includes(j.dataset.stage))"
    )
    page.reload()
    # Mid-render: the player holds v1, playable, while v2 renders.
    player = page.get_by_test_id("audio-player")
    expect(player).to_be_visible()
    expect(page.locator("#audio")).to_have_attribute("data-number", "1")
    page.wait_for_function(
        "() => Number.isFinite(document.getElementById('audio').duration)", timeout=10_000
    )
    # The render's preview can be played again from its progress row.
    preview = page.get_by_test_id("play-preview")
    expect(preview).to_be_visible()
    preview.click()
    page.wait_for_function(
        "() => window.dawgStudio.player.preview && !document.getElementById('audio').paused"
    )
    # The render finishes: the player moves to v2 (shown, not autoplayed in a reloaded tab
    # the user has not touched... unless it sent the message, which this tab did).
    wait_for_version(page, 2, timeout=90_000)
    assert page.errors == []


def test_two_tabs_only_the_one_that_sent_the_change_plays(new_page):
    sender = new_page(DESKTOP)
    sign_up(sender, f"tabs-{uuid.uuid4().hex[:6]}")
    new_conversation(sender)
    url = sender.url
    other = sender.context.new_page()
    other.errors = []
    other.on("pageerror", lambda exc: other.errors.append(str(exc)))
    other.goto(url)
    other.wait_for_function("() => window.dawgStudio && window.dawgStudio.socket.everOpen")

    say(sender, "dark trap beat, 140, F minor, 4 bars")
    wait_for_version(sender, 1)
    wait_for_version(other, 1)
    sender.wait_for_function(
        "() => { const a = document.getElementById('audio'); return !a.paused && a.currentTime > 0.2; }"
    )
    other.wait_for_timeout(500)
    assert audio(other)["paused"], "the other tab shows the new version but stays quiet"
    assert audio(other)["number"] == "1"

    # The other tab starts playing: the first one pauses (one tab plays at a time).
    other.get_by_role("button", name="Play", exact=True).click()
    sender.wait_for_function("() => document.getElementById('audio').paused")
    assert sender.errors == [] and other.errors == []
