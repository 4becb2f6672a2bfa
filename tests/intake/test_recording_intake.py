"""Intake as a plain library: no queue, no web app — a Recording row, a media host with Basic auth, a store."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hotline.audio_store import AudioStore
from hotline.models import Complaint, ComplaintStatus, RecordingStatus
from hotline.recording_queries import find_recording
from hotline.settings import Settings
from intake import fetch
from intake.recording_intake import IntakeOutcome, IntakeResult, IntakeRetryError, intake_recording
from ivr.media_server import MediaServer
from tests.conftest import TWILIO_SID, TWILIO_TOKEN, make_settings, reread
from tests.factories import make_complaint
from tests.ivr.conftest import write_tone


@pytest.fixture
def media() -> Iterator[MediaServer]:
    with MediaServer(account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN) as server:
        yield server


@pytest.fixture
def intake_settings(tmp_path: Path, database_url: str, media: MediaServer) -> Settings:
    return make_settings(tmp_path, database_url, RECORDING_HOSTS=f"api.twilio.com,{media.host}")


def _pending(session: Session, media: MediaServer, audio: Path, sid: str = "RE" + "a" * 32) -> Complaint:
    url = media.add(sid, audio)
    return make_complaint(
        session,
        recording={"twilio_recording_sid": sid, "source_url": url, "status": RecordingStatus.PENDING, "attempts": 0},
    )


def _run(engine: Engine, settings: Settings, *, sid: str = "RE" + "a" * 32, last_try: bool = True) -> IntakeResult:
    return intake_recording(
        engine=engine, settings=settings, store=AudioStore(settings.audio_dir), recording_sid=sid, last_try=last_try
    )


def test_downloads_checks_and_stores_with_its_checksum(
    engine: Engine, session: Session, intake_settings: Settings, media: MediaServer, tmp_path: Path
) -> None:
    audio = write_tone(tmp_path / "message.wav", seconds=3.0)
    complaint = _pending(session, media, audio)

    result = _run(engine, intake_settings)

    assert (result.outcome, result.complaint_id) == (IntakeOutcome.STORED, complaint.id)
    reread(session)
    recording = find_recording(session, recording_sid="RE" + "a" * 32)
    assert recording is not None and recording.storage_key is not None
    stored = AudioStore(intake_settings.audio_dir).path(recording.storage_key)
    assert stored.read_bytes() == audio.read_bytes()
    assert recording.sha256 == hashlib.sha256(audio.read_bytes()).hexdigest()
    assert recording.duration_seconds == pytest.approx(3.0, abs=0.01)
    assert recording.audio_format == "wav/pcm_s16le 8000 Hz 1ch"
    assert _run(engine, intake_settings).outcome == IntakeOutcome.ALREADY_DONE
    assert media.fetched == ["RE" + "a" * 32], "a second run must not download again"


def test_not_audio_is_kept_and_marked_broken_on_the_last_try(
    engine: Engine, session: Session, intake_settings: Settings, media: MediaServer, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"this is not a recording" * 100)
    complaint = _pending(session, media, junk)

    result = _run(engine, intake_settings)

    assert result.outcome == IntakeOutcome.BROKEN
    reread(session)
    recording = find_recording(session, recording_sid="RE" + "a" * 32)
    assert recording is not None and recording.status == RecordingStatus.BROKEN
    assert recording.storage_key is not None
    assert AudioStore(intake_settings.audio_dir).path(recording.storage_key).read_bytes() == junk.read_bytes()
    fresh = session.get(Complaint, complaint.id)
    assert fresh is not None and fresh.status == ComplaintStatus.FAILED, (fresh.status, fresh.status_reason)


def test_a_failed_try_with_tries_left_asks_for_a_retry_and_keeps_the_row_pending(
    engine: Engine, session: Session, intake_settings: Settings, media: MediaServer, tmp_path: Path
) -> None:
    _pending(session, media, write_tone(tmp_path / "m.wav"))
    media.hook = lambda _sid: 503

    with pytest.raises(IntakeRetryError, match="HTTP 503"):
        _run(engine, intake_settings, last_try=False)

    reread(session)
    recording = find_recording(session, recording_sid="RE" + "a" * 32)
    assert recording is not None
    assert (recording.status, recording.attempts) == (RecordingStatus.PENDING, 1)
    assert recording.last_error == "attempt 1: download failed: HTTP 503 from " + media.host


def test_hosts_outside_the_allow_list_are_refused_before_any_request(media: MediaServer, tmp_path: Path) -> None:
    url = media.add("RE1", write_tone(tmp_path / "m.wav"))
    source = fetch.RecordingSource(
        url=url, account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN, allowed_hosts=frozenset({"api.twilio.com"})
    )

    with pytest.raises(fetch.FetchError, match="is not in RECORDING_HOSTS"):
        fetch.fetch(source)
    assert media.fetched == []


def test_wrong_credentials_and_oversized_files_are_refused(media: MediaServer, tmp_path: Path) -> None:
    url = media.add("RE1", write_tone(tmp_path / "m.wav", seconds=2.0))
    hosts = frozenset({media.host})

    with pytest.raises(fetch.FetchError, match="HTTP 401"):
        fetch.fetch(fetch.RecordingSource(url=url, account_sid=TWILIO_SID, auth_token="wrong", allowed_hosts=hosts))
    with pytest.raises(fetch.FetchError, match="larger than 1000 bytes"):
        fetch.fetch(
            fetch.RecordingSource(
                url=url, account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN, allowed_hosts=hosts, max_bytes=1000
            )
        )
