"""A dropped socket mid-render: the banner appears and clears, and the page catches up."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP
from tests.e2e.test_studio import new_conversation, say, sign_up, wait_for_version
from tests.stack import live

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def restart_web(stack: dict, port: int) -> None:
    web, _ = live.start_web(stack["logs"], env=stack["env"], port=port)
    stack["web"] = web


def test_web_restart_mid_render_shows_the_banner_then_the_finished_job(
    new_page, browser_stack, screenshots
):
    page = new_page(DESKTOP)
    received: list[dict] = []
    sent: list[dict] = []

    def record(ws) -> None:
        ws.on("framereceived", lambda payload: received.append(json.loads(payload)))
        ws.on("framesent", lambda payload: sent.append(json.loads(payload)))

    page.on("websocket", record)
    sign_up(page, f"drop-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    banner = page.get_by_test_id("connection-banner")
    expect(banner).to_be_hidden()

    say(page, "lofi beat 80 bpm in D minor, 32 bars")
    running = page.locator('[data-testid="job-progress"][data-status="running"]')
    running.wait_for(timeout=30_000)
    job_id = running.get_attribute("data-job")

    # The web process goes away mid-render (graceful: system.reconnect, close 1012) and
    # comes back on the same address while the worker keeps rendering.
    port = urlparse(browser_stack["base_url"]).port
    browser_stack["web"].stop()
    try:
        expect(banner).to_be_visible(timeout=5_000)
        expect(banner).to_contain_text("Reconnecting")
        page.screenshot(path=str(screenshots / "studio-reconnecting.png"))
        seen_before = page.evaluate("window.dawgStudio.state.seq")
    finally:
        # The other tests need the web process whatever happened here.
        restart_web(browser_stack, port)

    expect(banner).to_be_hidden(timeout=30_000)
    page.wait_for_function(
        "(id) => window.dawgStudio.state.jobs.get(id)?.status === 'succeeded'",
        arg=job_id,
        timeout=60_000,
    )
    wait_for_version(page, 1, timeout=30_000)
    expect(page.get_by_test_id("download-midi")).to_have_attribute(
        "href",
        f"/beats/versions/{page.evaluate('window.dawgStudio.activeBeat().current_version')}/media/midi/",
    )
    # The old instance said goodbye (then closed with 1012); the new socket resumed.
    assert "system.reconnect" in [e["type"] for e in received]
    resumes = [f for f in sent if f["type"] == "resume"]
    assert len(resumes) >= 2 and resumes[-1]["last_seq"] >= seen_before
    # Events sent while the socket was down came back through the snapshot, not lost.
    assert page.evaluate("window.dawgStudio.state.seq") > seen_before
    expect(page.locator('[data-testid="chat-message"][data-role="assistant"]')).to_have_count(1)
