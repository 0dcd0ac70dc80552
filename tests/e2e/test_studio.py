"""The studio in Chromium: sign up, chat a beat into existence, edit, restore, download, log out."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import mido
import pytest
from playwright.sync_api import Page, expect

from generation.engine.mix import TAIL_S
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PASSWORD = "correct-horse-42"
PROGRESS_RECORDER = """() => {
  window.seenProgress = [];
  const jobs = document.getElementById("jobs");
  new MutationObserver(() => {
    for (const el of jobs.querySelectorAll('[data-testid="job-progress"]')) {
      window.seenProgress.push([el.dataset.job, el.dataset.stage, Number(el.dataset.percent), el.dataset.status]);
    }
  }).observe(jobs, {subtree: true, childList: true, attributes: true});
  window.seenTyping = false;
  const typing = document.getElementById("typing");
  new MutationObserver(() => { if (!typing.hidden) window.seenTyping = true; })
    .observe(typing, {attributes: true});
}"""


def sign_up(page: Page, username: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_test_id("signup-submit").click()
    expect(page.get_by_test_id("new-conversation")).to_be_visible()


def new_conversation(page: Page) -> None:
    page.goto("/")
    page.get_by_test_id("new-conversation").click()
    expect(page.get_by_test_id("chat-input")).to_be_visible()
    page.wait_for_function("() => window.dawgStudio && window.dawgStudio.socket.everOpen")


def say(page: Page, text: str) -> None:
    page.get_by_test_id("chat-input").fill(text)
    page.get_by_test_id("chat-input").press("Enter")


def audio_state(page: Page) -> dict:
    return page.locator("#audio").evaluate(
        "a => ({duration: a.duration, paused: a.paused, time: a.currentTime, src: a.src,"
        " version: a.dataset.number})"
    )


def wait_for_version(page: Page, number: int, timeout: float = 60_000) -> None:
    page.locator(f'[data-testid="version-item"][data-number="{number}"]').wait_for(timeout=timeout)
    page.wait_for_function(
        """(n) => {
          const a = document.getElementById('audio');
          return a.dataset.number === String(n) && Number.isFinite(a.duration) && a.duration > 0;
        }""",
        arg=number,
        timeout=timeout,
    )


def test_sign_up_chat_a_beat_edit_restore_download_and_log_out(new_page, screenshots):
    page = new_page(DESKTOP)
    page.goto("/")
    page.screenshot(path=str(screenshots / "landing-desktop.png"))
    page.goto("/accounts/signup/")
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(screenshots / "signup-phone.png"))
    page.set_viewport_size(DESKTOP)
    username = f"maker-{uuid.uuid4().hex[:6]}"
    sign_up(page, username)
    new_conversation(page)
    studio_url = page.url
    expect(page.locator("#examples")).to_be_visible()  # a first-time user sees example prompts
    page.evaluate(PROGRESS_RECORDER)

    say(page, "lofi beat 80 bpm in D minor, 8 bars")
    expect(page.locator('[data-testid="chat-message"][data-role="user"]')).to_have_count(1)
    expect(page.locator('[data-testid="chat-message"][data-role="assistant"]')).to_have_count(1)
    wait_for_version(page, 1)

    seen = page.evaluate("window.seenProgress")
    percents = [p for _job, _stage, p, _status in seen]
    stages = {stage for _job, stage, _p, _status in seen}
    assert len(set(percents)) >= 3, seen
    assert percents == sorted(percents), percents
    assert max(percents) == 100
    assert {"mixing", "mastering", "encoding"} & stages, stages

    assert page.evaluate("window.seenTyping"), (
        "the typing indicator showed while the assistant worked"
    )
    expect(page.locator("#typing")).to_be_hidden()
    # The 2-bar preview played as soon as it was ready, before the full render replaced it.
    assert page.evaluate("window.dawgStudio.player.previews") >= 1
    # The player holds the requested length: 8 bars at 80 bpm plus the engine's ring-out.
    expected = 8 * 4 * 60 / 80
    state = audio_state(page)
    assert state["duration"] == pytest.approx(expected + TAIL_S, abs=0.25), state
    expect(page.get_by_test_id("waveform")).to_be_visible()
    chips = page.get_by_test_id("spec-chip")
    expect(chips.and_(page.locator('[data-field="bpm"]')).locator("input")).to_have_value("80")
    expect(chips.and_(page.locator('[data-field="genre"]')).locator("select")).to_have_value(
        "lo-fi"
    )
    expect(chips.and_(page.locator('[data-field="tracks.hats"]'))).to_have_attribute(
        "aria-pressed", "true"
    )
    page.screenshot(path=str(screenshots / "studio-desktop.png"), full_page=False)

    say(page, "make it faster")
    wait_for_version(page, 2)
    page.wait_for_function(
        "() => { const a = document.getElementById('audio'); return !a.paused && a.currentTime > 0.2; }",
        timeout=15_000,
    )
    assert audio_state(page)["version"] == "2"
    expect(page.get_by_test_id("version-item")).to_have_count(2)
    bpm = float(chips.and_(page.locator('[data-field="bpm"]')).locator("input").input_value())
    assert bpm > 80

    # Restore version 1: it becomes current without a render.
    v1 = page.locator('[data-testid="version-item"][data-number="1"]')
    v1.get_by_test_id("restore-version").click()
    expect(v1).to_have_attribute("data-current", "true")
    expect(
        page.locator('[data-testid="version-item"][data-number="2"]').get_by_test_id(
            "restore-version"
        )
    ).to_be_visible()
    expect(chips.and_(page.locator('[data-field="bpm"]')).locator("input")).to_have_value("80")

    with page.expect_download() as download_info:
        page.get_by_test_id("download-midi").click()
    path = download_info.value.path()
    midi = mido.MidiFile(file=io.BytesIO(Path(path).read_bytes()))
    tempos = [m.tempo for track in midi.tracks for m in track if m.type == "set_tempo"]
    assert tempos and mido.tempo2bpm(tempos[0]) == pytest.approx(80, abs=0.01)
    assert sum(1 for t in midi.tracks for m in t if m.type == "note_on") > 10

    with page.expect_download() as download_info:
        page.get_by_test_id("download-stems").click()
    with zipfile.ZipFile(download_info.value.path()) as bundle:
        names = bundle.namelist()
    assert any(n.endswith(".mid") for n in names), names
    assert sum(n.endswith(".wav") for n in names) >= 4, names  # one stem per enabled track
    for testid, magic in (("download-wav", b"RIFF"), ("download-mp3", (b"ID3", b"\xff"))):
        response = page.request.get(page.get_by_test_id(testid).get_attribute("href"))
        assert response.ok and response.body().startswith(magic), testid

    page.screenshot(path=str(screenshots / "studio-desktop-versions.png"), full_page=True)
    phone = new_page(PHONE)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(studio_url)
    wait_for_version(phone, 1)
    phone.screenshot(path=str(screenshots / "studio-phone.png"), full_page=False)
    phone.screenshot(path=str(screenshots / "studio-phone-full.png"), full_page=True)

    # "My beats": title, genre, bpm, key, last change and a small waveform.
    page.goto("/")
    item = page.get_by_test_id("conversation-item")
    expect(item).to_have_count(1)
    for text in ("D minor lo-fi 80 bpm", "lo-fi", "80 bpm", "D minor", "just now", "v1 · new beat"):
        expect(item).to_contain_text(text)
    page.wait_for_function(
        "() => { const c = document.querySelector('canvas.thumb');"
        " return c && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v); }"
    )
    page.screenshot(path=str(screenshots / "my-beats-desktop.png"))
    phone.goto("/")
    phone.screenshot(path=str(screenshots / "my-beats-phone.png"))

    page.get_by_test_id("logout").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.goto(studio_url)
    assert "/accounts/login/" in page.url
    assert page.errors == []
