"""Publishing through the API and the stations' public feeds, end to end on the real app: a producer publishes a
built episode, a real RQ worker writes the feed, and the feed (read by feedparser and by gPodder's strict
podcastparser) points at MP3s the app serves with exactly the stated length, byte ranges included. An
unpublished episode's audio is not served, and the feed holds no caller's number."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import podcastparser
import pytest
from redis import Redis
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.audio_store import AudioStore
from hotline.episode_publishing import rough_cut_key
from hotline.models import Call, Complaint, Episode
from hotline.privacy import mask_number
from hotline.settings import Settings
from queue_workers.connection import redis_url_of
from queue_workers.dispatch import RQDispatcher
from queue_workers.queues import QueueName
from queue_workers.worker import run_worker
from tests.conftest import PUBLIC_BASE_URL, make_settings, reread
from tests.embedded_redis import embedded_redis
from tests.episode_factories import CLINIC, SCHOOL, reviewed
from tests.episode_publish_factories import built_episode
from tests.factories import CALLER_NUMBER
from tests.queue_workers.test_notice_jobs import free_port
from tests.staff.review_api import bearer


@pytest.fixture
def queues(tmp_path: Path) -> Iterator[Redis]:
    with embedded_redis(tmp_path / "redis.db") as connection:
        yield connection


@pytest.fixture
def live_settings(tmp_path: Path, database_url: str, queues: Redis) -> Settings:
    return make_settings(tmp_path, database_url, REDIS_URL=redis_url_of(queues))


@pytest.fixture
def app_client(live_settings: Settings, engine: Engine, queues: Redis) -> Iterator[TestClient]:
    """The app handing work to the real queues (the default test client only records what it hands over)."""
    app = create_app(live_settings, jobs=RQDispatcher(queues, live_settings), engine=engine)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        yield client


@pytest.fixture
def episode(session: Session, live_settings: Settings) -> Episode:
    reviewed(session, CLINIC, day=1, status="answered")
    reviewed(session, SCHOOL, sector="education", day=2, status="routed")
    reviewed(session, CLINIC, day=3, consent=False)  # never a segment, never on air
    return built_episode(session, live_settings, title="Ховд: эмнэлэг, сургууль", seconds=4.0)


def _publish(client: TestClient, session: Session, episode_id: int, role: str = "producer") -> Any:
    return client.post(f"/api/episodes/{episode_id}/publish", headers=bearer(session, role))


def _complaints(session: Session) -> list[Complaint]:
    return list(session.exec(select(Complaint)))


def _work(settings: Settings) -> None:
    run_worker(settings, burst=True, queues=[QueueName.RADIO], name=f"radio-{free_port()}")


def test_producers_and_admins_publish_and_the_document_gives_the_feed(
    app_client: TestClient, session: Session, episode: Episode, queues: Redis
) -> None:
    for role in ("staff", "provider"):
        assert _publish(app_client, session, episode.id or 0, role).status_code == 403, role
    assert app_client.post(f"/api/episodes/{episode.id}/publish").status_code == 401
    response = _publish(app_client, session, episode.id or 0)
    assert response.status_code == 200, response.text
    document = response.json()
    assert (document["status"], document["feed_url"]) == ("published", f"{PUBLIC_BASE_URL}/feeds/khovd.xml")
    assert document["published_at"] is not None and document["delivery"] == {"error": None, "delivered_at": None}
    assert {s["status"] for s in document["chosen"]} == {"aired", "routed"}
    reread(session)
    assert {c.status: c.aired_at is not None for c in _complaints(session)} == {
        "aired": True, "routed": True, "in_review": False,
    }  # fmt: skip

    again = _publish(app_client, session, episode.id or 0, "admin")
    assert again.status_code == 200 and again.json()["published_at"] == document["published_at"]
    assert queues.llen(f"rq:queue:{QueueName.RADIO}") == 1, "one delivery job, not doubled while it waits"
    read = app_client.get(f"/api/episodes/{episode.id}", headers=bearer(session, "staff")).json()
    assert read["feed_url"] == f"{PUBLIC_BASE_URL}/feeds/khovd.xml"


def test_only_a_built_episode_is_published(app_client: TestClient, session: Session, episode: Episode) -> None:
    episode.status = "draft"
    session.add(episode)
    session.commit()
    refused = _publish(app_client, session, episode.id or 0)
    assert refused.status_code == 409 and "only a built episode" in refused.json()["error"]
    assert _publish(app_client, session, 999_999).status_code == 404
    assert app_client.post("/api/episodes/x/publish", headers=bearer(session, "producer")).status_code == 400
    reread(session)
    assert all(c.aired_at is None for c in _complaints(session))


def test_the_feed_parses_and_every_enclosure_serves_exactly_its_stated_length(
    app_client: TestClient, session: Session, episode: Episode, live_settings: Settings
) -> None:
    assert app_client.get("/feeds/khovd.xml").status_code == 404, "no feed before the first publish"
    assert _publish(app_client, session, episode.id or 0).status_code == 200
    _work(live_settings)

    feed = app_client.get("/feeds/khovd.xml")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("application/rss+xml")
    parsed = feedparser.parse(io.BytesIO(feed.content))
    assert not parsed.bozo, parsed.bozo_exception
    strict = podcastparser.parse(f"{PUBLIC_BASE_URL}/feeds/khovd.xml", io.BytesIO(feed.content))
    assert [e["title"] for e in strict["episodes"]] == ["Ховд: эмнэлэг, сургууль"]
    enclosures = [enclosure for entry in parsed.entries for enclosure in entry.enclosures]
    assert len(enclosures) == 1 and strict["episodes"][0]["enclosures"][0]["url"] == enclosures[0].href
    stored = AudioStore(live_settings.audio_dir).path(rough_cut_key(episode.id or 0)).read_bytes()
    for enclosure in enclosures:
        assert enclosure.href == f"{PUBLIC_BASE_URL}/feeds/khovd/episodes/{episode.id}.mp3"
        audio = app_client.get(urlsplit(enclosure.href).path)
        assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mpeg"
        assert int(audio.headers["content-length"]) == len(audio.content) == int(enclosure.length) == len(stored)
        assert audio.content == stored
        part = app_client.get(urlsplit(enclosure.href).path, headers={"Range": "bytes=100-199"})
        assert part.status_code == 206 and part.content == stored[100:200]

    hashes = [call.caller_hash for call in session.exec(select(Call))]
    for secret in (CALLER_NUMBER, CALLER_NUMBER.lstrip("+"), mask_number(CALLER_NUMBER), *hashes, CLINIC):
        assert secret not in feed.text
    reread(session)
    delivered = session.get(Episode, episode.id)
    assert delivered is not None and delivered.delivered_at is not None and delivered.delivery_error == ""


def test_an_unpublished_episodes_audio_and_unknown_feeds_are_404(
    app_client: TestClient, session: Session, episode: Episode
) -> None:
    path = f"/feeds/khovd/episodes/{episode.id}.mp3"
    assert app_client.get(path).status_code == 404, "built, not published: not served"
    assert _publish(app_client, session, episode.id or 0).status_code == 200
    assert app_client.get(path).status_code == 200
    assert app_client.get(f"/feeds/ulaanbaatar/episodes/{episode.id}.mp3").status_code == 404, "another station's"
    for missing in ("/feeds/khovd/episodes/999999.mp3", "/feeds/khovd/episodes/abc.mp3", "/feeds/nope.xml"):
        assert app_client.get(missing).status_code == 404, missing
    assert app_client.get("/feeds/ulaanbaatar.xml").status_code == 404, "a station that published nothing"


def test_a_caller_withdrawing_consent_after_the_show_takes_the_episode_down(
    app_client: TestClient, session: Session, episode: Episode, live_settings: Settings
) -> None:
    assert _publish(app_client, session, episode.id or 0).status_code == 200
    _work(live_settings)
    path = f"/feeds/khovd/episodes/{episode.id}.mp3"
    assert app_client.get(path).status_code == 200
    assert len(feedparser.parse(io.BytesIO(app_client.get("/feeds/khovd.xml").content)).entries) == 1

    aired = next(c for c in _complaints(session) if c.status == "aired")
    aired.broadcast_consent = False
    session.add(aired)
    session.commit()
    assert app_client.get(path).status_code == 404, "no longer served"
    assert _publish(app_client, session, episode.id or 0).status_code == 200, "publishing again re-delivers"
    _work(live_settings)
    assert feedparser.parse(io.BytesIO(app_client.get("/feeds/khovd.xml").content)).entries == []
