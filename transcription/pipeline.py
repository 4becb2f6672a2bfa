"""Turn a stored recording into transcript version 1 and tags, idempotently.

Called by the transcribe job with a complaint id. The machine transcript is written once and
never overwritten; a language without a model goes to manual transcription, tagged from the
keypad choices alone; bad audio fails with its reason while the file stays in the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hotline.audio_store import AudioStore
from hotline.complaint_status import set_complaint_status
from hotline.models import Complaint, ComplaintStatus, Recording, RecordingStatus, Tag, Transcript
from hotline.models.common import saved_id
from transcription.audio import AudioRejected
from transcription.decoder import DecodeResult, decode
from transcription.runtime import Runtime
from transcription.tagging import tag_complaint

log = logging.getLogger(__name__)

# Statuses from which transcription may (re)start; anything later means a person has taken over.
_OPEN = {ComplaintStatus.RECEIVED, ComplaintStatus.TRANSCRIBING, ComplaintStatus.FAILED}


class TranscribeOutcome(StrEnum):
    TRANSCRIBED = "transcribed"
    NO_SPEECH = "no_speech"
    MANUAL = "needs_manual_transcription"
    ALREADY_DONE = "already_done"
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
    *, engine: Engine, store: AudioStore, runtime: Runtime, complaint_id: int, last_try: bool = True
) -> TranscribeResult:
    """Decode and tag one complaint; safe to call again for the same complaint."""
    with Session(engine, expire_on_commit=False) as session:
        complaint = session.get(Complaint, complaint_id)
        if complaint is None:
            return TranscribeResult(complaint_id, TranscribeOutcome.NOT_READY, "no such complaint")
        if complaint.status not in _OPEN or _machine_transcript(session, complaint_id) is not None:
            return TranscribeResult(complaint_id, TranscribeOutcome.ALREADY_DONE)
        recording = _stored_recording(session, complaint_id)
        if recording is None or recording.storage_key is None:
            return TranscribeResult(complaint_id, TranscribeOutcome.NOT_READY, "recording not stored yet")

        model = runtime.model_for(complaint.language)
        if model is None:
            _replace_tags(session, complaint, runtime, text="")
            set_complaint_status(
                session,
                complaint,
                ComplaintStatus.NEEDS_MANUAL_TRANSCRIPTION,
                f"no speech model for language {complaint.language!r}",
            )
            return TranscribeResult(complaint_id, TranscribeOutcome.MANUAL)

        set_complaint_status(session, complaint, ComplaintStatus.TRANSCRIBING)
        max_seconds = float(runtime.deployment.recording.max_length_seconds) * 2 + 60
        try:
            result = decode(model=model, source=store.path(recording.storage_key), max_seconds=max_seconds)
        except AudioRejected as exc:
            set_complaint_status(session, complaint, ComplaintStatus.FAILED, f"audio rejected: {exc.reason}")
            recording.last_error = f"transcription: {exc.reason}"
            session.add(recording)
            session.commit()
            return TranscribeResult(complaint_id, TranscribeOutcome.REJECTED, exc.reason)
        except Exception as exc:
            if last_try:
                reason = f"transcription failed: {failure_reason(exc)}"
                set_complaint_status(session, complaint, ComplaintStatus.FAILED, reason)
                return TranscribeResult(complaint_id, TranscribeOutcome.FAILED, reason)
            raise

        _store_transcript(session, complaint, recording, result)
        _replace_tags(session, complaint, runtime, text=result.text)
        reason = "no speech heard" if result.no_speech else ""
        set_complaint_status(session, complaint, ComplaintStatus.TRANSCRIBED, reason)
        outcome = TranscribeOutcome.NO_SPEECH if result.no_speech else TranscribeOutcome.TRANSCRIBED
        return TranscribeResult(complaint_id, outcome)


def failure_reason(exc: Exception) -> str:
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


def _store_transcript(session: Session, complaint: Complaint, recording: Recording, result: DecodeResult) -> None:
    session.add(
        Transcript(
            complaint_id=saved_id(complaint),
            recording_id=recording.id,
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
    )
    session.commit()


def _replace_tags(session: Session, complaint: Complaint, runtime: Runtime, *, text: str) -> None:
    """Machine tags (menu and transcript) are recomputed as a set; staff tags are never touched."""
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
    session.commit()
