"""A real browser (Debian's Chromium, driven by Playwright) against the live test server.

The server runs in another thread, so the data is committed: every test here is transactional, and the
vocabularies the migrations installed come back after each flush (serialized_rollback). Runs execute eagerly
(config.test_settings), inside the request that commits them, so a pooled run is finished by the time its page
opens. Every main page a journey visits goes through `look`: screenshots at 1280 px and 390 px, no horizontal
scroll on the phone, and axe-core finds no serious or critical accessibility violation.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.db import connections

from registry.choices import Role
from tests.factories import PASSWORD, CenterFactory, member

CHROMIUM = Path("/usr/bin/chromium")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# A sub-pixel rounding or a scrollbar gutter is not a horizontal scroll a person would notice.
SCROLL_TOLERANCE = 2
BLOCKING_IMPACTS = {"serious", "critical"}

NO_CHROMIUM = f"browser journeys need Debian's Chromium at {CHROMIUM} (apt-get install chromium); .ci/run installs it"


def pytest_collection_modifyitems(items):
    if CHROMIUM.exists():
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


# Every test module here starts with `pytestmark = BROWSER`.
BROWSER = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def artifacts_dir() -> Path:
    configured = os.environ.get("BROWSER_ARTIFACTS")
    path = Path(configured) if configured else Path(__file__).parent / "artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def browser(live_server, monkeypatch):
    """One Chromium per test, started after the database and the live server are ready.

    Playwright's sync API keeps an asyncio loop running in this thread while it is open, which Django takes for
    an async context: its ORM calls from the test itself (reading what the browser saved) are allowed here."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()
        # The test's own ORM calls ran beside Playwright's event loop, where Django keeps a connection apart from
        # the one pytest-django closes: left open, it keeps the test database from being dropped at the end.
        connections.close_all()


@pytest.fixture(autouse=True)
def _eager_runs(settings):
    # CI sets REDIS_URL; the live server must still run an analysis inside the request that asks for it.
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def journey(request, browser, live_server):
    """Open browser contexts (one per person) for one test; `journey.look(page, name)` checks and keeps a page."""
    opened = Journey(request.node.name, browser, live_server.url)
    yield opened
    opened.close()


class Journey:
    def __init__(self, name: str, browser, base_url: str):
        self.name = re.sub(r"[^A-Za-z0-9_-]+", "-", name.removeprefix("test_"))[:40]  # tests give shorter ones
        self.browser = browser
        self.base_url = base_url
        self.contexts: list = []
        self.shots = 0
        self.problems: list[str] = []

    def page(self, *, locale: str = "en-US"):
        context = self.browser.new_context(
            base_url=self.base_url, viewport=DESKTOP, locale=locale, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        return context.new_page()

    def sign_in(self, page, username: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        assert "/accounts/login/" not in page.url, page.locator("main").inner_text()

    def look(self, page, name: str, *, axe: bool = True) -> None:
        """Keep the page as PNGs (1280 and 390 px wide) and check it works at both widths."""
        self.shots += 1
        stem = f"{self.name}-{self.shots:02d}-{name}"
        page.screenshot(path=str(artifacts_dir() / f"{stem}.png"), full_page=True)
        if axe:
            self._axe(page, name)
        page.set_viewport_size(PHONE)
        try:
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > PHONE["width"] + SCROLL_TOLERANCE:
                wide = page.evaluate(_WIDEST_JS, PHONE["width"])
                self.problems.append(f"{name}: {width} px wide at 390 px ({wide})")
            page.screenshot(path=str(artifacts_dir() / f"{stem}-390.png"), full_page=True)
        finally:
            page.set_viewport_size(DESKTOP)

    def _axe(self, page, name: str) -> None:
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
                self.problems.append(f"{name}: axe {violation['impact']} {violation['id']} on {targets}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def assert_no_problems(self) -> None:
        assert not self.problems, "\n".join(self.problems)


# Names the elements wider than the phone screen, so a failure says what to fix.
_WIDEST_JS = """(limit) => {
  // An element inside a box that scrolls (or clips) on its own does not widen the page: leave it out.
  const inScroller = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  return Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getBoundingClientRect().right > limit + 2 && !inScroller(e))
    .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
    + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ');
}"""


@pytest.fixture
def center_people(db):
    """Two centers with a data-entry user each, a coordinator and the data manager (they sign in with PASSWORD)."""
    a = CenterFactory(code="AAA", name="Center A", city="Almaty", country="Kazakhstan")
    b = CenterFactory(code="B-CTR", name="Center B", city="Moscow", country="Russia")

    class People:
        center_a, center_b = a, b
        entry_a = member("entry_a", Role.DATA_ENTRY, a, email="entry_a@example.org")
        entry_b = member("entry_b", Role.DATA_ENTRY, b, email="entry_b@example.org")
        coordinator = member("coordinator", Role.COORDINATOR)
        manager = member("manager", Role.DATA_MANAGER, is_staff=True, email="manager@example.org")

    return People
