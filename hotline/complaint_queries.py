"""Read-side queries over complaints for the staff view and API; plain dataclasses out, no web types.

Nothing here reads the caller's number: only the masked form leaves the database. `consented_only`
(for producers) filters in SQL, so a complaint its caller kept off the air is never even loaded.
Lists are paged by keyset (created_at, id) rather than offset, so complaints arriving while
someone pages through the newest-first list neither repeat nor go missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from hotline.models import Call, Complaint, Recording, Tag, Transcript
from hotline.models.common import ensure_aware, saved_id


@dataclass(frozen=True)
class RecordingSummary:
    status: str
    # Our own measurement once the audio is stored; until then what Twilio reported.
    duration_seconds: float | None


@dataclass(frozen=True)
class ComplaintSummary:
    reference: str
    status: str
    status_reason: str
    language: str
    sector: str | None
    area: str | None
    broadcast_consent: bool
    caller: str  # masked, e.g. +976••••••33
    created_at: datetime
    recording: RecordingSummary | None


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the last complaint's creation time and id."""

    created_at: datetime
    id: int


@dataclass(frozen=True)
class ComplaintPage:
    items: list[ComplaintSummary]
    next_cursor: Cursor | None  # None on the last page


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


def list_complaints(
    session: Session,
    *,
    statuses: Sequence[str] = (),
    sectors: Sequence[str] = (),
    areas: Sequence[str] = (),
    since: datetime | None = None,
    limit: int = 50,
    after: Cursor | None = None,
    consented_only: bool = False,
) -> ComplaintPage:
    """Complaints newest first, filtered (empty filter = any), one page after the cursor."""
    latest = _latest_recording_ids()
    query = (
        select(Complaint, Call.caller_masked, Recording)
        .join(Call, col(Call.id) == col(Complaint.call_id))
        .outerjoin(latest, latest.c.complaint_id == col(Complaint.id))
        .outerjoin(Recording, col(Recording.id) == latest.c.recording_id)
    )
    if consented_only:
        query = query.where(col(Complaint.broadcast_consent).is_(True))
    if statuses:
        query = query.where(col(Complaint.status).in_(statuses))
    if sectors:
        query = query.where(col(Complaint.sector).in_(sectors))
    if areas:
        query = query.where(col(Complaint.area).in_(areas))
    if since is not None:
        query = query.where(col(Complaint.created_at) >= _utc(since))
    if after is not None:
        at = _utc(after.created_at)
        query = query.where(
            or_(col(Complaint.created_at) < at, and_(col(Complaint.created_at) == at, col(Complaint.id) < after.id))
        )
    query = query.order_by(col(Complaint.created_at).desc(), col(Complaint.id).desc()).limit(limit + 1)
    rows = session.exec(query).all()
    items = [_summary(complaint, caller, recording) for complaint, caller, recording in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1][0]
        next_cursor = Cursor(created_at=_utc(last.created_at), id=saved_id(last))
    return ComplaintPage(items=items, next_cursor=next_cursor)


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
        status_changed_at=_utc(complaint.status_changed_at),
        language=complaint.language,
        sector=complaint.sector,
        area=complaint.area,
        broadcast_consent=complaint.broadcast_consent,
        caller=caller,
        created_at=_utc(complaint.created_at),
        recording=_recording_detail(recording) if recording else None,
        transcript=_latest_transcript(session, complaint_id=complaint.id),
        tags=[_tag(tag) for tag in tags],
    )


def _latest_recording_ids() -> Any:
    """complaint_id → id of its newest recording (a retried call can leave more than one)."""
    return (
        select(col(Recording.complaint_id).label("complaint_id"), func.max(Recording.id).label("recording_id"))
        .where(col(Recording.complaint_id).is_not(None))
        .group_by(col(Recording.complaint_id))
        .subquery("latest_recording")
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
        created_at=_utc(newest.created_at),
    )


def _summary(complaint: Complaint, caller: str, recording: Recording | None) -> ComplaintSummary:
    return ComplaintSummary(
        reference=complaint.reference,
        status=complaint.status,
        status_reason=complaint.status_reason,
        language=complaint.language,
        sector=complaint.sector,
        area=complaint.area,
        broadcast_consent=complaint.broadcast_consent,
        caller=caller,
        created_at=_utc(complaint.created_at),
        recording=_recording_summary(recording) if recording else None,
    )


def _recording_summary(recording: Recording) -> RecordingSummary:
    return RecordingSummary(status=recording.status, duration_seconds=_duration(recording))


def _recording_detail(recording: Recording) -> RecordingDetail:
    return RecordingDetail(
        status=recording.status,
        duration_seconds=_duration(recording),
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


def _duration(recording: Recording) -> float | None:
    if recording.duration_seconds is not None:
        return recording.duration_seconds
    return float(recording.reported_duration_seconds) if recording.reported_duration_seconds is not None else None


def _utc(value: datetime) -> datetime:
    """UTC, aware: SQLite stores wall-clock digits without a zone, so binds must already be UTC."""
    aware = ensure_aware(value)
    assert aware is not None
    return aware.astimezone(UTC)
