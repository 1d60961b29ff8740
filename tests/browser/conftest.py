"""Browser tests: Django's live server driven by Debian's Chromium through Playwright.

Chromium comes from the distribution (`apt-get install chromium`, which `make install`
does when it can), never from `playwright install`. A machine without it FAILS these
tests with a clear message instead of skipping them: CI must prove them.
Every page visited records console errors, uncaught exceptions and CSP violations;
`BrowserPage.assert_clean()` fails on any.
"""

import os
import shutil
from dataclasses import dataclass, field

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("KHEO_CHROMIUM", "/usr/bin/chromium")

# A listener installed before any page script: CSP violations are also reported as console
# errors, but this one names the blocked directive and URL precisely.
_CSP_LISTENER = """
window.__kheoCspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__kheoCspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


@pytest.fixture(scope="module")
def chromium(django_db_setup):
    """One headless Chromium per test module (Playwright and its event loop stop after it)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium is missing ({CHROMIUM}): the browser tests need Debian's chromium. "
            "Install it with `sudo apt-get install chromium` (make install does it when run as root or "
            "with password-less sudo), or point KHEO_CHROMIUM at a Chromium binary.",
            pytrace=False,
        )
    # Playwright keeps an event loop running in this thread; Django then hands out a separate
    # connection object (asgiref's Local switches to a context variable). That one lacks the
    # reference data snapshot that serialized_rollback restores after each flush: pass it on.
    snapshot = getattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents", None)
    # With that loop running, Django refuses ORM calls as "async"; the tests' own ORM calls
    # (fixtures, assertions) are plain synchronous code, so allow them while the browser lives.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            if snapshot is not None:
                connections[DEFAULT_DB_ALIAS]._test_serialized_contents = snapshot
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@dataclass
class BrowserPage:
    """A Chromium tab on the live server that remembers every error it saw."""

    page: Page
    base_url: str
    problems: list[str] = field(default_factory=list)

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path, wait_until="networkidle")
        self._collect_csp()
        return response

    def _collect_csp(self) -> None:
        violations = self.page.evaluate("window.__kheoCspViolations || []")
        self.problems.extend(f"CSP violation: {v}" for v in violations if f"CSP violation: {v}" not in self.problems)

    def login(self, username: str, password: str) -> None:
        self.goto("/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation(wait_until="networkidle"):
            self.page.click("button[type=submit]")
        self._collect_csp()

    def submit(self, selector: str = "button[type=submit]") -> None:
        with self.page.expect_navigation(wait_until="networkidle"):
            self.page.click(selector)
        self._collect_csp()

    def assert_clean(self) -> None:
        self._collect_csp()
        assert self.problems == [], "\n".join(self.problems)


@pytest.fixture
def browser_page(chromium, live_server):
    context = chromium.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.add_init_script(_CSP_LISTENER)
    tab = BrowserPage(page=page, base_url=live_server.url)

    def on_console(message) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            tab.problems.append(f"console {message.type}: {message.text} ({page.url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: tab.problems.append(f"uncaught: {error} ({page.url})"))
    yield tab
    context.close()
