"""A producer's episode in Chromium: trim a caller's clip by clicking words of the reviewed transcript (the small
script fills the selects), move the segment down, and see the new order and the new clip duration.

This module runs its own small site (no calls to decode): two consented, reviewed complaints with the
machine's timed words are written straight into a fresh database and drafted into a week's episode, and the
app is served by uvicorn like the review site.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from fixmyservice.app import create_app
from hotline.audio_store import AudioStore
from hotline.audit import SYSTEM
from hotline.episode_builds import claim_build, package_key, record_built, record_progress
from hotline.episodes import draft_episode
from hotline.models import utcnow
from hotline.settings import Settings
from tests.browser.conftest import log_in, screenshot
from tests.browser.live_site import serving, small_site
from tests.conftest import RecordingDispatcher
from tests.episode_factories import NOW, WEEK, WEEK_START
from tests.factories import make_complaint, make_transcript
from tests.staff.web.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser]

PRODUCER = "producer@radio.example"
SCHOOL_WORDS = [
    {"word": "сургуулийн", "start": 0.3, "end": 0.9, "conf": 0.9},
    {"word": "барилга", "start": 1.0, "end": 1.5, "conf": 0.9},
    {"word": "халаалтгүй", "start": 1.6, "end": 2.4, "conf": 0.9},
]


@dataclass(frozen=True)
class ProducerSite:
    base_url: str
    episode_id: int
    references: list[str]  # the two chosen complaints
    engine: Engine
    settings: Settings


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProducerSite]:
    """Overrides the review site of tests/browser/conftest.py for this module: only what a producer needs."""
    workdir = tmp_path_factory.mktemp("producer-site")
    with small_site(workdir) as small, Session(small.engine, expire_on_commit=False) as session:
        settings = small.settings
        make_user(session, PRODUCER, "producer")
        clinic = make_complaint(session, status="in_review", created_at=WEEK_START + timedelta(days=1))
        make_transcript(session, clinic)  # the machine heard "эмнэлэгт" 0.4-1.1, "эм" 1.2-1.4, "байхгүй" 1.5-2.0
        make_transcript(session, clinic, version=2, source="staff", text="Эмнэлэгт эм байхгүй байна.", words=None)
        school = make_complaint(
            session, status="in_review", sector="education", created_at=WEEK_START + timedelta(days=2)
        )
        make_transcript(session, school, text="сургуулийн барилга халаалтгүй", words=SCHOOL_WORDS)
        make_transcript(session, school, version=2, source="staff", text="Сургуулийн барилга халаалтгүй.", words=None)
        drafted = draft_episode(
            session, deployment=settings.deployment, station_code="khovd", week=WEEK, now=NOW, actor=SYSTEM
        )
        session.commit()
        order = [clinic.reference, school.reference]
        session.close()
        with serving(create_app(settings, jobs=RecordingDispatcher(), engine=small.engine), small.sock):
            yield ProducerSite(small.base_url, drafted.episode_id, order, small.engine, settings)


def _shown_order(page: Page) -> list[str]:
    return page.locator("ol.segments > li h3 a").all_inner_texts()


def test_producer_trims_by_words_and_reorders(page: Page, site: ProducerSite) -> None:
    log_in(page, PRODUCER, PASSWORD, next_path="/episodes")
    page.get_by_role("link", name="2026-W48", exact=True).click()
    expect(page.get_by_role("heading", name="Chosen segments, in air order")).to_be_visible()
    before = _shown_order(page)
    assert sorted(before) == sorted(site.references)
    clinic = page.locator("li.segment").filter(has_text="Эмнэлэгт эм байхгүй байна.")
    expect(clinic.locator("p.clip")).to_have_text("Clip: 0.25 s to 41.50 s, lasting 41.25 s")
    # Click "эм", then "байхгүй": the script fills the first and last word selects and shades the clip.
    words = clinic.locator(".words")
    words.get_by_text("эм", exact=True).click()
    words.get_by_text("байхгүй", exact=True).click()
    expect(clinic.get_by_label("First word")).to_have_value("1")
    expect(clinic.get_by_label("Last word")).to_have_value("2")
    expect(clinic.locator(".word.in-clip")).to_have_count(2)
    reference = clinic.locator("h3 a").inner_text()
    move = "down" if before[0] == reference else "up"
    clinic.get_by_role("button", name=f"Move {reference} {move}").click()
    expect(page.get_by_role("status")).to_have_text("Episode saved.")
    assert _shown_order(page) == list(reversed(before))
    clinic = page.locator("li.segment").filter(has_text="Эмнэлэгт эм байхгүй байна.")
    expect(clinic.locator("p.clip")).to_have_text("Clip: 1.15 s to 2.15 s, lasting 1.00 s")
    expect(clinic.get_by_label("First word")).to_have_value("1")
    expect(clinic.locator("audio")).to_have_attribute("src", f"/complaints/{reference}/audio#t=1.15,2.15")
    screenshot(page, "producer-episode")


def test_the_build_progress_moves_without_reloading_by_hand(page: Page, site: ProducerSite) -> None:
    """The page's script polls the progress: the job's figures (written here by the functions the job calls)
    appear, and once built the page shows the download and Publish without anyone pressing Refresh."""
    log_in(page, PRODUCER, PASSWORD, next_path=f"/episodes/{site.episode_id}")
    page.get_by_role("button", name="Build the package").click()
    expect(page.get_by_role("status")).to_have_text("The build is queued. This page shows its progress.")
    expect(page.locator("[data-build-status]")).to_have_text("Queued")
    assert claim_build(site.engine, episode_id=site.episode_id, now=utcnow())
    record_progress(site.engine, episode_id=site.episode_id, percent=40)
    expect(page.locator("[data-build-status]")).to_have_text("Running", timeout=10_000)
    expect(page.locator("[data-build-percent]")).to_have_text("40 %")
    record_progress(site.engine, episode_id=site.episode_id, percent=70)
    expect(page.locator("[data-build-percent]")).to_have_text("70 %", timeout=10_000)
    zipped = b"PK\x05\x06" + b"\0" * 18  # an empty zip archive
    AudioStore(site.settings.audio_dir).put(package_key(site.episode_id), zipped)
    key = package_key(site.episode_id)
    built = record_built(site.engine, episode_id=site.episode_id, key=key, size=22, sha256="0" * 64, now=utcnow())
    assert built
    expect(page.get_by_role("link", name="Download the package (zip)")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Publish")).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)  # the button's "queued" message went with the reload
    screenshot(page, "producer-episode-built")
