"""The filtered inbox as rows for a CSV export: every complaint the inbox would list, one page at a time.

Each page is chosen by the inbox's own selection (hotline.inbox_queries: its conditions and its newest-rows
query, search strategy included) behind the same keyset as list_complaints, so the export holds exactly what
the inbox shows for the same filters (search included) and a producer's export only consented complaints;
this module then reads the few extra columns an export carries for that page. It skips what only the inbox
page shows (masked callers, recordings, summaries): at 100,000 complaints that was half the export's time
(benchmarks/dashboard.py). Never the caller's number, masked or not, and never where the audio is: the rows
have no field for either.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as select_columns
from sqlalchemy import tuple_
from sqlmodel import Session, col

from hotline.complaint_queries import as_utc
from hotline.inbox_queries import InboxFilter, inbox_conditions, newest_rows
from hotline.models import Complaint
from hotline.models.common import ensure_aware

PAGE = 500  # rows per database round; the export streams page by page


@dataclass(frozen=True)
class ExportRow:
    reference: str
    created_at: datetime
    status: str
    language: str
    sector: str | None
    area: str | None
    soum: str | None
    broadcast_consent: bool
    reviewed: bool
    provider_id: int | None
    response_deadline_at: datetime | None
    answered_at: datetime | None
    transcript: str  # the current version's text


def export_pages(
    session: Session, *, filters: InboxFilter, consented_only: bool, page_size: int = PAGE
) -> Iterator[list[ExportRow]]:
    """The inbox's complaints for `filters`, newest first, a page at a time until the last."""
    after: tuple[datetime, int] | None = None
    while True:
        conditions = inbox_conditions(filters, consented_only=consented_only, with_status=True)
        if after is not None:  # list_complaints' keyset: a row-value comparison
            conditions.append(tuple_(col(Complaint.created_at), col(Complaint.id)) < tuple_(*after))
        found = newest_rows(session, conditions, terms=filters.terms, limit=page_size + 1)
        page = found[:page_size]
        if page:
            yield _rows([row.id for row in page], session)
        if len(found) <= page_size:
            return
        after = (as_utc(page[-1].created_at), page[-1].id)


_EXPORT_COLUMNS = (
    col(Complaint.id),
    col(Complaint.reference),
    col(Complaint.created_at),
    col(Complaint.status),
    col(Complaint.language),
    col(Complaint.sector),
    col(Complaint.area),
    col(Complaint.soum),
    col(Complaint.broadcast_consent),
    col(Complaint.reviewed),
    col(Complaint.provider_id),
    col(Complaint.response_deadline_at),
    col(Complaint.answered_at),
    col(Complaint.transcript_text),
)


def _rows(ids: list[int], session: Session) -> list[ExportRow]:
    """The export's columns of these complaints, in the order given."""
    query = select_columns(*_EXPORT_COLUMNS).where(col(Complaint.id).in_(ids))
    found = {row.id: row for row in session.connection().execute(query)}
    return [
        ExportRow(
            reference=row.reference,
            created_at=as_utc(row.created_at),
            status=row.status,
            language=row.language,
            sector=row.sector,
            area=row.area,
            soum=row.soum,
            broadcast_consent=row.broadcast_consent,
            reviewed=row.reviewed,
            provider_id=row.provider_id,
            response_deadline_at=ensure_aware(row.response_deadline_at),
            answered_at=ensure_aware(row.answered_at),
            transcript=row.transcript_text or "",
        )
        for complaint_id in ids
        if (row := found.get(complaint_id)) is not None  # deleted since the page was read
    ]
