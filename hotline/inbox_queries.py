"""The inbox: complaints newest first, filtered, one keyset page at a time; plain dataclasses out.

Nothing here reads the caller's number: only the masked form leaves the database. `consented_only`
(for producers) filters in SQL, so a complaint its caller kept off the air is never even loaded.
Lists are paged by keyset (created_at, id) rather than offset, so complaints arriving while
someone pages through the newest-first list neither repeat nor go missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from hotline.complaint_queries import as_utc, recording_duration
from hotline.models import Call, Complaint, Recording
from hotline.models.common import saved_id


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
        query = query.where(col(Complaint.created_at) >= as_utc(since))
    if after is not None:
        at = as_utc(after.created_at)
        query = query.where(
            or_(col(Complaint.created_at) < at, and_(col(Complaint.created_at) == at, col(Complaint.id) < after.id))
        )
    query = query.order_by(col(Complaint.created_at).desc(), col(Complaint.id).desc()).limit(limit + 1)
    rows = session.exec(query).all()
    items = [_summary(complaint, caller, recording) for complaint, caller, recording in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1][0]
        next_cursor = Cursor(created_at=as_utc(last.created_at), id=saved_id(last))
    return ComplaintPage(items=items, next_cursor=next_cursor)


def _latest_recording_ids() -> Any:
    """complaint_id → id of its newest recording (a retried call can leave more than one)."""
    return (
        select(col(Recording.complaint_id).label("complaint_id"), func.max(Recording.id).label("recording_id"))
        .where(col(Recording.complaint_id).is_not(None))
        .group_by(col(Recording.complaint_id))
        .subquery("latest_recording")
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
        created_at=as_utc(complaint.created_at),
        recording=_recording_summary(recording) if recording else None,
    )


def _recording_summary(recording: Recording) -> RecordingSummary:
    return RecordingSummary(status=recording.status, duration_seconds=recording_duration(recording))
