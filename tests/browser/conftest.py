"""Browser tests: Debian's Chromium, driven by Playwright, against `jifen up --demo` as a newcomer runs it.

Every page a test visits is photographed into test-artifacts/ (for people to look at), checked with
axe-core (no serious or critical violation) and checked for horizontal overflow on a phone.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

import demo
from tests.processes import ROOT
from tests.web_site import Site

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is not installed (Debian package chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; under CI=true a missing browser is a failure")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session", autouse=True)
def fresh_artifacts():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


class Visitor:
    """One person in one browser: every page they look at is photographed and checked."""

    def __init__(self, browser, site: Site, who: str, viewport: dict, care: bool = False):
        self.site = site
        self.who = who
        self.viewport = viewport
        self.context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=site.url)
        if care:
            self.context.add_cookies([{"name": "jifen_care", "value": "1", "url": site.url}])
        self.page = self.context.new_page()
        self.shots = 0
        self.label = f"{'phone' if viewport == PHONE else 'desktop'}{'-care' if care else ''}"

    def go(self, path: str, name: str):
        self.page.goto(path)
        return self.look(name)

    def look(self, name: str):
        """Screenshot, axe-core, and (on a phone) no sideways scrolling."""
        self.page.wait_for_load_state("load")
        self.shots += 1
        slug = re.sub(r"[^a-z0-9-]+", "-", f"{self.who}-{self.shots:02d}-{name}".lower())
        folder = ARTIFACTS / self.label
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{slug}.png"), full_page=True)
        problems = axe_violations(self.page)
        assert not problems, f"{name}: axe-core found serious problems: {problems}"
        if self.viewport == PHONE:
            width = self.page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a 390px phone"
        return self.page

    def follow(self, locator, name: str):
        """Clicks a link or a submit button and looks at the page it leads to."""
        with self.page.expect_navigation():
            locator.click()
        return self.look(name)

    def log_in(self, phone: str, password: str = demo.PASSWORD):
        self.go("/login", "login")
        self.page.fill("#phone", phone)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(re.compile(r"^(?!.*/login).*$"))
        return self.look("home")

    def close(self):
        self.context.close()


def axe_violations(page) -> list[str]:
    """Serious and critical violations of WCAG 2.1 A/AA, as 'rule: where' lines."""
    # Evaluated through the debugging protocol, which the page's CSP (no inline script) does not block.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']}))"
        ".violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))"
    )
    return list(result)


@pytest.fixture
def visitor(browser, site):
    opened: list[Visitor] = []

    def open_as(who: str, viewport: dict = PHONE, care: bool = False) -> Visitor:
        found = Visitor(browser, site, who, viewport, care)
        opened.append(found)
        return found

    yield open_as
    for found in opened:
        found.close()
