"""The SQL behind radio episodes: the week's candidates, and episodes with their segments as plain views.

A candidate is a complaint whose caller agreed to broadcast AND whose current transcript staff reviewed,
in the station's areas, made in the look-back window up to the week's end, and not set aside (duplicate,
not actionable) or already aired. The consent test is in the query itself and again in every segment
view, so a complaint without consent can never reach a producer, a script or the air, even if its
consent changed after the draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from hotline.curation import Candidate
from hotline.models import ComplaintStatus, Episode, EpisodeSegment, Response, TranscriptSource
from hotline.models.common import ensure_aware

NEVER_CANDIDATES = (ComplaintStatus.DUPLICATE, ComplaintStatus.NOT_ACTIONABLE, ComplaintStatus.AIRED)
MAX_CANDIDATES = 500  # the newest kept when more qualify (a station's quarter is usually far fewer)

_CANDIDATE_COLUMNS = (
    "id", "reference", "sector", "area", "soum", "transcript_text", "created_at", "status", "routed_at",
    "response_deadline_at",
)  # fmt: skip
_TABLES = SQLModel.metadata.tables
_C, _R, _P = _TABLES["complaint"], _TABLES["response"], _TABLES["provider"]
_S, _E, _T = _TABLES["episodesegment"], _TABLES["episode"], _TABLES["transcript"]


@dataclass(frozen=True)
class LatestAnswer:
    """The newest version of the provider's response: what a segment airs unless the producer picks another."""

    response_id: int
    version: int
    text: str
    has_audio: bool


@dataclass(frozen=True)
class CandidateRow:
    candidate: Candidate
    soum: str | None
    provider_names: dict[str, str] | None
    answer: LatestAnswer | None


def candidates(
    session: Session, *, areas: Sequence[str], since: datetime, until: datetime, limit: int = MAX_CANDIDATES
) -> list[CandidateRow]:
    """Consented, reviewed complaints made in [since, until) in `areas` (none: everywhere): the newest `limit`,
    and every overdue one besides (up to `limit` more), as they are the cases age must not push off the air."""
    base = (
        select(*(_C.c[name] for name in _CANDIDATE_COLUMNS), _P.c.names)
        .outerjoin(_P, _P.c.id == _C.c.provider_id)
        .where(_C.c.broadcast_consent.is_(True), _C.c.reviewed.is_(True))
        .where(_C.c.status.not_in([str(s) for s in NEVER_CANDIDATES]))
        .where(_C.c.created_at >= since, _C.c.created_at < until)
    )
    if areas:
        base = base.where(_C.c.area.in_(list(areas)))
    newest = base.order_by(_C.c.created_at.desc(), _C.c.id.desc()).limit(limit)  # ix_complaint_inbox_area / _newest
    overdue = (
        base.where(_C.c.status == ComplaintStatus.ROUTED, _C.c.response_deadline_at < until)
        .order_by(_C.c.response_deadline_at, _C.c.id)  # served by ix_complaint_deadline
        .limit(limit)
    )
    connection = session.connection()
    rows = list({row.id: row for query in (newest, overdue) for row in connection.execute(query)}.values())
    answers = latest_answers(session, complaint_ids=[row.id for row in rows])
    return [
        CandidateRow(
            candidate=Candidate(
                complaint_id=row.id,
                reference=row.reference,
                sector=row.sector,
                area=row.area,
                text=row.transcript_text,
                created_at=_aware(row.created_at),
                answered=row.id in answers,
                status=row.status,
                routed_at=ensure_aware(row.routed_at),
                deadline_at=ensure_aware(row.response_deadline_at),
            ),
            soum=row.soum,
            provider_names=row.names,
            answer=answers.get(row.id),
        )
        for row in rows
    ]


def latest_answers(session: Session, *, complaint_ids: Sequence[int]) -> dict[int, LatestAnswer]:
    """Complaint id → its provider's newest response version (one query for them all)."""
    if not complaint_ids:
        return {}
    newest = (
        select(_R.c.complaint_id, func.max(_R.c.version).label("version"))
        .where(_R.c.complaint_id.in_(list(complaint_ids)))
        .group_by(_R.c.complaint_id)
        .subquery()
    )
    rows = session.connection().execute(
        select(_R.c.id, _R.c.complaint_id, _R.c.version, _R.c.text, _R.c.audio_key).join(
            newest, (newest.c.complaint_id == _R.c.complaint_id) & (newest.c.version == _R.c.version)
        )
    )
    return {
        row.complaint_id: LatestAnswer(row.id, row.version, row.text, has_audio=row.audio_key is not None)
        for row in rows
    }


@dataclass(frozen=True)
class SegmentRow:
    """A segment with the complaint facts a producer needs; only ever for a consented complaint."""

    segment: EpisodeSegment
    reference: str
    sector: str | None
    area: str | None
    soum: str | None
    transcript: str
    status: str
    created_at: datetime


def episode_for(session: Session, *, station: str, week: str) -> Episode | None:
    found = session.connection().execute(select(_E.c.id).where(_E.c.station == station, _E.c.week == week))
    episode_id = found.scalar_one_or_none()
    return session.get(Episode, episode_id) if episode_id is not None else None


def episodes(
    session: Session, *, station: str | None = None, week: str | None = None, limit: int = 200
) -> list[Episode]:
    """Episodes, newest week first (one station's, one week's when given)."""
    query = select(Episode)
    if station is not None:
        query = query.where(_E.c.station == station)
    if week is not None:
        query = query.where(_E.c.week == week)
    query = query.order_by(_E.c.week.desc(), _E.c.station).limit(limit)
    return list(session.execute(query).scalars())


def segments(session: Session, *, episode_id: int) -> list[SegmentRow]:
    """An episode's segments, chosen ones in show order first, then the other candidates by rank."""
    query = (
        select(
            EpisodeSegment,
            _C.c.reference,
            _C.c.sector,
            _C.c.area,
            _C.c.soum,
            _C.c.transcript_text,
            _C.c.status,
            _C.c.created_at,
        )
        .join(_C, _C.c.id == _S.c.complaint_id)
        .where(_S.c.episode_id == episode_id, _C.c.broadcast_consent.is_(True))
        .order_by(_S.c.chosen.desc(), _S.c.position, _S.c.rank, _S.c.id)
    )
    return [_segment_row(row) for row in session.execute(query).all()]


def responses_of(session: Session, *, complaint_ids: Sequence[int]) -> dict[int, list[Response]]:
    """Every response version of these complaints, oldest first: the producer may air any of them."""
    found: dict[int, list[Response]] = {}
    if complaint_ids:
        query = select(Response).where(_R.c.complaint_id.in_(list(complaint_ids))).order_by(_R.c.version)
        for response in session.execute(query).scalars():
            found.setdefault(response.complaint_id, []).append(response)
    return found


@dataclass(frozen=True)
class HeardWords:
    """The machine's timed words of a complaint (transcript version 1) and the audio's length."""

    words: list[dict[str, Any]]
    duration: float | None


def heard_words(session: Session, *, complaint_ids: Sequence[int]) -> dict[int, HeardWords]:
    """Complaint id → the machine's timed words, for clip points (none for manually transcribed calls)."""
    if not complaint_ids:
        return {}
    query = select(_T.c.complaint_id, _T.c.words, _T.c.audio_duration_seconds).where(
        _T.c.complaint_id.in_(list(complaint_ids)), _T.c.version == 1, _T.c.source == TranscriptSource.MACHINE
    )  # served by uq_transcript_complaint_version
    rows = session.connection().execute(query)
    return {row.complaint_id: HeardWords(list(row.words or []), row.audio_duration_seconds) for row in rows}


def _segment_row(row: Any) -> SegmentRow:
    segment, reference, sector, area, soum, transcript, status, created_at = row
    return SegmentRow(segment, reference, sector, area, soum, transcript, status, _aware(created_at))


def _aware(value: datetime) -> datetime:
    aware = ensure_aware(value)
    assert aware is not None
    return aware
