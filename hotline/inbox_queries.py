"""The inbox: complaints newest first, filtered and searched, one keyset page at a time; plain dataclasses out.

Nothing here reads the caller's number: only the masked form leaves the database. `consented_only`
(for producers) filters in SQL, so a complaint its caller kept off the air is never even loaded.
Lists are paged by keyset (created_at, id) rather than offset, so complaints arriving while
someone pages through the newest-first list neither repeat nor go missing.

Every filter reads the complaint row alone (it carries a copy of its current transcript, see
hotline.current_transcript), so a page is one indexed walk of `complaint`; the masked caller and the
newest recording are then fetched for that page's rows only, never joined across the whole table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, Subquery, func, tuple_
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from hotline.complaint_queries import as_utc, recording_duration
from hotline.models import Call, Complaint, ComplaintStatus, Recording
from hotline.search import matches, search_terms

# "Low machine confidence": the recogniser's mean word confidence below this. Vosk's small models score
# clean speech around 0.8-0.95; below 0.6 most words of a transcript are guesses worth a human ear.
LOW_CONFIDENCE = 0.6
SNIPPET_CHARS = 160  # enough of the transcript to recognise a complaint in a list row
# A search first looks among this many newest complaints (meeting the other filters); see newest_rows.
SEARCH_WINDOW = 1000


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
    soum: str | None
    broadcast_consent: bool
    caller: str  # masked, e.g. +976••••••33
    created_at: datetime
    reviewed: bool  # the current transcript version is by staff
    machine_confidence: float | None
    transcript_version: int  # 0: no transcript yet
    snippet: str  # the start of the current transcript, cut at a word, "…" when there is more
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
class InboxFilter:
    """What staff narrowed the inbox to; an empty tuple or None means "any". Times are aware (any zone)."""

    statuses: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    soum: str | None = None
    languages: tuple[str, ...] = ()
    created_from: datetime | None = None  # inclusive
    created_before: datetime | None = None  # exclusive
    broadcast_consent: bool | None = None
    reviewed: bool | None = None
    low_confidence: bool = False  # machine_confidence below LOW_CONFIDENCE (no machine transcript: excluded)
    search: str = ""  # words each current transcript must have a word starting with (hotline.search)
    terms: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(search_terms(self.search)))


def list_complaints(
    session: Session,
    *,
    filters: InboxFilter = InboxFilter(),
    limit: int = 50,
    after: Cursor | None = None,
    consented_only: bool = False,
) -> ComplaintPage:
    """Complaints newest first matching `filters`, one page after the cursor."""
    conditions = inbox_conditions(filters, consented_only=consented_only, with_status=True)
    if after is not None:
        at = as_utc(after.created_at)
        # A row-value comparison, not the equivalent OR: both databases then start the index walk at the cursor.
        conditions.append(tuple_(col(Complaint.created_at), col(Complaint.id)) < tuple_(at, after.id))
    rows = newest_rows(session, conditions, terms=filters.terms, limit=limit + 1)
    page = rows[:limit]
    callers = _masked_callers(session, [row.call_id for row in page])
    recordings = _newest_recordings(session, [row.id for row in page])
    items = [_summary(row, callers[row.call_id], recordings.get(row.id)) for row in page]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        next_cursor = Cursor(created_at=as_utc(last.created_at), id=last.id)
    return ComplaintPage(items=items, next_cursor=next_cursor)


def status_counts(
    session: Session, *, filters: InboxFilter = InboxFilter(), consented_only: bool = False
) -> dict[str, int]:
    """How many complaints each status tab would list with the other filters kept (every status, zeros too)."""
    conditions = inbox_conditions(filters, consented_only=consented_only, with_status=False)
    if filters.terms:
        conditions.append(matches(session.get_bind().dialect.name, list(filters.terms)))
    query = select(col(Complaint.status), func.count()).where(*conditions).group_by(col(Complaint.status))
    found = dict(session.exec(query).all())
    return {status.value: found.get(status.value, 0) for status in ComplaintStatus}


_SUMMARY_COLUMNS = (
    col(Complaint.id),
    col(Complaint.call_id),
    col(Complaint.reference),
    col(Complaint.status),
    col(Complaint.status_reason),
    col(Complaint.language),
    col(Complaint.sector),
    col(Complaint.area),
    col(Complaint.soum),
    col(Complaint.broadcast_consent),
    col(Complaint.created_at),
    col(Complaint.reviewed),
    col(Complaint.machine_confidence),
    col(Complaint.transcript_version),
)


def newest_rows(
    session: Session, conditions: list[ColumnElement[bool]], *, terms: tuple[str, ...], limit: int
) -> Sequence[Row[Any]]:
    """The newest `limit` complaints meeting `conditions` and the search `terms`, with the summary's columns.

    Without a search, the planner walks a (status|sector|area|newest) index backwards and stops at `limit`.
    A search is different: walking newest first is quick for a common word and slow for a rare one (every
    complaint is tested until `limit` match); fetching every hit from the full-text index first is the
    reverse (40,000 hits of "байна" to sort). Neither SQLite nor PostgreSQL estimates a prefix search's
    hits well, so test the newest SEARCH_WINDOW complaints first (behind a LIMIT the planner cannot see
    through), and only when they hold too few hits fetch every hit from the index (a materialised CTE, so
    PostgreSQL cannot turn it back into a walk)."""
    columns = (*_SUMMARY_COLUMNS, func.substr(col(Complaint.transcript_text), 1, SNIPPET_CHARS + 1))
    newest = (col(Complaint.created_at).desc(), col(Complaint.id).desc())
    connection = session.connection()
    if not terms:
        return connection.execute(select_columns(*columns).where(*conditions).order_by(*newest).limit(limit)).all()
    dialect = session.get_bind().dialect.name
    recent = (
        select_columns(col(Complaint.id), col(Complaint.created_at), col(Complaint.search_text))
        .where(*conditions)
        .order_by(*newest)
        .limit(SEARCH_WINDOW)
        .subquery("recent")
    )
    recent_hits = (
        select_columns(recent.c.id)
        .where(matches(dialect, list(terms), row_id=recent.c.id, folded=recent.c.search_text))
        .order_by(recent.c.created_at.desc(), recent.c.id.desc())
        .limit(limit)
        .subquery("recent_hits")
    )
    rows = connection.execute(_with_columns(recent_hits, columns, newest)).all()
    if len(rows) == limit:
        return rows
    hits = (
        select_columns(col(Complaint.id), col(Complaint.created_at))
        .where(*conditions, matches(dialect, list(terms)))
        .cte("hits")
        .prefix_with("MATERIALIZED")
    )
    newest_hits = (
        select_columns(hits.c.id).order_by(hits.c.created_at.desc(), hits.c.id.desc()).limit(limit).subquery("newest")
    )
    return connection.execute(_with_columns(newest_hits, columns, newest)).all()


def _with_columns(ids: Subquery, columns: tuple[Any, ...], newest: tuple[Any, ...]) -> Select[Any]:
    """The summary's columns of the complaints whose ids `ids` holds (a page's worth), newest first."""
    return select_columns(*columns).join(ids, ids.c.id == col(Complaint.id)).order_by(*newest)


def inbox_conditions(filters: InboxFilter, *, consented_only: bool, with_status: bool) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if consented_only:
        conditions.append(col(Complaint.broadcast_consent).is_(True))
    if with_status and filters.statuses:
        conditions.append(col(Complaint.status).in_(filters.statuses))
    if filters.sectors:
        conditions.append(col(Complaint.sector).in_(filters.sectors))
    if filters.areas:
        conditions.append(col(Complaint.area).in_(filters.areas))
    if filters.soum is not None:
        conditions.append(col(Complaint.soum) == filters.soum)
    if filters.languages:
        conditions.append(col(Complaint.language).in_(filters.languages))
    if filters.created_from is not None:
        conditions.append(col(Complaint.created_at) >= as_utc(filters.created_from))
    if filters.created_before is not None:
        conditions.append(col(Complaint.created_at) < as_utc(filters.created_before))
    if filters.broadcast_consent is not None:
        conditions.append(col(Complaint.broadcast_consent).is_(filters.broadcast_consent))
    if filters.reviewed is not None:
        conditions.append(col(Complaint.reviewed).is_(filters.reviewed))
    if filters.low_confidence:
        conditions.append(col(Complaint.machine_confidence) < LOW_CONFIDENCE)
    return conditions


def _masked_callers(session: Session, call_ids: list[int]) -> dict[int, str]:
    """call id → the caller's masked number (only that column is read)."""
    if not call_ids:
        return {}
    query = select_columns(col(Call.id), col(Call.caller_masked)).where(col(Call.id).in_(call_ids))
    return {call_id: masked for call_id, masked in session.connection().execute(query).all() if call_id is not None}


def _newest_recordings(session: Session, complaint_ids: list[int]) -> dict[int, RecordingSummary]:
    """complaint id → its newest recording (a retried call can leave more than one)."""
    if not complaint_ids:
        return {}
    query = select(Recording).where(col(Recording.complaint_id).in_(complaint_ids)).order_by(col(Recording.id))
    newest: dict[int, RecordingSummary] = {}
    for recording in session.exec(query).all():
        assert recording.complaint_id is not None
        newest[recording.complaint_id] = RecordingSummary(
            status=recording.status, duration_seconds=recording_duration(recording)
        )
    return newest


def _summary(row: Any, caller: str, recording: RecordingSummary | None) -> ComplaintSummary:
    return ComplaintSummary(
        reference=row.reference,
        status=row.status,
        status_reason=row.status_reason,
        language=row.language,
        sector=row.sector,
        area=row.area,
        soum=row.soum,
        broadcast_consent=row.broadcast_consent,
        caller=caller,
        created_at=as_utc(row.created_at),
        reviewed=row.reviewed,
        machine_confidence=row.machine_confidence,
        transcript_version=row.transcript_version,
        snippet=snippet(row[-1] or ""),
        recording=recording,
    )


def snippet(text: str) -> str:
    """At most SNIPPET_CHARS of `text`, cut at a word boundary, with "…" when something was left off."""
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS]
    head, space, _ = cut.rpartition(" ")
    return (head if space and head else cut).rstrip() + "…"
