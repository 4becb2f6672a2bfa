"""The account pages in Debian's Chromium under the real Content-Security-Policy: our own script and styles
load (no CSP violation), the language menu switches on change, the confirm dialog guards a deactivation,
and logging out ends the session. The app runs under uvicorn on the test database."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, sync_playwright
from sqlalchemy.engine import Engine
from sqlmodel import Session

from fixmyservice.app import create_app
from hotline import accounts
from tests.browser.live_site import serving
from tests.conftest import RecordingDispatcher, make_settings, reread
from tests.staff.web.conftest import PASSWORD, make_user

CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path: Path, database_url: str, engine: Engine) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    app = create_app(
        make_settings(tmp_path, database_url, PUBLIC_BASE_URL=base_url), jobs=RecordingDispatcher(), engine=engine
    )
    with serving(app, sock):
        yield base_url


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(base_url=site, locale="en-GB")
    yield context.new_page()
    context.close()


def _watch_console(page: Page) -> list[str]:
    problems: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", note)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def test_log_in_switch_language_deactivate_and_log_out(page: Page, session: Session) -> None:
    make_user(session, "admin@example.org", "admin", display_name="Ada")
    make_user(session, "bat@example.org", "staff")
    problems = _watch_console(page)

    page.goto("/login?next=/admin/users")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/users")
    assert page.evaluate("typeof window.fms.post") == "function"  # app.js ran under the CSP
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"  # app.css applied

    page.get_by_label("Language").select_option("mn")  # no button press: the script submits on change
    page.wait_for_selector("html[lang=mn]")
    assert page.get_by_role("heading", name="Хэрэглэгчид").is_visible()

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator('form[action$="/deactivate"]').nth(1).get_by_role("button").click()
    reread(session)
    assert accounts.find_user(session, email="bat@example.org").is_active  # type: ignore[union-attr]

    accepted: list[Dialog] = []
    page.once("dialog", lambda dialog: (accepted.append(dialog), dialog.accept()))
    with page.expect_navigation():
        page.locator('form[action$="/deactivate"]').nth(1).get_by_role("button").click()
    assert accepted and "bat@example.org" in accepted[0].message
    reread(session)
    assert not accounts.find_user(session, email="bat@example.org").is_active  # type: ignore[union-attr]

    page.get_by_role("button", name="Гарах").click()
    page.wait_for_url("**/login")
    page.goto("/admin/users")
    assert "/login?next=/admin/users" in page.url
    assert problems == []
