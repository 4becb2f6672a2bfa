"""After a publish, a real RQ worker writes the station's feed into the audio store and, for a station with
AzuraCast settings, uploads the episode's MP3 through AzuraCast's files API.

AzuraCast itself cannot run offline here, so the test starts a small real HTTP server on 127.0.0.1 that
implements that one endpoint as AzuraCast documents it (`POST /api/station/{id}/files`, JSON {"path", "file"}
with the file in base64, key in X-API-Key): it refuses a wrong key with 403 and keeps what it received, and the
test compares the decoded bytes with the stored rough cut. A refused upload is recorded on the episode, and a
later successful try clears it; a try that fails part-way leaves what AzuraCast took recorded, so the next try
sends only the rest (and a file whose bytes changed again).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import feedparser
import pytest
from redis import Redis
from rq.job import Job
from sqlmodel import Session

from hotline.audio_store import AudioStore
from hotline.audit import SYSTEM
from hotline.deployment import DEFAULT_DEPLOYMENT
from hotline.episode_publishing import feed_key, publish_episode, rough_cut_key
from hotline.models import Episode
from hotline.settings import Settings
from queue_workers import context
from queue_workers.connection import redis_url_of
from queue_workers.dispatch import RQDispatcher
from queue_workers.queues import QueueName, episode_publish_job_id, queue
from queue_workers.worker import run_worker
from tests.conftest import PUBLIC_BASE_URL, make_settings, reread
from tests.episode_factories import CLINIC, NOW, reviewed
from tests.episode_publish_factories import built_episode, rough_cut_mp3
from tests.queue_workers.test_notice_jobs import free_port

API_KEY = "azuracast-test-key-0123456789"
KEY_ENV = "AZURACAST_KHOVD_KEY"
STATION_ID = 7


@dataclass
class FakeAzuraCast:
    """What the endpoint received: (path, decoded bytes) per accepted upload, and every refused request."""

    url: str
    received: list[tuple[str, bytes]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failing: str = ""  # a path the server fails with a 500, as a full disk or a crashed PHP worker would


def _handler(state: FakeAzuraCast) -> type[BaseHTTPRequestHandler]:
    class Files(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path != f"/api/station/{STATION_ID}/files":
                return self._answer(404, {"message": "no such route"})
            if self.headers.get("X-API-Key") != API_KEY:
                state.refused.append(self.headers.get("X-API-Key", ""))
                return self._answer(403, {"message": "You do not have permission to access this portion of the site."})
            if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
                return self._answer(415, {"message": "JSON expected"})
            body: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if set(body) != {"path", "file"} or not isinstance(body["path"], str):
                return self._answer(400, {"message": "path and file are required"})
            if body["path"] == state.failing:
                return self._answer(500, {"message": "Internal server error"})
            state.received.append((body["path"], base64.b64decode(body["file"], validate=True)))
            self._answer(200, {"success": True, "message": "File uploaded."})

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Files


@pytest.fixture
def azuracast() -> Iterator[FakeAzuraCast]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(FakeAzuraCast(url="")))
    state = FakeAzuraCast(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(state)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _settings(tmp_path: Path, database_url: str, redis_conn: Redis, deployment: Path = DEFAULT_DEPLOYMENT) -> Settings:
    settings = make_settings(tmp_path, database_url, REDIS_URL=redis_url_of(redis_conn), HOTLINE_CONFIG=deployment)
    context.configure(settings)
    return settings


def _with_azuracast(tmp_path: Path, base_url: str) -> Path:
    """The Mongolian deployment with Khovd's AzuraCast line switched on, pointing at the test's server."""
    text = DEFAULT_DEPLOYMENT.read_text(encoding="utf-8")
    commented = next(line for line in text.splitlines() if line.startswith("# azuracast = "))
    line = f'azuracast = {{ base_url = "{base_url}", station_id = {STATION_ID}, api_key_env = "{KEY_ENV}" }}'
    path = tmp_path / "mongolia_azuracast.toml"
    path.write_text(text.replace(commented, line, 1), encoding="utf-8")
    return path


@pytest.fixture
def on_azuracast(tmp_path: Path, database_url: str, redis_conn: Redis, azuracast: FakeAzuraCast) -> Settings:
    return _settings(tmp_path, database_url, redis_conn, _with_azuracast(tmp_path, azuracast.url))


def _published(session: Session, settings: Settings, *, clips: int = 0) -> Episode:
    """A published Khovd episode; with `clips`, its package zip holds that many clip MP3s besides the rough cut."""
    reviewed(session, CLINIC, day=1, status="answered")
    episode = built_episode(session, settings, title="Ховд: эмнэлгийн эм")
    if clips:
        store = AudioStore(settings.audio_dir)
        package = io.BytesIO()
        with zipfile.ZipFile(package, "w") as archive:
            archive.write(store.path(rough_cut_key(episode.id or 0)), "rough-cut.mp3")
            for n in range(1, clips + 1):
                archive.write(rough_cut_mp3(tmp_path_of(settings) / f"{n:02d}.mp3", seconds=1, frequency=300 + n),
                              f"clips/{n:02d}.mp3")  # fmt: skip
            archive.writestr("script.md", "# not audio")
        episode.package_key = f"episodes/{episode.id}/package.zip"
        store.put(episode.package_key, package.getvalue())
        session.add(episode)
        session.commit()
    publish_episode(session, episode=episode, deployment=settings.deployment, actor=SYSTEM, now=NOW)
    session.commit()
    return episode


def tmp_path_of(settings: Settings) -> Path:
    return settings.DATA_DIR.parent


def _deliver(settings: Settings, redis_conn: Redis, episode_id: int) -> Job:
    """Enqueue as the app does (RQDispatcher) and let a real worker (forking a work horse) run it."""
    assert RQDispatcher(redis_conn, settings).episode_published(episode_id)
    run_worker(settings, burst=True, queues=[QueueName.RADIO], name=f"radio-{free_port()}")
    return Job.fetch(episode_publish_job_id(episode_id), connection=redis_conn)


def _episode(session: Session, episode_id: int) -> Episode:
    reread(session)
    found = session.get(Episode, episode_id)
    assert found is not None
    return found


def test_the_worker_writes_the_stations_feed_of_published_episodes(
    tmp_path: Path, database_url: str, redis_conn: Redis, session: Session
) -> None:
    settings = _settings(tmp_path, database_url, redis_conn)
    episode = _published(session, settings)
    job = _deliver(settings, redis_conn, episode.id or 0)
    assert job.is_finished, job.get_status()
    assert job.return_value() == "feed of khovd: 1 episodes"

    store = AudioStore(settings.audio_dir)
    feed = store.existing(feed_key("khovd"))
    assert feed is not None and not list(feed.parent.glob(".incoming-*")), "written atomically, nothing left over"
    parsed = feedparser.parse(io.BytesIO(feed.read_bytes()))
    assert not parsed.bozo, parsed.bozo_exception
    (entry,) = parsed.entries
    rough_cut = store.path(rough_cut_key(episode.id or 0))
    assert entry.title == "Ховд: эмнэлгийн эм"
    assert entry.enclosures[0].href == f"{PUBLIC_BASE_URL}/feeds/khovd/episodes/{episode.id}.mp3"
    assert int(entry.enclosures[0].length) == rough_cut.stat().st_size and entry.itunes_duration == "3"
    stored = _episode(session, episode.id or 0)
    assert stored.delivered_at is not None and stored.delivery_error == ""
    assert store.existing(feed_key("ulaanbaatar")) is None, "only the publishing station's feed is written"


def test_an_unpublished_episode_delivers_nothing(
    tmp_path: Path, database_url: str, redis_conn: Redis, session: Session
) -> None:
    settings = _settings(tmp_path, database_url, redis_conn)
    reviewed(session, CLINIC, day=1)
    episode = built_episode(session, settings)
    job = _deliver(settings, redis_conn, episode.id or 0)
    assert job.is_finished and "is not published" in str(job.return_value())
    assert AudioStore(settings.audio_dir).existing(feed_key("khovd")) is None


def test_the_mp3_is_uploaded_to_azuracast_and_a_refusal_is_kept_on_the_episode_until_a_try_succeeds(
    tmp_path: Path, on_azuracast: Settings, redis_conn: Redis, session: Session, azuracast: FakeAzuraCast,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    settings = on_azuracast
    episode = _published(session, settings, clips=2)
    episode_id = episode.id or 0

    monkeypatch.setenv(KEY_ENV, "a-revoked-key")
    job = _deliver(settings, redis_conn, episode_id)
    assert not job.is_finished and job.retries_left == 1, "RQ retries later with the back-off"
    assert azuracast.refused == ["a-revoked-key"] and azuracast.received == []
    failed = _episode(session, episode_id)
    assert "AzuraCast refused fixmyservice/khovd/2026-W48/rough-cut.mp3: HTTP 403" in failed.delivery_error
    assert failed.delivered_at is None
    assert AudioStore(settings.audio_dir).existing(feed_key("khovd")) is not None, "the feed went out before"

    monkeypatch.setenv(KEY_ENV, API_KEY)  # the admin fixes the key; the next try (here at once) succeeds
    retry = queue(QueueName.RADIO, redis_conn).enqueue("queue_workers.episode_publish_jobs.after_publish", episode_id)
    run_worker(settings, burst=True, queues=[QueueName.RADIO], name=f"radio-{free_port()}")
    retry.refresh()
    assert retry.is_finished, retry.get_status()
    assert retry.return_value() == "feed of khovd: 1 episodes; 3 MP3s uploaded to AzuraCast"
    rough_cut = AudioStore(settings.audio_dir).path(rough_cut_key(episode_id)).read_bytes()
    folder = "fixmyservice/khovd/2026-W48"
    assert [path for path, _ in azuracast.received] == [
        f"{folder}/rough-cut.mp3",
        f"{folder}/01.mp3",
        f"{folder}/02.mp3",
    ]
    assert azuracast.received[0][1] == rough_cut
    clip = azuracast.received[2][1]
    assert clip == (tmp_path / "02.mp3").read_bytes() and clip.startswith(b"ID3")
    delivered = _episode(session, episode_id)
    assert delivered.delivery_error == "" and delivered.delivered_at is not None


def _retry(settings: Settings, redis_conn: Redis, episode_id: int) -> Job:
    retry = queue(QueueName.RADIO, redis_conn).enqueue("queue_workers.episode_publish_jobs.after_publish", episode_id)
    run_worker(settings, burst=True, queues=[QueueName.RADIO], name=f"radio-{free_port()}")
    retry.refresh()
    return retry


def test_a_retry_after_a_partial_upload_sends_only_what_azuracast_lacks(
    tmp_path: Path, on_azuracast: Settings, redis_conn: Redis, session: Session, azuracast: FakeAzuraCast,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    settings = on_azuracast
    monkeypatch.setenv(KEY_ENV, API_KEY)
    episode = _published(session, settings, clips=2)
    episode_id = episode.id or 0
    folder = "fixmyservice/khovd/2026-W48"
    azuracast.failing = f"{folder}/01.mp3"  # the second file of three fails

    job = _deliver(settings, redis_conn, episode_id)
    assert not job.is_finished
    assert [path for path, _ in azuracast.received] == [f"{folder}/rough-cut.mp3"]
    failed = _episode(session, episode_id)
    assert f"AzuraCast refused {folder}/01.mp3: HTTP 500" in failed.delivery_error
    rough_cut = AudioStore(settings.audio_dir).path(rough_cut_key(episode_id)).read_bytes()
    assert failed.azuracast_uploaded == {f"{folder}/rough-cut.mp3": hashlib.sha256(rough_cut).hexdigest()}

    azuracast.failing = ""
    retry = _retry(settings, redis_conn, episode_id)
    assert retry.is_finished, retry.get_status()
    assert retry.return_value() == "feed of khovd: 1 episodes; 2 MP3s uploaded to AzuraCast (1 already there)"
    assert [path for path, _ in azuracast.received] == [
        f"{folder}/{name}" for name in ("rough-cut.mp3", "01.mp3", "02.mp3")
    ]
    delivered = _episode(session, episode_id)
    assert delivered.delivery_error == "" and sorted(delivered.azuracast_uploaded or {}) == sorted(
        f"{folder}/{name}" for name in ("01.mp3", "02.mp3", "rough-cut.mp3")
    )

    # The package's second clip now has other bytes (a rebuild): only that file goes again.
    store = AudioStore(settings.audio_dir)
    package = store.path(delivered.package_key or "")
    with zipfile.ZipFile(package) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["clips/02.mp3"] = rough_cut_mp3(tmp_path / "02b.mp3", seconds=1, frequency=900).read_bytes()
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    store.put(delivered.package_key or "", rebuilt.getvalue())
    again = _retry(settings, redis_conn, episode_id)
    assert again.return_value() == "feed of khovd: 1 episodes; 1 MP3s uploaded to AzuraCast (2 already there)"
    assert azuracast.received[-1] == (f"{folder}/02.mp3", members["clips/02.mp3"]) and len(azuracast.received) == 4


def test_a_missing_api_key_is_reported_without_calling_azuracast(
    on_azuracast: Settings, redis_conn: Redis, session: Session, azuracast: FakeAzuraCast,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    settings = on_azuracast
    monkeypatch.delenv(KEY_ENV, raising=False)
    episode = _published(session, settings)
    job = _deliver(settings, redis_conn, episode.id or 0)
    assert not job.is_finished
    assert f"environment variable {KEY_ENV} is empty" in _episode(session, episode.id or 0).delivery_error
    assert azuracast.received == [] and azuracast.refused == []
