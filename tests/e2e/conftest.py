"""Browser tests: Debian's Chromium through Playwright against a live daphne and Celery worker."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.stack import live

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = live.ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser_logs(tmp_path_factory):
    return tmp_path_factory.mktemp("browser-logs")


@pytest.fixture(scope="package")
def browser_stack(django_db_setup, django_db_blocker, browser_logs):
    """One web process and one worker for this folder's tests (a test may restart the web),
    stopped afterwards so no extra worker takes jobs meant for other folders' live stacks."""
    with django_db_blocker.unblock():
        # Every test signs a fresh user up from 127.0.0.1: lift the per-address sign-up limit
        # (5 an hour; tested on its own in tests/security/test_login_throttle.py).
        env = live.child_env(SIGNUPS_PER_HOUR="10000")
        worker = live.start_worker(browser_logs, env=env, name="browser-worker")
        web, base_url = live.start_web(browser_logs, env=env)
    stack = {"web": web, "worker": worker, "base_url": base_url, "env": env, "logs": browser_logs}
    yield stack
    for process in (stack["web"], stack["worker"]):
        process.stop()


@pytest.fixture(scope="package")
def chromium(browser_stack):
    """Chromium for this folder's tests. Playwright's sync API keeps an asyncio loop in this
    thread, so Django's async-safety check is off while it runs (only here; our ORM calls
    in these tests are plain synchronous ones)."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(chromium, browser_stack):
    """Pages in fresh browser contexts (one per user); closed after the test."""
    contexts = []

    def make(viewport: dict[str, int] = DESKTOP):
        context = chromium.new_context(
            base_url=browser_stack["base_url"], viewport=viewport, accept_downloads=True
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
