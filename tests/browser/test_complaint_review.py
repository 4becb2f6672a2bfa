"""A reviewer in Chromium: hear the caller, jump to a word, correct the transcript, type one by hand.

The Korean complaint was decoded by the real model, so its words carry real timings; the English one
has no model and opens in manual transcription mode.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from hotline.models import Complaint
from tests.browser.conftest import log_in, screenshot
from tests.browser.live_site import ADMIN, STAFF, LiveSite

pytestmark = [pytest.mark.browser, pytest.mark.vosk]


def _current_time(page: Page) -> float:
    return float(page.evaluate("document.getElementById('caller-audio').currentTime"))


def _wait_playing_past(page: Page, seconds: float) -> None:
    page.wait_for_function(
        "(s) => { const a = document.getElementById('caller-audio'); return !a.paused && a.currentTime > s; }",
        arg=seconds,
        timeout=15_000,
    )


def test_play_the_recording_and_seek_by_clicking_a_word(page: Page, site: LiveSite) -> None:
    log_in(page, *STAFF, next_path=f"/complaints/{site.decoded_reference}")
    page.get_by_role("button", name="Play / pause").click()
    _wait_playing_past(page, 0.5)  # the browser fetched the audio (with ranges) and it plays
    words = page.locator(".words [data-start]")
    assert words.count() >= 2
    last = words.nth(words.count() - 1)
    start = float(last.get_attribute("data-start") or "nan")
    page.get_by_role("button", name="Play / pause").click()  # pause, then jump
    last.click()
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('caller-audio').currentTime - {start}) < 0.6", timeout=10_000
    )
    screenshot(page, "complaint-page")


def test_correct_the_transcript_and_see_version_2_with_its_diff(page: Page, site: LiveSite) -> None:
    log_in(page, *STAFF, next_path=f"/complaints/{site.decoded_reference}")
    editor = page.get_by_label("What the caller said")
    machine_text = editor.input_value()
    editor.fill(machine_text + " 도로 수리")
    page.get_by_role("button", name="Save as new version").click()
    expect(page.locator("p.notice")).to_have_text("Transcript saved.")
    newest = page.locator("ol.versions li.version").first
    expect(newest).to_have_attribute("data-version", "2")
    expect(newest.locator("ins")).to_have_text("도로 수리")
    expect(page.locator("h1 .badge.reviewed")).to_be_visible()


def test_keyboard_shortcuts_work_while_typing_in_manual_mode(page: Page, site: LiveSite) -> None:
    log_in(page, *STAFF, next_path=f"/complaints/{site.manual_reference}")
    expect(page.get_by_text("Shortcuts while typing")).to_be_visible()
    editor = page.get_by_label("What the caller said")
    editor.click()
    editor.type("The road ")
    editor.press("Escape")  # play
    _wait_playing_past(page, 1.2)
    editor.press("Alt+j")  # back five seconds (to the start, this early)
    assert _current_time(page) < 1.0
    editor.press("Alt+.")
    editor.press("Alt+.")
    assert page.evaluate("document.getElementById('caller-audio').playbackRate") == pytest.approx(1.5)
    editor.press("Alt+,")
    assert page.evaluate("document.getElementById('caller-audio').playbackRate") == pytest.approx(1.25)
    editor.press("Escape")  # pause
    assert page.evaluate("document.getElementById('caller-audio').paused") is True
    editor.type("is broken.")
    assert editor.input_value() == "The road is broken."  # the shortcuts typed nothing into the text
    page.get_by_role("button", name="Save and next").click()
    page.wait_for_url(lambda url: "/complaints" in url and site.manual_reference not in url)


def test_an_admin_reveals_a_number_only_on_request(page: Page, site: LiveSite) -> None:
    log_in(page, *ADMIN, next_path=f"/complaints/{site.decoded_reference}")
    masked = page.locator(".masked").inner_text()
    assert "•" in masked
    page.get_by_role("button", name="Reveal number (audited)").click()
    expect(page.locator("#revealed-number")).to_have_text("+97699000001")


def test_switch_the_interface_to_mongolian(page: Page, site: LiveSite) -> None:
    log_in(page, *STAFF, next_path=f"/complaints/{site.decoded_reference}")
    page.get_by_label("Language", exact=True).select_option("mn")  # the menu submits itself on change
    expect(page.get_by_role("heading", name="Бичлэг")).to_be_visible()
    expect(page.get_by_role("heading", name="Машины бичвэр")).to_be_visible()
    expect(page.get_by_role("button", name="Гарах")).to_be_visible()
    screenshot(page, "complaint-page-mn")
    page.get_by_label("Хэл", exact=True).select_option("en")  # and back, so the other tests read English
    expect(page.get_by_role("heading", name="Recording")).to_be_visible()


def test_filter_and_search_the_inbox_then_open_a_complaint(page: Page, site: LiveSite) -> None:
    log_in(page, *STAFF, next_path="/")
    rows = page.locator("table.inbox tbody tr")
    expect(rows).to_have_count(2)
    screenshot(page, "inbox")

    page.get_by_label("Language", exact=True).nth(1).select_option("en")  # the filter, not the interface menu
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link")).to_have_text(site.manual_reference)

    with Session(site.engine) as session:
        decoded = session.exec(select(Complaint).where(Complaint.reference == site.decoded_reference)).one()
    word = max(decoded.transcript_text.split(), key=len)  # a word the model heard (Hangul has no case)
    page.get_by_label("Language", exact=True).nth(1).select_option("")
    page.get_by_label("Search").fill(word)
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name=site.decoded_reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(site.decoded_reference)
