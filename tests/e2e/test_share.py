"""Share links: a read-only listen page for anyone with the link, opened in a fresh browser
context; downloads only if the owner allowed them; revoked and expired links answer 410."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from generation.models import ShareLink
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_studio import new_conversation, say, sign_up, wait_for_version

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def make_link(page, *, hours: str, downloads: bool) -> str:
    page.locator("#share-hours").select_option(hours)
    page.locator("#share-download").set_checked(downloads)
    page.get_by_test_id("share-create").click()
    page.wait_for_function("() => window.dawgStudio && window.dawgStudio.socket.everOpen")
    return page.get_by_test_id("share-url").first.input_value()


def test_a_share_link_plays_for_a_stranger_and_dies_when_revoked_or_expired(new_page, screenshots):
    owner = new_page(DESKTOP)
    sign_up(owner, f"sharer-{uuid.uuid4().hex[:6]}")
    new_conversation(owner)
    say(owner, "lofi beat 80 bpm in D minor, 8 bars")
    wait_for_version(owner, 1)
    listen_only = make_link(owner, hours="24", downloads=False)
    share = ShareLink.objects.get(token=listen_only.rstrip("/").rsplit("/", 1)[-1])
    assert len(share.token) >= 40 and not share.allow_download
    assert timedelta(hours=23) < share.expires_at - timezone.now() <= timedelta(hours=24)

    stranger = new_page(PHONE)  # a fresh context: no session, no cookies
    response = stranger.goto(listen_only)
    assert response.status == 200
    expect(stranger.get_by_role("heading", name="D minor lo-fi 80 bpm")).to_be_visible()
    stranger.wait_for_function(
        "() => { const c = document.getElementById('share-waveform');"
        " return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some(v => v); }"
    )
    stranger.get_by_test_id("share-play").click()
    stranger.wait_for_function(
        "() => { const a = document.getElementById('share-audio'); return !a.paused && a.currentTime > 0.3; }"
    )
    expect(stranger.get_by_test_id("share-download-mp3")).to_have_count(0)
    base = listen_only.rstrip("/")
    assert stranger.request.get(f"{base}/mp3/").status == 404  # no download without consent
    assert stranger.request.get(f"{base}/wav/").status == 404
    ranged = stranger.request.get(f"{base}/mp3/?inline=1", headers={"Range": "bytes=0-99"})
    assert ranged.status == 206
    # Read-only: the owner's studio and per-version routes stay closed to the stranger.
    assert stranger.request.get(f"/beats/versions/{share.version_id}/media/mp3/").url.endswith(
        f"/accounts/login/?next=/beats/versions/{share.version_id}/media/mp3/"
    )
    stranger.screenshot(path=str(screenshots / "share-phone.png"))

    with_downloads = make_link(owner, hours="1", downloads=True)
    other = new_page(DESKTOP)
    other.goto(with_downloads)
    with other.expect_download() as download:
        other.get_by_test_id("share-download-wav").click()
    assert Path(download.value.path()).read_bytes()[:4] == b"RIFF"
    other.screenshot(path=str(screenshots / "share-desktop.png"))

    # Revoked: gone at once, for everyone.
    owner.locator(f'[data-testid="share-link"][data-share="{share.id}"]').get_by_test_id(
        "share-revoke"
    ).click()
    expect(owner.locator(f'[data-testid="share-link"][data-share="{share.id}"]')).to_have_count(0)
    gone = stranger.goto(listen_only)
    assert gone.status == 410
    expect(stranger.get_by_test_id("share-gone")).to_be_visible()

    # Expired: the second link's hour is up (moved into the past), and it answers 410 too.
    ShareLink.objects.filter(token=with_downloads.rstrip("/").rsplit("/", 1)[-1]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    fresh = new_page(DESKTOP)
    assert fresh.goto(with_downloads).status == 410
    assert fresh.request.get(f"{with_downloads.rstrip('/')}/wav/").status == 410
    assert owner.errors == [] and stranger.errors == [] and other.errors == []
