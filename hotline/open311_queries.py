"""The public side of complaints, as Open311 GeoReport v2 publishes it: what may be shown, and nothing else.

A complaint is public only when its caller agreed to broadcast AND staff have reviewed its transcript (the
newest version is by staff): the machine's raw words, or a caller who said no, never leave the building.
What is shown is coarse on purpose: the reviewed text, the sector, the provider, the area or soum (never a
finer place), dates, and the provider's newest written answer. No number, hash, audio or staff note.

Open311 knows two statuses. Closed are the complaints nothing more will happen to: `closed`, `not_actionable`
and `duplicate` (the original carries the case on). Everything else, aired included, is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Table, and_, select
from sqlalchemy.engine import Connection

from hotline.models import Complaint, ComplaintStatus, Provider, Response
from hotline.models.common import ensure_aware

CLOSED_STATUSES = frozenset({ComplaintStatus.CLOSED, ComplaintStatus.NOT_ACTIONABLE, ComplaintStatus.DUPLICATE})
OPEN, CLOSED = "open", "closed"
MAX_PAGE_SIZE = 200

_C: Table = Complaint.__table__  # type: ignore[attr-defined]
_P: Table = Provider.__table__  # type: ignore[attr-defined]
_R: Table = Response.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PublicRequest:
    """One complaint as the public may see it (codes, not names: the edge names them in the asked language)."""

    reference: str
    status: str  # open | closed
    sector: str | None
    description: str
    provider_names: dict[str, str] | None
    area: str | None
    soum: str | None
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime | None
    status_notes: str


@dataclass(frozen=True)
class RequestFilter:
    """The GeoReport v2 filters; `page` counts from 1."""

    references: Sequence[str] = ()
    sectors: Sequence[str] = ()
    statuses: Sequence[str] = ()  # open, closed
    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = 50


def _public() -> Select[Any]:
    return (
        select(
            _C.c.id,
            _C.c.reference,
            _C.c.status,
            _C.c.sector,
            _C.c.transcript_text,
            _C.c.area,
            _C.c.soum,
            _C.c.created_at,
            _C.c.updated_at,
            _C.c.response_deadline_at,
            _P.c.names,
        )
        .outerjoin(_P, _P.c.id == _C.c.provider_id)
        .where(_C.c.broadcast_consent.is_(True), _C.c.reviewed.is_(True))
    )


def public_requests(connection: Connection, *, where: RequestFilter) -> list[PublicRequest]:
    """A page of public complaints, newest first, filtered as GeoReport v2 asks."""
    query = _public()
    if where.references:
        query = query.where(_C.c.reference.in_(list(where.references)))
    if where.sectors:
        query = query.where(_C.c.sector.in_(list(where.sectors)))
    if set(where.statuses) == {OPEN}:
        query = query.where(_C.c.status.not_in(sorted(CLOSED_STATUSES)))
    elif set(where.statuses) == {CLOSED}:
        query = query.where(_C.c.status.in_(sorted(CLOSED_STATUSES)))
    if where.start is not None:
        query = query.where(_C.c.created_at >= where.start)
    if where.end is not None:
        query = query.where(_C.c.created_at <= where.end)
    size = max(1, min(where.page_size, MAX_PAGE_SIZE))
    query = query.order_by(_C.c.created_at.desc(), _C.c.id.desc()).limit(size).offset((max(1, where.page) - 1) * size)
    return _with_notes(connection, connection.execute(query).all())


def public_request(connection: Connection, *, reference: str) -> PublicRequest | None:
    """One public complaint, or None: an unknown reference and a private complaint look the same."""
    rows = connection.execute(_public().where(_C.c.reference == reference)).all()
    found = _with_notes(connection, rows)
    return found[0] if found else None


def _with_notes(connection: Connection, rows: Sequence[Any]) -> list[PublicRequest]:
    """Attach each complaint's newest written answer (one query for the whole page)."""
    notes: dict[int, str] = {}
    if rows:
        answers = connection.execute(
            select(_R.c.complaint_id, _R.c.text)
            .where(and_(_R.c.complaint_id.in_([row.id for row in rows]), _R.c.text != ""))
            .order_by(_R.c.complaint_id, _R.c.version)
        )
        notes = {complaint_id: text.strip() for complaint_id, text in answers}  # the newest version wins
    return [_public_request(row, notes.get(row.id, "")) for row in rows]


def _public_request(row: Any, notes: str) -> PublicRequest:
    return PublicRequest(
        reference=row.reference,
        status=CLOSED if row.status in CLOSED_STATUSES else OPEN,
        sector=row.sector,
        description=row.transcript_text,
        provider_names=row.names,
        area=row.area,
        soum=row.soum,
        requested_at=ensure_aware(row.created_at) or row.created_at,
        updated_at=ensure_aware(row.updated_at) or row.updated_at,
        expected_at=ensure_aware(row.response_deadline_at),
        status_notes=notes,
    )
