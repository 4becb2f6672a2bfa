"""One complaint with everything staff see about it, for the complaint page and the API; no web types.

Nothing here reads the caller's number: only the masked form leaves the database. `consented_only`
(for producers) filters in SQL, so a complaint its caller kept off the air is never even loaded, and
`with_notes` leaves out internal notes for readers who are not staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from hotline.complaint_notes import NoteDetail, list_notes
from hotline.lifecycle import staff_moves
from hotline.models import Call, Complaint, Recording, StatusChange, Tag, Transcript, User
from hotline.models.common import ensure_aware, saved_id
from hotline.transcript_versions import TranscriptVersion, list_versions


@dataclass(frozen=True)
class RecordingDetail:
    status: str
    duration_seconds: float | None
    reported_duration_seconds: int | None
    last_error: str
    attempts: int


@dataclass(frozen=True)
class TranscriptDetail:
    version: int
    versions: int
    source: str
    text: str
    words: list[dict[str, Any]]
    mean_confidence: float | None
    no_speech: bool
    model: str
    audio_duration_seconds: float | None
    created_at: datetime


@dataclass(frozen=True)
class TagDetail:
    id: int
    kind: str
    code: str
    label: str
    score: float
    source: str
    suggested: bool
    evidence: dict[str, Any] | None
    decision: str | None  # accepted / rejected by a reviewer; None while undecided
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class StatusHistoryEntry:
    from_status: str
    to_status: str
    reason: str
    actor: str | None  # the user's email; None for the system (intake, transcription, sweeper)
    created_at: datetime
    duplicate_of: str | None  # the original's reference


@dataclass(frozen=True)
class ComplaintDetail:
    reference: str
    status: str
    status_reason: str
    status_changed_at: datetime
    language: str
    sector: str | None
    area: str | None
    broadcast_consent: bool
    caller: str
    created_at: datetime
    soum: str | None
    duplicate_of: str | None
    reviewed: bool
    transcript_version: int  # what a transcript save names as based_on_version
    allowed_statuses: list[str]  # where staff may move it next
    recording: RecordingDetail | None
    transcript: TranscriptDetail | None
    transcripts: list[TranscriptVersion]
    tags: list[TagDetail]
    notes: list[NoteDetail]
    status_history: list[StatusHistoryEntry]


def find_complaint(session: Session, *, reference: str, consented_only: bool = False) -> Complaint | None:
    """The complaint a reader may see under this reference (producers: consented ones only), or None."""
    query = select(Complaint).where(Complaint.reference == reference)
    if consented_only:
        query = query.where(col(Complaint.broadcast_consent).is_(True))
    return session.exec(query).first()


def complaint_detail(
    session: Session, *, reference: str, consented_only: bool = False, with_notes: bool = True
) -> ComplaintDetail | None:
    """Everything staff see about one complaint, or None when the reference is unknown (or, with
    consented_only, when the caller did not agree to broadcast: such a complaint does not exist for the reader)."""
    query = (
        select(Complaint, Call.caller_masked)
        .join(Call, col(Call.id) == col(Complaint.call_id))
        .where(Complaint.reference == reference)
    )
    if consented_only:
        query = query.where(col(Complaint.broadcast_consent).is_(True))
    row = session.exec(query).first()
    if row is None:
        return None
    complaint, caller = row
    recording = session.exec(
        select(Recording).where(Recording.complaint_id == complaint.id).order_by(col(Recording.id).desc())
    ).first()
    complaint_id = saved_id(complaint)
    tags = session.exec(
        select(Tag, User.email)
        .outerjoin(User, col(User.id) == col(Tag.decided_by_id))
        .where(Tag.complaint_id == complaint_id)
        .order_by(col(Tag.kind), col(Tag.suggested), col(Tag.score).desc(), col(Tag.id))
    ).all()
    return ComplaintDetail(
        reference=complaint.reference,
        status=complaint.status,
        status_reason=complaint.status_reason,
        status_changed_at=as_utc(complaint.status_changed_at),
        language=complaint.language,
        sector=complaint.sector,
        area=complaint.area,
        broadcast_consent=complaint.broadcast_consent,
        caller=caller,
        created_at=as_utc(complaint.created_at),
        soum=complaint.soum,
        duplicate_of=_reference_of(session, complaint.duplicate_of_id),
        reviewed=complaint.reviewed,
        transcript_version=complaint.transcript_version,
        allowed_statuses=staff_moves(complaint.status),
        recording=_recording_detail(recording) if recording else None,
        transcript=_latest_transcript(session, complaint_id=complaint_id),
        transcripts=list_versions(session, complaint_id=complaint_id),
        tags=[_tag(tag, email) for tag, email in tags],
        notes=list_notes(session, complaint_id=complaint_id) if with_notes else [],
        status_history=status_history(session, complaint_id=complaint_id),
    )


def status_history(session: Session, *, complaint_id: int) -> list[StatusHistoryEntry]:
    """Every move of the complaint, oldest first, with who made it and the original of a duplicate."""
    original = aliased(Complaint)
    rows = session.exec(
        select(StatusChange, User.email, original.reference)
        .outerjoin(User, col(User.id) == col(StatusChange.actor_id))
        .outerjoin(original, col(original.id) == col(StatusChange.duplicate_of_id))
        .where(StatusChange.complaint_id == complaint_id)
        .order_by(col(StatusChange.created_at), col(StatusChange.id))
    ).all()
    return [
        StatusHistoryEntry(
            from_status=change.from_status,
            to_status=change.to_status,
            reason=change.reason,
            actor=email,
            created_at=as_utc(change.created_at),
            duplicate_of=duplicate_of,
        )
        for change, email, duplicate_of in rows
    ]


def _reference_of(session: Session, complaint_id: int | None) -> str | None:
    if complaint_id is None:
        return None
    return session.exec(select(Complaint.reference).where(Complaint.id == complaint_id)).first()


def _latest_transcript(session: Session, *, complaint_id: int | None) -> TranscriptDetail | None:
    newest = session.exec(
        select(Transcript).where(Transcript.complaint_id == complaint_id).order_by(col(Transcript.version).desc())
    ).first()
    if newest is None:
        return None
    versions = session.exec(select(func.count()).where(Transcript.complaint_id == complaint_id)).one()
    return TranscriptDetail(
        version=newest.version,
        versions=versions,
        source=newest.source,
        text=newest.text,
        words=newest.words or [],
        mean_confidence=newest.mean_confidence,
        no_speech=newest.no_speech,
        model=newest.model,
        audio_duration_seconds=newest.audio_duration_seconds,
        created_at=as_utc(newest.created_at),
    )


def _recording_detail(recording: Recording) -> RecordingDetail:
    return RecordingDetail(
        status=recording.status,
        duration_seconds=recording_duration(recording),
        reported_duration_seconds=recording.reported_duration_seconds,
        last_error=recording.last_error,
        attempts=recording.attempts,
    )


def _tag(tag: Tag, decided_by: str | None) -> TagDetail:
    return TagDetail(
        id=saved_id(tag),
        kind=tag.kind,
        code=tag.code,
        label=tag.label,
        score=tag.score,
        source=tag.source,
        suggested=tag.suggested,
        evidence=tag.evidence,
        decision=tag.decision,
        decided_by=decided_by,
        decided_at=as_utc(tag.decided_at) if tag.decided_at else None,
    )


def recording_duration(recording: Recording) -> float | None:
    if recording.duration_seconds is not None:
        return recording.duration_seconds
    return float(recording.reported_duration_seconds) if recording.reported_duration_seconds is not None else None


def as_utc(value: datetime) -> datetime:
    """UTC, aware: SQLite stores wall-clock digits without a zone, so binds must already be UTC."""
    aware = ensure_aware(value)
    assert aware is not None
    return aware.astimezone(UTC)
