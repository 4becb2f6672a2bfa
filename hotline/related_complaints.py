"""The "same caller" and "similar complaints" panels: other complaints worth reading next to this one.

Same caller means the same keyed hash of the number (hotline.privacy), so the panel works without anyone
seeing the number. Similar means the same sector and area in the last 30 days, the neighbourhood a reviewer
checks for duplicates and patterns. Producers' consent rule applies here as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from hotline.models import Call, Complaint, utcnow
from hotline.models.common import ensure_aware

SIMILAR_WINDOW = timedelta(days=30)
EXCERPT_CHARS = 160


@dataclass(frozen=True)
class RelatedComplaint:
    reference: str
    status: str
    sector: str | None
    area: str | None
    created_at: datetime
    excerpt: str


def same_caller(
    session: Session, *, complaint: Complaint, limit: int = 10, consented_only: bool = False
) -> list[RelatedComplaint]:
    """The caller's other complaints, newest first (none when the number was withheld: no hash to match)."""
    caller_hash = session.exec(select(Call.caller_hash).where(Call.id == complaint.call_id)).first()
    if not caller_hash:
        return []
    query = (
        select(Complaint)
        .join(Call, col(Call.id) == col(Complaint.call_id))
        .where(Call.caller_hash == caller_hash, col(Complaint.id) != complaint.id)
    )
    return _page(session, query.where(*_visible(consented_only)), limit)


def similar(
    session: Session, *, complaint: Complaint, limit: int = 10, consented_only: bool = False
) -> list[RelatedComplaint]:
    """Complaints about the same sector in the same area from the last 30 days, newest first."""
    if complaint.sector is None or complaint.area is None:
        return []
    query = select(Complaint).where(
        Complaint.sector == complaint.sector,
        Complaint.area == complaint.area,
        col(Complaint.created_at) >= utcnow() - SIMILAR_WINDOW,
        col(Complaint.id) != complaint.id,
    )
    return _page(session, query.where(*_visible(consented_only)), limit)


def _visible(consented_only: bool) -> list[ColumnElement[bool]]:
    return [col(Complaint.broadcast_consent).is_(True)] if consented_only else []


def _page(session: Session, query: SelectOfScalar[Complaint], limit: int) -> list[RelatedComplaint]:
    rows = session.exec(query.order_by(col(Complaint.created_at).desc(), col(Complaint.id).desc()).limit(limit))
    return [
        RelatedComplaint(
            reference=row.reference,
            status=row.status,
            sector=row.sector,
            area=row.area,
            created_at=ensure_aware(row.created_at),  # type: ignore[arg-type]
            excerpt=row.transcript_text[:EXCERPT_CHARS],
        )
        for row in rows
    ]
