"""Every unit of work is atomic and claimed: a crash at any commit boundary, or two jobs at once, ends in
exactly one result (one machine transcript, one set of tags, one download), on SQLite and PostgreSQL.

The service functions the jobs call run here directly, with real Vosk decoding, a real HTTP media host
and the real database; tests/queue_workers/test_worker_crash.py kills a real RQ worker process.
"""

from __future__ import annotations

import shutil
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hotline.audio_store import AudioStore
from hotline.models import Complaint, ComplaintStatus, Recording, RecordingStatus, Tag, Transcript
from hotline.settings import Settings
from hotline.work_claims import LEASE_GRACE_SECONDS
from intake.recording_intake import IntakeOutcome, intake_recording
from ivr.media_server import MediaServer
from tests.conftest import make_settings, reread
from tests.crash import SimulatedCrash, crash_after_commit
from tests.factories import make_complaint
from tests.queue_workers.conftest import KOREAN_DEPLOYMENT
from tests.transcription.audio_factory import AudioFactory
from transcription.pipeline import TranscribeOutcome, transcribe_complaint
from transcription.runtime import Runtime, worker_runtime

pytestmark = pytest.mark.vosk

EXPIRED_AT_ONCE = -LEASE_GRACE_SECONDS - 1  # a "time limit" whose lease is already over: the next job may retake
SID = "RE" + "d" * 32


@pytest.fixture
def worker_settings(tmp_path: Path, database_url: str, media: MediaServer) -> Settings:
    """The Korean deployment, reading recordings from the local media host; no queue is involved here."""
    return make_settings(
        tmp_path, database_url, HOTLINE_CONFIG=KOREAN_DEPLOYMENT, RECORDING_HOSTS=f"api.twilio.com,{media.host}"
    )


@pytest.fixture
def runtime(worker_settings: Settings) -> Runtime:
    return worker_runtime(worker_settings)


@pytest.fixture
def stored_complaint(session: Session, worker_settings: Settings, speech: AudioFactory) -> Complaint:
    """A Korean complaint whose recording is already in the audio store, ready to transcribe."""
    key = "recordings/test/atomic.wav"
    target = AudioStore(worker_settings.audio_dir).path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(speech.telephone("u-law"), target)
    return make_complaint(session, language="ko", sector="infrastructure", recording={"storage_key": key})


def _transcribe(engine: Engine, settings: Settings, runtime: Runtime, complaint_id: int, **kw: object):  # type: ignore[no-untyped-def]
    return transcribe_complaint(
        engine=engine,
        store=AudioStore(settings.audio_dir),
        runtime=runtime,
        complaint_id=complaint_id,
        **kw,  # type: ignore[arg-type]
    )


def _exactly_once(session: Session, complaint_id: int) -> None:
    reread(session)
    complaint = session.get(Complaint, complaint_id)
    assert complaint is not None and complaint.status == ComplaintStatus.TRANSCRIBED, complaint
    assert complaint.claimed_by is None and complaint.lease_expires_at is None
    versions = session.exec(select(Transcript.version).where(Transcript.complaint_id == complaint_id)).all()
    assert versions == [1]
    tags = session.exec(select(Tag.kind, Tag.code, Tag.source).where(Tag.complaint_id == complaint_id)).all()
    assert tags and max(Counter(tags).values()) == 1, tags
    assert ("sector", "infrastructure", "menu") in tags


def test_a_clean_transcription_has_two_commit_boundaries(
    engine: Engine, session: Session, worker_settings: Settings, runtime: Runtime, stored_complaint: Complaint
) -> None:
    with crash_after_commit(99) as seen:
        result = _transcribe(engine, worker_settings, runtime, stored_complaint.id or 0)

    assert result.outcome == TranscribeOutcome.TRANSCRIBED
    assert seen == [2], "claim, then transcript + tags + status together"
    _exactly_once(session, stored_complaint.id or 0)


@pytest.mark.parametrize("crash_after", [1, 2])
def test_a_crash_at_any_commit_boundary_of_transcription_still_ends_exactly_once(
    crash_after: int,
    engine: Engine,
    session: Session,
    worker_settings: Settings,
    runtime: Runtime,
    stored_complaint: Complaint,
) -> None:
    complaint_id = stored_complaint.id or 0
    with crash_after_commit(crash_after), pytest.raises(SimulatedCrash):
        _transcribe(engine, worker_settings, runtime, complaint_id, job_timeout_seconds=EXPIRED_AT_ONCE)

    reread(session)
    transcripts = session.exec(select(Transcript)).all()
    assert len(transcripts) == (0 if crash_after == 1 else 1), "a commit writes all of its work or none"

    again = _transcribe(engine, worker_settings, runtime, complaint_id)  # the sweeper's retry, later

    assert again.outcome == (TranscribeOutcome.TRANSCRIBED if crash_after == 1 else TranscribeOutcome.ALREADY_DONE)
    _exactly_once(session, complaint_id)


def test_a_job_that_finds_the_transcript_but_a_stale_status_finishes_the_status(
    engine: Engine, session: Session, worker_settings: Settings, runtime: Runtime, stored_complaint: Complaint
) -> None:
    complaint_id = stored_complaint.id or 0
    _transcribe(engine, worker_settings, runtime, complaint_id)
    reread(session)
    complaint = session.get(Complaint, complaint_id)
    assert complaint is not None
    complaint.status = ComplaintStatus.TRANSCRIBING  # as an older release could leave it after a crash
    session.add(complaint)
    session.exec(Tag.__table__.delete())  # type: ignore[attr-defined]
    session.commit()

    assert _transcribe(engine, worker_settings, runtime, complaint_id).outcome == TranscribeOutcome.ALREADY_DONE
    _exactly_once(session, complaint_id)


def test_two_jobs_racing_for_one_complaint_decode_it_once(
    engine: Engine, session: Session, worker_settings: Settings, runtime: Runtime, stored_complaint: Complaint
) -> None:
    complaint_id = stored_complaint.id or 0
    outcomes = _race(lambda: _transcribe(engine, worker_settings, runtime, complaint_id).outcome)

    assert sorted(outcomes) == sorted([TranscribeOutcome.TRANSCRIBED, TranscribeOutcome.CLAIMED_ELSEWHERE])
    _exactly_once(session, complaint_id)


def test_a_live_claim_is_not_taken_over(
    engine: Engine, session: Session, worker_settings: Settings, runtime: Runtime, stored_complaint: Complaint
) -> None:
    complaint_id = stored_complaint.id or 0
    with crash_after_commit(1), pytest.raises(SimulatedCrash):
        _transcribe(engine, worker_settings, runtime, complaint_id, job_timeout_seconds=600)

    # The first job still holds a fresh lease (its worker may be alive but slow): a second job leaves it alone.
    assert _transcribe(engine, worker_settings, runtime, complaint_id).outcome == TranscribeOutcome.CLAIMED_ELSEWHERE
    reread(session)
    assert session.exec(select(Transcript)).all() == []


# Intake -----------------------------------------------------------------------------------------------


@pytest.fixture
def pending(session: Session, media: MediaServer, tmp_path: Path, speech: AudioFactory) -> Complaint:
    url = media.add(SID, speech.telephone("u-law"))
    return make_complaint(
        session,
        language="ko",
        recording={"twilio_recording_sid": SID, "source_url": url, "status": RecordingStatus.PENDING, "attempts": 0},
    )


def _intake(engine: Engine, settings: Settings, **kw: object):  # type: ignore[no-untyped-def]
    return intake_recording(
        engine=engine,
        settings=settings,
        store=AudioStore(settings.audio_dir),
        recording_sid=SID,
        last_try=False,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("crash_after", [1, 2])
def test_a_crash_at_any_commit_boundary_of_intake_still_stores_exactly_once(
    crash_after: int, engine: Engine, session: Session, worker_settings: Settings, pending: Complaint
) -> None:
    with crash_after_commit(crash_after), pytest.raises(SimulatedCrash):
        _intake(engine, worker_settings, job_timeout_seconds=EXPIRED_AT_ONCE)

    again = _intake(engine, worker_settings)

    assert again.outcome == (IntakeOutcome.STORED if crash_after == 1 else IntakeOutcome.ALREADY_DONE)
    reread(session)
    recording = session.exec(select(Recording)).one()
    assert recording.status == RecordingStatus.STORED and recording.claimed_by is None
    assert recording.attempts == (2 if crash_after == 1 else 1), "every claim counts as an attempt"
    assert recording.storage_key and AudioStore(worker_settings.audio_dir).path(recording.storage_key).is_file()


def test_two_intake_jobs_racing_download_once(
    engine: Engine, session: Session, worker_settings: Settings, media: MediaServer, pending: Complaint
) -> None:
    outcomes = _race(lambda: _intake(engine, worker_settings).outcome)

    assert IntakeOutcome.STORED in outcomes
    assert set(outcomes) <= {IntakeOutcome.STORED, IntakeOutcome.CLAIMED_ELSEWHERE, IntakeOutcome.ALREADY_DONE}
    assert outcomes.count(IntakeOutcome.STORED) == 1
    assert media.fetched == [SID], "the loser must not download"


def _race(work: Callable[[], object]) -> list:  # type: ignore[type-arg]
    """Run `work` in two threads released at the same instant; return both results."""
    start = threading.Barrier(2)
    results: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            results.append(work())
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results
