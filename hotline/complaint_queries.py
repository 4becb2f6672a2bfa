"""One complaint with everything staff see about it, for the complaint page and the API; no web types.

Nothing here reads the caller's number: only the masked form leaves the database. `consented_only`
(for producers) filters in SQL, so a complaint its caller kept off the air is never even loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from hotline.models import Call, Complaint, Recording, Tag, Transcript
from hotline.models.common import ensure_aware


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
    kind: str
    code: str
    label: str
    score: float
    source: str
    suggested: bool
    evidence: dict[str, Any] | None


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
    recording: RecordingDetail | None
    transcript: TranscriptDetail | None
    tags: list[TagDetail]


def complaint_detail(session: Session, *, reference: str, consented_only: bool = False) -> ComplaintDetail | None:
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
    tags = session.exec(
        select(Tag)
        .where(Tag.complaint_id == complaint.id)
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
        recording=_recording_detail(recording) if recording else None,
        transcript=_latest_transcript(session, complaint_id=complaint.id),
        tags=[_tag(tag) for tag in tags],
    )


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


def _tag(tag: Tag) -> TagDetail:
    return TagDetail(
        kind=tag.kind,
        code=tag.code,
        label=tag.label,
        score=tag.score,
        source=tag.source,
        suggested=tag.suggested,
        evidence=tag.evidence,
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
