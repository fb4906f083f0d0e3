"""Browser fixtures: the real app served on a free port, driven by Playwright in Debian's Chromium.

    def test_journey(live, page, shot):
        live.sign_in(page, "bureau")                    # through the real sign-in form
        page.goto(live.url("/console/"))
        assert_no_horizontal_scroll(page)               # at 1366×768
        assert_accessible(page)                         # axe-core: WCAG 2 A/AA rules
        nav(page, "用户管理")                            # a side-navigation entry
        shot(page, "bureau-home")                       # → tests/browser/artifacts/<test>/bureau-home.png

``live`` is the app (SQLite, reference data, the ``tokens`` users and one console account
per role, see tests/console_support.py) served by werkzeug in a thread; ``live.api`` calls
the JSON API with the role tokens to arrange data. Screenshots go to ``$TEST_ARTIFACTS``
(default tests/browser/artifacts/, git-ignored).

Chromium cannot be downloaded here: Playwright drives /usr/bin/chromium (ensure_chromium.sh).
Without it the tests skip locally and fail under ``CI=true``.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ApiClient
from tests.console_support import Account, create_accounts

VIEWPORT = {"width": 1366, "height": 768}
"""A county office PC's screen."""
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS") or Path(__file__).parent / "artifacts")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        message = ("chromium not installed: run tests/browser/ensure_chromium.sh "
                   "(Debian: apt-get install chromium fonts-noto-cjk)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    return found


BROWSER_DATABASE = os.environ.get("BROWSER_DATABASE", "sqlite")
"""Browser tests check pages, not backends: SQLite by default (the rest of the suite runs both);
``BROWSER_DATABASE=postgresql`` (with ``TEST_DATABASE_URL``) drives the same journeys on PostgreSQL."""


@pytest.fixture(params=[BROWSER_DATABASE])
def database(request):
    return request.getfixturevalue(f"{request.param}_database")


@dataclass
class Live:
    base_url: str
    app: object
    accounts: dict[str, Account]
    api: ApiClient

    def url(self, path: str) -> str:
        return self.base_url + path

    def sign_in(self, page, role: str, password: str | None = None) -> None:
        """Sign in through the form (Chinese labels); lands on the page after sign-in."""
        account = self.accounts[role]
        page.goto(self.url("/console/login"))
        page.get_by_label("用户名").fill(account.username)
        page.get_by_label("密码").fill(password or account.password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()


@pytest.fixture
def live(app, tokens, client) -> Iterator[Live]:
    from werkzeug.serving import make_server

    chromium_path()
    accounts = create_accounts(app, tokens)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield Live(f"http://127.0.0.1:{server.server_port}", app, accounts, ApiClient(client, tokens))
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"], headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, live):
    """A fresh browser context (no cookies) at 1366×768, Chinese locale."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []

    def collect(message) -> None:
        # A form answered 422 (its field messages) is the page itself, not a broken resource.
        if message.type == "error" and not (message.text.startswith("Failed to load resource")
                                            and message.location.get("url") == tab.url):
            errors.append(f"{message.text} ({message.location.get('url')})")

    tab.on("console", collect)
    tab.console_errors = errors  # e.g. a CSP refusal or a missing script shows up here
    yield tab
    context.close()


README_SHOTS = ("login", "bureau-workers", "bureau-worker-matches", "bureau-roster-report", "bureau-claim",
                "employer-posting-candidates", "fair-checked-in", "fair-printed-list", "admin-models",
                "admin-users", "admin-policies", "login-locked")
"""The journeys' screenshots shown in README.md: with ``README_SHOTS=<folder>`` (``make
screenshots``: docs/screenshots) each is also written there, small, as ``console-<name>.png``."""
README_WIDTH = 1000
"""README copies are scaled to this width and reduced to 256 colours (a few dozen kB each)."""


def readme_copy(source: Path, target: Path) -> None:
    from PIL import Image

    with Image.open(source) as image:
        image = image.convert("RGB")
        if image.width > README_WIDTH:
            image = image.resize((README_WIDTH, round(image.height * README_WIDTH / image.width)), Image.LANCZOS)
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)


@pytest.fixture
def shot(request):
    """``shot(page, "name")`` saves a full-page PNG under the artifacts directory (and, for the
    ``README_SHOTS`` names when that variable names a folder, a small copy there)."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    readme = os.environ.get("README_SHOTS")

    def save(page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if readme and name in README_SHOTS:
            Path(readme).mkdir(parents=True, exist_ok=True)
            readme_copy(path, Path(readme) / f"console-{name}.png")
        return path

    return save


def nav(page, label: str) -> None:
    """Follow an entry of the side navigation (the home page repeats them as cards)."""
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=label, exact=True).click()
    page.wait_for_load_state()


def assert_no_horizontal_scroll(page) -> None:
    """Nothing wider than the window (tables scroll inside their own box, not the page)."""
    page.wait_for_load_state()  # after a redirect chain the body may not be parsed yet
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                           " document.body.scrollWidth]")
    scroll, client, body = widths
    assert scroll <= client and body <= client, f"page scrolls sideways: {widths} at {page.url}"


def assert_accessible(page, *, rules: list[str] | None = None) -> None:
    """axe-core (vendored in axe-playwright-python) finds no WCAG 2 A/AA violation — labels and
    colour contrast among them; ``rules`` narrows the run to those rule ids."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "rule", "values": rules}} if rules else \
        {"runOnly": {"type": "tag", "values": AXE_TAGS}}
    results = Axe().run(page, options={**options, "resultTypes": ["violations"]})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
