"""The intake job on a real RQ worker and real Redis, fetching from a local server that demands Basic auth."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry
from sqlmodel import Session, select
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.audio_store import AudioStore
from hotline.models import Complaint, ComplaintStatus, Recording, RecordingStatus
from hotline.settings import Settings
from ivr.media_server import MediaServer
from ivr.simulator import SimulatedCall
from queue_workers import context
from queue_workers.connection import redis_url_of
from queue_workers.dispatch import RQDispatcher
from queue_workers.queues import QueueName, intake_job_id, transcribe_job_id
from queue_workers.worker import HotlineWorker
from tests.conftest import PUBLIC_BASE_URL, TWILIO_SID, TWILIO_TOKEN, RecordingDispatcher, make_settings
from tests.ivr.conftest import write_tone


@pytest.fixture
def intake_settings(tmp_path: Path, database_url: str, redis_conn: Redis, media: MediaServer) -> Settings:
    settings = make_settings(
        tmp_path,
        database_url,
        REDIS_URL=redis_url_of(redis_conn),
        RECORDING_HOSTS=f"api.twilio.com,{media.host}",
        INTAKE_RETRY_INTERVALS=[0, 0],
        DOWNLOAD_TIMEOUT_SECONDS=1.0,
        TWILIO_API_BASE=media.base_url,
    )
    context.configure(settings)
    return settings


def _call_with_recording(settings: Settings, engine, media: MediaServer, audio: Path) -> str:
    """Make a real complaint through the call flow; return its RecordingSid."""
    app = create_app(settings, jobs=RecordingDispatcher(), engine=engine)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        heard = SimulatedCall(
            client=client,
            base_url=PUBLIC_BASE_URL,
            auth_token=TWILIO_TOKEN,
            account_sid=TWILIO_SID,
            digits=["1", "1", "1", "84#", "1"],
            audio=audio,
            media=media,
        ).run()
    assert heard.recording_sid
    return heard.recording_sid


def _run_intake(redis_conn: Redis, settings: Settings, sid: str) -> None:
    assert RQDispatcher(redis_conn, settings).recording_ready(sid)
    HotlineWorker([Queue(QueueName.INTAKE, connection=redis_conn)], connection=redis_conn).work(burst=True)


Setup = Callable[..., tuple[str, Path]]


@pytest.fixture
def recorded(intake_settings: Settings, engine, media: MediaServer, tmp_path: Path) -> Setup:
    def make(audio: Path | None = None) -> tuple[str, Path]:
        audio = audio or write_tone(tmp_path / "message.wav", seconds=3.0)
        return _call_with_recording(intake_settings, engine, media, audio), audio

    return make


def test_intake_stores_recording_and_enqueues_transcription(
    recorded: Setup, redis_conn: Redis, intake_settings: Settings, session: Session, media: MediaServer
):
    sid, audio = recorded()
    _run_intake(redis_conn, intake_settings, sid)
    recording = session.exec(select(Recording)).one()
    assert recording.status == RecordingStatus.STORED, recording.last_error
    assert recording.attempts == 1 and media.fetched == [sid]
    stored = AudioStore(intake_settings.audio_dir).path(recording.storage_key or "")
    assert stored.read_bytes() == audio.read_bytes()
    assert recording.sha256 == hashlib.sha256(audio.read_bytes()).hexdigest()
    assert recording.duration_seconds == pytest.approx(3.0, abs=0.05)
    assert "8000 Hz" in (recording.audio_format or "")
    complaint = session.exec(select(Complaint)).one()
    assert Queue(QueueName.TRANSCRIBE, connection=redis_conn).fetch_job(transcribe_job_id(complaint.id)) is not None


def test_duplicate_enqueue_is_refused_and_rerun_is_quiet(
    recorded: Setup, redis_conn: Redis, intake_settings: Settings, session: Session, media: MediaServer
):
    """One live job per recording; a job that finds its work done returns without fetching again."""
    sid, _ = recorded()
    dispatcher = RQDispatcher(redis_conn, intake_settings)
    assert dispatcher.recording_ready(sid)
    assert not dispatcher.recording_ready(sid), "second enqueue while the first waits"
    HotlineWorker([Queue(QueueName.INTAKE, connection=redis_conn)], connection=redis_conn).work(burst=True)
    _run_intake(redis_conn, intake_settings, sid)  # finished job: a new one may run, and finds nothing to do
    assert media.fetched == [sid]
    assert session.exec(select(Recording)).one().attempts == 1


def test_transient_errors_are_retried_then_succeed(
    recorded: Setup, redis_conn: Redis, intake_settings: Settings, session: Session, media: MediaServer
):
    sid, _ = recorded()
    failures = iter([503, 404])
    media.hook = lambda _sid: next(failures, None)
    _run_intake(redis_conn, intake_settings, sid)
    recording = session.exec(select(Recording)).one()
    assert recording.status == RecordingStatus.STORED
    assert recording.attempts == 3


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        ("unauthorized", "HTTP 401"),
        ("missing", "HTTP 404"),
        ("slow", "timed out"),
        ("foreign_host", "not in RECORDING_HOSTS"),
    ],
)
def test_failures_after_last_retry_are_kept_and_shown(
    failure: str,
    expected: str,
    recorded: Setup,
    redis_conn: Redis,
    intake_settings: Settings,
    session: Session,
    media: MediaServer,
    tmp_path: Path,
    database_url: str,
):
    """After every retry the recording and complaint say why; the job stays in RQ's failed registry."""
    sid, _ = recorded()
    settings = intake_settings
    if failure == "unauthorized":
        settings = make_settings(
            tmp_path,
            database_url,
            REDIS_URL=intake_settings.REDIS_URL,
            RECORDING_HOSTS=media.host,
            INTAKE_RETRY_INTERVALS=[0, 0],
            TWILIO_AUTH_TOKEN="wrong-token",
        )
    elif failure == "missing":
        media.files.clear()
    elif failure == "slow":
        media.hook = lambda _sid: time.sleep(1.5)  # type: ignore[func-returns-value]
    else:
        settings = make_settings(
            tmp_path,
            database_url,
            REDIS_URL=intake_settings.REDIS_URL,
            RECORDING_HOSTS="api.twilio.com",
            INTAKE_RETRY_INTERVALS=[0, 0],
        )
    context.configure(settings)
    _run_intake(redis_conn, settings, sid)
    recording = session.exec(select(Recording)).one()
    assert recording.status == RecordingStatus.FAILED
    assert recording.attempts == 3
    assert expected in recording.last_error
    complaint = session.exec(select(Complaint)).one()
    assert complaint.status == ComplaintStatus.FAILED and expected in complaint.status_reason
    failed = FailedJobRegistry(QueueName.INTAKE, connection=redis_conn)
    assert intake_job_id(sid) in failed.get_job_ids()


def test_not_audio_is_marked_broken_and_kept(
    recorded: Setup, redis_conn: Redis, intake_settings: Settings, session: Session, tmp_path: Path
):
    """A download that is not audio is retried, then kept byte for byte and marked broken."""
    junk = tmp_path / "junk.wav"
    junk.write_bytes(os.urandom(4096))
    sid, _ = recorded(audio=junk)
    _run_intake(redis_conn, intake_settings, sid)
    recording = session.exec(select(Recording)).one()
    assert recording.status == RecordingStatus.BROKEN
    assert "not audio" in recording.last_error
    kept = AudioStore(intake_settings.audio_dir).path(recording.storage_key or "")
    assert kept.read_bytes() == junk.read_bytes()
    assert recording.sha256 == hashlib.sha256(junk.read_bytes()).hexdigest()


def test_provider_copy_deleted_after_store_when_asked(
    recorded: Setup, redis_conn: Redis, intake_settings: Settings, session: Session, media: MediaServer
):
    settings = intake_settings.model_copy(update={"DELETE_TWILIO_RECORDINGS": True})
    context.configure(settings)
    sid, _ = recorded()
    _run_intake(redis_conn, settings, sid)
    recording = session.exec(select(Recording)).one()
    assert recording.status == RecordingStatus.STORED
    assert media.deleted == [sid] and recording.provider_deleted_at is not None
