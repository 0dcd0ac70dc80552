"""Accessibility and the phone: WCAG 2.2 AA contrast computed in the page, a skip link, focus
on the chat input, one polite live region announcing stages only, 44 px touch targets and
the player first on a phone."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_studio import new_conversation, say, sign_up, wait_for_version

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# WCAG 2.x relative luminance and contrast ratio of each element's text against the first
# opaque background behind it (walking up the tree), for every element that shows text.
CONTRAST = """(selectors) => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(",").map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = ({r, g, b}) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let n = el; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor); if (c && c.a > 0.5) return c; }
    return parse(getComputedStyle(document.body).backgroundColor); };
  const out = [];
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      const style = getComputedStyle(el);
      if (!el.offsetParent || !el.textContent.trim() || el.disabled || el.getAttribute("aria-disabled") === "true") continue;
      const fg = parse(style.color), bg = background(el);
      const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
      out.push({selector, text: el.textContent.trim().slice(0, 30), ratio: (hi + 0.05) / (lo + 0.05)});
    }
  }
  return out;
}"""
TEXT = [
    ".message.user",
    ".message.assistant",
    "button",
    "a",
    ".muted",
    ".tag",
    ".badge",
    ".chip-name",
    ".chip.toggle",
    ".job-name",
    ".time",
    "label",
    "h1",
    "h2",
    ".hint",
]
TARGETS = """() => [...document.querySelectorAll('button, a, select, summary, input, textarea, .chip')]
  .filter((el) => el.offsetParent && getComputedStyle(el).visibility !== 'hidden' && !el.closest('.message')
                  && !el.classList.contains('skip') && el.type !== 'hidden'
                  && !el.closest('details:not([open]) > :not(summary)'))
  // A checkbox's target is its whole label (clicking the text toggles it too).
  .map((el) => { const r = ((el.type === 'checkbox' && el.closest('label')) || el).getBoundingClientRect();
    return {tag: el.tagName, id: el.id, text: (el.textContent || el.name || '').trim().slice(0, 24), w: r.width, h: r.height}; })"""


def test_contrast_skip_link_focus_live_region_and_the_phone_layout(new_page, screenshots):
    page = new_page(DESKTOP)
    sign_up(page, f"a11y-{uuid.uuid4().hex[:6]}")
    new_conversation(page)
    # The studio opens with the chat input focused, and a skip link comes first.
    expect(page.get_by_test_id("chat-input")).to_be_focused()
    first = page.evaluate(
        "() => document.querySelector('a[href], button, input, select, textarea').dataset.testid"
    )
    assert first == "skip-link"
    studio = page.url
    page.goto("/")  # a page without autofocus: the first Tab lands on the skip link
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("skip-link")).to_be_focused()
    expect(page.get_by_test_id("skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    expect(page.locator("main")).to_be_focused()
    page.goto(studio)
    page.wait_for_function("() => window.dawgStudio && window.dawgStudio.socket.everOpen")

    say(page, "lofi beat 80 bpm in D minor, 8 bars")
    wait_for_version(page, 1)
    say(page, "remove the hats")
    wait_for_version(page, 2)
    page.locator('[data-testid="version-item"][data-number="1"]').get_by_test_id(
        "play-version"
    ).hover()

    # One polite live region, and it announced stages (a handful), never percentages.
    live = page.evaluate(
        "() => [...document.querySelectorAll('[aria-live], [role=status], [role=log]')]"
        ".map(e => e.id)"
    )
    assert live == ["announcer"], live
    announced = page.evaluate("window.dawgAnnouncements")
    assert 3 <= len(announced) <= 30, announced
    assert not any("%" in text for text in announced), announced
    assert any("mixing" in text for text in announced), announced

    ratios = page.evaluate(CONTRAST, TEXT)
    assert len(ratios) > 20
    failing = [r for r in ratios if r["ratio"] < 4.5]
    assert failing == [], failing
    page.screenshot(path=str(screenshots / "a11y-studio-desktop.png"))

    phone = new_page(PHONE)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(page.url)
    wait_for_version(phone, 2)
    player = phone.locator(".player-panel").bounding_box()
    chat = phone.locator("section.chat").bounding_box()
    assert player["y"] < chat["y"], "the player comes first on a phone"
    small = [
        t
        for t in phone.evaluate(TARGETS)
        if t["h"] < 44 or (t["w"] < 44 and t["tag"] != "TEXTAREA")
    ]
    assert small == [], [
        (t["tag"], t["id"], t["text"], round(t["w"]), round(t["h"])) for t in small
    ]
    # The menus' contents too, once opened.
    phone.locator(".beat-menu summary").click()
    opened = [t for t in phone.evaluate(TARGETS) if t["h"] < 44 or t["w"] < 44]
    assert opened == [], [
        (t["tag"], t["id"], t["text"], round(t["w"]), round(t["h"])) for t in opened
    ]
    phone.locator(".beat-menu summary").click()
    phone_ratios = phone.evaluate(CONTRAST, TEXT)
    assert [r for r in phone_ratios if r["ratio"] < 4.5] == []
    phone.screenshot(path=str(screenshots / "a11y-studio-phone.png"))
    phone.screenshot(path=str(screenshots / "a11y-studio-phone-full.png"), full_page=True)
    assert page.errors == [] and phone.errors == []
