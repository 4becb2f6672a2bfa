"""Turn a stored recording into transcript version 1 and tags: claimed first, written in one transaction.

Called by the transcribe job with a complaint id. The job claims the complaint (hotline.work_claims),
decodes outside any transaction, then writes the machine transcript, its tags and the `transcribed`
status together, so a crash leaves either nothing or everything. The machine transcript is written
once and never overwritten; a language without a model goes to manual transcription, tagged from the
keypad choices alone; bad audio fails with its reason while the file stays in the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hotline.audio_store import AudioStore
from hotline.complaint_status import set_complaint_status, update_status_where
from hotline.current_transcript import adopt_transcript
from hotline.models import Complaint, ComplaintStatus, Recording, RecordingStatus, Tag, Transcript, utcnow
from hotline.models.common import ensure_aware, saved_id
from hotline.work_claims import held_by, lease_expired, lease_until, new_token
from transcription.audio import AudioRejected
from transcription.decoder import DecodeResult, decode
from transcription.runtime import Runtime
from transcription.tagging import tag_complaint

log = logging.getLogger(__name__)

# Statuses from which transcription may (re)start; anything later means a person has taken over.
_OPEN = (ComplaintStatus.RECEIVED, ComplaintStatus.FAILED)


class TranscribeOutcome(StrEnum):
    TRANSCRIBED = "transcribed"
    NO_SPEECH = "no_speech"
    MANUAL = "needs_manual_transcription"
    ALREADY_DONE = "already_done"
    CLAIMED_ELSEWHERE = "claimed_elsewhere"  # another live job is decoding it
    NOT_READY = "not_ready"
    REJECTED = "rejected"  # the audio itself is unusable; retrying cannot help
    FAILED = "failed"


@dataclass(frozen=True)
class TranscribeResult:
    complaint_id: int
    outcome: TranscribeOutcome
    reason: str = ""


def audio_seconds_of(engine: Engine, complaint_id: int) -> float | None:
    with Session(engine) as session:
        recording = _stored_recording(session, complaint_id)
        return recording.duration_seconds if recording else None


def _stored_recording(session: Session, complaint_id: int) -> Recording | None:
    return session.exec(
        select(Recording)
        .where(Recording.complaint_id == complaint_id, Recording.status == RecordingStatus.STORED)
        .order_by(col(Recording.id))
    ).first()


def transcribe_complaint(
    *,
    engine: Engine,
    store: AudioStore,
    runtime: Runtime,
    complaint_id: int,
    last_try: bool = True,
    job_timeout_seconds: float = 600.0,
    max_attempts: int | None = None,
) -> TranscribeResult:
    """Decode and tag one complaint; safe to call again, or from two workers at once.

    `max_attempts` caps the claims a complaint gets in all, whatever the queue's own retry count says.
    """
    with Session(engine, expire_on_commit=False) as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            return TranscribeResult(complaint_id, TranscribeOutcome.NOT_READY, "no such complaint")
        machine = _machine_transcript(session, complaint_id)
        if machine is not None:
            return _finish_stale_status(session, complaint, machine, runtime)
        recording = _stored_recording(session, complaint_id)
        if recording is None or recording.storage_key is None:
            return TranscribeResult(complaint_id, TranscribeOutcome.NOT_READY, "recording not stored yet")
        storage_key, recording_id = recording.storage_key, saved_id(recording)

    claim = _claim(engine, complaint_id, job_timeout_seconds)
    if claim is None:
        return _why_not_claimed(engine, complaint_id)
    token, attempts = claim
    last_try = last_try or (max_attempts is not None and attempts >= max_attempts)
    model = runtime.model_for(complaint.language)
    if model is None:
        reason = f"no speech model for language {complaint.language!r}"
        return _finish(engine, complaint_id, token, runtime, result=None, recording_id=recording_id, reason=reason)
    max_seconds = float(runtime.deployment.recording.max_length_seconds) * 2 + 60
    try:
        result = decode(model=model, source=store.path(storage_key), max_seconds=max_seconds)
    except AudioRejected as exc:
        _release(engine, complaint_id, token, f"audio rejected: {exc.reason}", final=True, recording_id=recording_id)
        return TranscribeResult(complaint_id, TranscribeOutcome.REJECTED, exc.reason)
    except BaseException as exc:  # a storage fault, a job time limit: count the try, fail for good on the last
        reason = f"transcription failed: {failure_reason(exc)}"
        _release(engine, complaint_id, token, reason, final=last_try)
        if last_try and isinstance(exc, Exception):
            return TranscribeResult(complaint_id, TranscribeOutcome.FAILED, reason)
        raise
    return _finish(engine, complaint_id, token, runtime, result=result, recording_id=recording_id)


def _claim(engine: Engine, complaint_id: int, job_timeout_seconds: float) -> tuple[str, int] | None:
    """Take the complaint for this job (one conditional update): its token and attempt number, or None."""
    now, token = utcnow(), new_token()
    with Session(engine) as session:
        taken = update_status_where(
            session,
            col(Complaint.id) == complaint_id,
            col(Complaint.status).in_(_OPEN)
            | ((col(Complaint.status) == ComplaintStatus.TRANSCRIBING) & lease_expired(Complaint, now)),
            status=ComplaintStatus.TRANSCRIBING,
            values={
                "claimed_by": token,
                "lease_expires_at": lease_until(job_timeout_seconds, now=now),
                "transcribe_attempts": col(Complaint.transcribe_attempts) + 1,
            },
        )
        session.commit()
        attempts = session.exec(select(Complaint.transcribe_attempts).where(Complaint.id == complaint_id)).one()
    return (token, attempts) if taken else None


def _why_not_claimed(engine: Engine, complaint_id: int) -> TranscribeResult:
    with Session(engine) as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is not None and complaint.status == ComplaintStatus.TRANSCRIBING:
            return TranscribeResult(complaint_id, TranscribeOutcome.CLAIMED_ELSEWHERE)
    return TranscribeResult(complaint_id, TranscribeOutcome.ALREADY_DONE)


def _finish(
    engine: Engine,
    complaint_id: int,
    token: str,
    runtime: Runtime,
    *,
    result: DecodeResult | None,
    recording_id: int,
    reason: str = "",
) -> TranscribeResult:
    """Transcript, tags and status in one transaction, still under our claim (None result: no model)."""
    if result is None:
        status, outcome = ComplaintStatus.NEEDS_MANUAL_TRANSCRIPTION, TranscribeOutcome.MANUAL
    elif result.no_speech:
        status, reason, outcome = ComplaintStatus.TRANSCRIBED, "no speech heard", TranscribeOutcome.NO_SPEECH
    else:
        status, reason, outcome = ComplaintStatus.TRANSCRIBED, "", TranscribeOutcome.TRANSCRIBED
    with Session(engine, expire_on_commit=False) as session:
        if not _release_claim(session, complaint_id, token, status=status, reason=reason):
            session.rollback()
            return TranscribeResult(complaint_id, TranscribeOutcome.CLAIMED_ELSEWHERE)
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:  # deleted while we decoded: nothing to attach the work to
            session.rollback()
            return TranscribeResult(complaint_id, TranscribeOutcome.NOT_READY, "complaint deleted")
        if result is not None:
            machine = _machine_version(complaint_id, recording_id, result)
            session.add(machine)
            adopt_transcript(session, complaint, machine)
        _replace_tags(session, complaint, runtime, text=result.text if result else "")
        session.commit()
    return TranscribeResult(complaint_id, outcome)


def _release(
    engine: Engine, complaint_id: int, token: str, reason: str, *, final: bool, recording_id: int | None = None
) -> None:
    """Give the complaint back after a failed try: `failed` with the reason when final, else `received`."""
    status = ComplaintStatus.FAILED if final else ComplaintStatus.RECEIVED
    with Session(engine) as session:
        released = _release_claim(session, complaint_id, token, status=status, reason=reason)
        if released and recording_id is not None:
            session.exec(
                update(Recording)
                .where(col(Recording.id) == recording_id)
                .values(last_error=f"transcription: {reason}"[:2000], updated_at=utcnow())
            )
        session.commit()


def _release_claim(session: Session, complaint_id: int, token: str, *, status: ComplaintStatus, reason: str) -> bool:
    return bool(
        update_status_where(
            session,
            col(Complaint.id) == complaint_id,
            held_by(Complaint, token),
            status=status,
            reason=reason,
            values={"claimed_by": None, "lease_expires_at": None},
        )
    )


def _finish_stale_status(
    session: Session, complaint: Complaint, machine: Transcript, runtime: Runtime
) -> TranscribeResult:
    """The machine transcript exists: the work is done. Finish a status left behind (with its tags) if need be."""
    complaint_id = saved_id(complaint)
    if complaint.status not in (ComplaintStatus.RECEIVED, ComplaintStatus.TRANSCRIBING, ComplaintStatus.FAILED):
        return TranscribeResult(complaint_id, TranscribeOutcome.ALREADY_DONE)
    if complaint.status == ComplaintStatus.TRANSCRIBING and _live(complaint):
        return TranscribeResult(complaint_id, TranscribeOutcome.CLAIMED_ELSEWHERE)
    log.warning("complaint %s had its transcript but status %s: finishing it", complaint_id, complaint.status)
    _replace_tags(session, complaint, runtime, text=machine.text)
    complaint.claimed_by = complaint.lease_expires_at = None
    reason = "no speech heard" if machine.no_speech else ""
    set_complaint_status(session, complaint, ComplaintStatus.TRANSCRIBED, reason)
    session.commit()
    return TranscribeResult(complaint_id, TranscribeOutcome.ALREADY_DONE)


def _live(complaint: Complaint) -> bool:
    """Another job holds the complaint and its lease has not run out."""
    lease = ensure_aware(complaint.lease_expires_at)
    return lease is not None and lease > utcnow()


def failure_reason(exc: BaseException) -> str:
    """What staff read about an unexpected failure: the kind of fault, never a storage path."""
    if isinstance(exc, FileNotFoundError):
        return "the stored audio file is missing"
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {exc.strerror or 'storage error'}"
    return f"{type(exc).__name__}: {exc}"[:500]


def _machine_transcript(session: Session, complaint_id: int) -> Transcript | None:
    return session.exec(
        select(Transcript).where(Transcript.complaint_id == complaint_id, Transcript.version == 1)
    ).first()


def _machine_version(complaint_id: int, recording_id: int, result: DecodeResult) -> Transcript:
    return Transcript(
        complaint_id=complaint_id,
        recording_id=recording_id,
        version=1,
        source="machine",
        text=result.text,
        words=[w.to_dict() for w in result.words],
        mean_confidence=result.mean_confidence,
        no_speech=result.no_speech,
        model=result.model_name,
        audio_duration_seconds=result.duration_seconds,
        decode_seconds=result.cpu_seconds,
    )


def _replace_tags(session: Session, complaint: Complaint, runtime: Runtime, *, text: str) -> None:
    """Machine tags (menu and transcript) are recomputed as a set; staff tags are never touched. No commit."""
    tags = tag_complaint(
        text=text,
        language=complaint.language,
        deployment=runtime.deployment,
        gazetteer=runtime.gazetteer,
        menu_sector=complaint.sector,
        menu_area=complaint.area,
    )
    session.exec(delete(Tag).where(col(Tag.complaint_id) == complaint.id, col(Tag.source).in_(["menu", "transcript"])))
    seen: set[tuple[str, str, str]] = set()
    for tag in tags:
        key = (tag.kind, tag.code, tag.source)
        if key in seen:
            continue
        seen.add(key)
        session.add(Tag(complaint_id=saved_id(complaint), **tag.to_dict()))  # TagResult's fields are Tag's columns
