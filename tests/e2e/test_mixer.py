"""The mixer and A/B in Chromium: mute and solo change what each stem puts out (measured with
AnalyserNodes in the page), "save as a version" bakes the mix, A/B keeps the position."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from generation.models import BeatVersion
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_studio import new_conversation, say, sign_up, wait_for_version

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SILENT = 1e-4


def levels(page, settle_ms: int = 400) -> dict:
    """Peak RMS per stem over a short window (a stem can rest between notes), measured
    after the analysers' buffers (46 ms) have let go of what played before a click."""
    page.wait_for_timeout(250)
    return page.evaluate(
        """(ms) => new Promise((done) => {
          const top = {master: 0, tracks: {}};
          const started = performance.now();
          const look = () => {
            const now = window.dawgStudio.mixer.levels();
            top.master = Math.max(top.master, now.master);
            for (const [k, v] of Object.entries(now.tracks)) top.tracks[k] = Math.max(top.tracks[k] || 0, v);
            if (performance.now() - started < ms) requestAnimationFrame(look); else done(top);
          };
          look();
        })""",
        settle_ms,
    )


def test_mute_and_solo_change_each_stems_output_and_a_b_keeps_the_position(new_page):
    page = new_page(DESKTOP)
    sign_up(page, f"mixer-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    say(page, "boom bap 90 bpm in A minor, 8 bars")
    wait_for_version(page, 1)
    page.get_by_test_id("mixer-toggle").click()
    tracks = page.get_by_test_id("mixer-track")
    expect(tracks.first).to_be_visible()
    names = [tracks.nth(i).get_attribute("data-track") for i in range(tracks.count())]
    assert {"kick", "bass"} <= set(names), names
    page.locator("#audio").evaluate("a => { a.currentTime = 1; a.play(); }")
    page.wait_for_function("() => !document.getElementById('audio').paused")
    assert page.locator("#audio").evaluate("a => a.muted"), "the stems play, not the mix"

    before = levels(page, 1500)
    assert before["tracks"]["kick"] > SILENT and before["tracks"]["bass"] > SILENT, before

    # Solo the bass: only the bass is heard.
    page.locator('[data-track="bass"]').get_by_test_id("mixer-solo").click()
    solo = levels(page, 1500)
    assert solo["tracks"]["bass"] > SILENT, solo
    assert all(v < SILENT for k, v in solo["tracks"].items() if k != "bass"), solo
    page.locator('[data-track="bass"]').get_by_test_id("mixer-solo").click()

    # Mute the kick: the kick is silent, the bass plays on.
    page.locator('[data-track="kick"]').get_by_test_id("mixer-mute").click()
    muted = levels(page, 1500)
    assert muted["tracks"]["kick"] < SILENT and muted["tracks"]["bass"] > SILENT, muted
    page.locator("#audio").evaluate("a => a.pause()")

    # Save the mix as a version: rendered like any edit, with the kick off.
    page.get_by_test_id("mixer-save").click()
    row = page.locator('[data-testid="version-item"][data-number="2"]')
    expect(row).to_contain_text("mix of v1: kick off")
    expect(row.get_by_test_id("play-version")).to_be_enabled(timeout=60_000)
    v2 = BeatVersion.objects.get(
        number=2, beat__conversation__id=page.url.rstrip("/").split("/")[-1]
    )
    assert v2.spec["tracks"]["kick"]["enabled"] is False
    assert v2.spec["tracks"]["bass"]["enabled"] is True

    # A/B: v2 in the player, then B switches to v1 at the same position, and back.
    page.get_by_test_id("mixer-toggle").click()  # mixer off: the mix plays again
    row.get_by_test_id("play-version").click()
    expect(page.locator("#audio")).to_have_attribute("data-number", "2")
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0.1")
    page.locator("#audio").evaluate("a => { a.currentTime = 6; }")
    page.wait_for_function("() => Math.abs(document.getElementById('audio').currentTime - 6) < 0.5")
    expect(page.get_by_test_id("ab-caption")).to_contain_text("v2 ↔ v1")
    page.locator("body").click(position={"x": 5, "y": 300})
    at = page.locator("#audio").evaluate("a => a.currentTime")
    page.keyboard.press("b")
    expect(page.locator("#audio")).to_have_attribute("data-number", "1")
    page.wait_for_function(
        "(t) => { const a = document.getElementById('audio');"
        " return a.readyState >= 1 && Math.abs(a.currentTime - t) < 1.0 && !a.paused; }",
        arg=at,
    )
    page.keyboard.press("b")
    expect(page.locator("#audio")).to_have_attribute("data-number", "2")
    page.wait_for_function(
        "(t) => Math.abs(document.getElementById('audio').currentTime - t) < 1.5", arg=at
    )
    assert page.errors == []


def test_the_assistants_mixer_field_solos_in_the_mixer_without_deleting(new_page):
    page = new_page(DESKTOP)
    sign_up(page, f"solo-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    say(page, "boom bap 90 bpm in A minor, 4 bars")
    wait_for_version(page, 1)
    # An assistant reply carrying `mixer` (the assistant adds it to the reply's chat.message
    # payload) is applied as the event arrives: the shape that event will have.
    page.evaluate(
        """() => window.dawgStudio.applyEvent({type: "chat.message", mixer: {solo: ["bass"]},
             message: {id: "m-solo", role: "assistant", text: "Soloed the bass in the mixer.",
                       created_at: new Date().toISOString(), mixer: {solo: ["bass"]}}})"""
    )
    expect(page.locator('[data-track="bass"]').get_by_test_id("mixer-solo")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator('[data-track="kick"]').get_by_test_id("mixer-solo")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(page.get_by_test_id("version-item")).to_have_count(1)  # nothing deleted or rendered
    assert page.errors == []
