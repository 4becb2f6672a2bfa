"""A provider's login in Chromium: its own list, the complaint, and an answer typed and recorded (a real file
chosen in the form's file input, sent as multipart under the real CSP), then played back in the page.

This module runs its own small site (no calls to decode): a routed complaint and a provider's login are
written straight into a fresh database, and the app is served by uvicorn like the review site.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from fixmyservice.app import create_app
from tests.answers import make_provider, make_provider_user, make_routed, spoken_answer
from tests.browser.conftest import log_in, screenshot
from tests.browser.live_site import serving, small_site
from tests.conftest import RecordingDispatcher
from tests.staff.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser]

NURSE = "nurse@clinic.example"


@dataclass(frozen=True)
class ProviderSite:
    base_url: str
    reference: str
    other_reference: str
    recording: Path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderSite]:
    """Overrides the review site of tests/browser/conftest.py for this module: only what a provider needs."""
    workdir = tmp_path_factory.mktemp("provider-site")
    with small_site(workdir) as small, Session(small.engine, expire_on_commit=False) as session:
        clinic, school = make_provider(session, "Clinic"), make_provider(session, "School")
        make_provider_user(session, NURSE, clinic)
        ours = make_routed(session, clinic, soum="8410")
        theirs = make_routed(session, school)
        session.close()
        with serving(create_app(small.settings, jobs=RecordingDispatcher(), engine=small.engine), small.sock):
            yield ProviderSite(small.base_url, ours.reference, theirs.reference, spoken_answer(workdir, "mp3"))


def test_provider_answers_with_text_and_a_recording_and_hears_it(page: Page, site: ProviderSite) -> None:
    log_in(page, NURSE, PASSWORD, next_path="/provider/complaints")
    expect(page.get_by_role("link", name=site.reference)).to_be_visible()
    expect(page.get_by_role("link", name=site.other_reference)).to_have_count(0)
    page.get_by_role("link", name=site.reference).click()
    expect(page.get_by_text("эмнэлэгт эм байхгүй, тусламж хэрэгтэй")).to_be_visible()
    expect(page.get_by_text("Buyant")).to_be_visible()
    page.get_by_label("Answer (text)").fill("New medicine arrives on Monday.")
    page.get_by_label("Recorded answer").set_input_files(str(site.recording))
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_role("status")).to_have_text("Your answer was saved.")
    expect(page.get_by_text("New medicine arrives on Monday.")).to_be_visible()
    player = page.locator("ol.responses audio").first
    expect(player).to_be_visible()
    player.evaluate("audio => audio.play()")
    page.wait_for_function(
        "() => { const a = document.querySelector('ol.responses audio'); return !a.paused && a.currentTime > 0.3; }",
        timeout=15_000,
    )  # the browser fetched the normalised WAV (with ranges) and plays it
    screenshot(page, "provider-answer")


def test_another_providers_complaint_is_not_found(page: Page, site: ProviderSite) -> None:
    log_in(page, NURSE, PASSWORD, next_path="/provider/complaints")
    response = page.goto(f"/provider/complaints/{site.other_reference}")
    assert response is not None and response.status == 404
