"""Drafting a station's episode for an ISO week: fetch the candidates, rank them, write the shortlist.

One unit of work (the caller commits): the episode row is locked (or created), every candidate's segment
is written with its rank, score and reasons, and segments whose complaint stopped being a candidate
(consent withdrawn, set aside, aired) are removed. Drafting again is idempotent and safe after a
producer's edits: once a producer has edited the episode, its chosen segments and their order stay as
they are and only scores, reasons and new candidates (unchosen) change; a segment the producer touched
keeps its host lines, trim, voice and answer. Before any edit, a re-draft recomputes the choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hotline.audit import Actor, AuditAction, record
from hotline.curation import Ranked, rank
from hotline.db import write_session
from hotline.deployment import Deployment
from hotline.episode_queries import CandidateRow, LatestAnswer, candidates
from hotline.host_lines import SegmentFacts, intro_lines, name_in, outro_lines, segment_lines
from hotline.iso_weeks import IsoWeek
from hotline.models import AnswerAirs, Episode, EpisodeSegment, EpisodeStatus
from hotline.models.common import saved_id
from hotline.review_errors import Conflict, Invalid, ReviewRefused
from hotline.stations import Station

CANDIDATE_DAYS = 90  # how far before the week a complaint may still be a candidate (an overdue provider's)


@dataclass(frozen=True)
class Drafted:
    episode_id: int
    created: bool
    candidates: int
    chosen: int


@dataclass(frozen=True)
class StationOutcome:
    line: str  # what happened, for a log or a terminal
    refused: bool = False


def station_of(deployment: Deployment, code: str) -> Station:
    station = deployment.station(code)
    if station is None:
        known = ", ".join(s.code for s in deployment.stations) or "none"
        raise Invalid(f"no station {code!r} in this deployment; stations: {known}")
    return station


def draft_episode(
    session: Session,
    *,
    deployment: Deployment,
    station_code: str,
    week: IsoWeek,
    now: datetime,
    actor: Actor,
    unless_edited: bool = False,
) -> Drafted:
    """Create or re-draft the station's episode for `week` (no commit: the caller's unit of work commits).
    With `unless_edited`, a draft a producer has edited is refused (Conflict) rather than re-ranked."""
    station = station_of(deployment, station_code)
    episode, created = _claim(session, station, week, now)
    if unless_edited and episode.edited_at is not None:
        raise Conflict(f"the {week} episode of {station.code} has a producer's edits: left as it is")
    start, end = week.bounds(deployment.timezone)
    rows = candidates(session, areas=station.areas, since=start - timedelta(days=CANDIDATE_DAYS), until=end)
    ranked = rank([r.candidate for r in rows], week_start=start, week_end=end, now=now, choose=station.segments)
    by_id = {r.candidate.complaint_id: r for r in rows}
    existing = {
        s.complaint_id: s for s in session.exec(select(EpisodeSegment).where(EpisodeSegment.episode_id == episode.id))
    }
    keep_choice = episode.edited_at is not None
    for ranked_one in ranked:
        row = by_id[ranked_one.candidate.complaint_id]
        segment = existing.pop(row.candidate.complaint_id, None) or EpisodeSegment(
            episode_id=saved_id(episode), complaint_id=row.candidate.complaint_id, created_at=now
        )
        _apply_ranking(segment, ranked_one, keep_choice=keep_choice)
        if not segment.edited:
            segment.host_lines = segment_lines(station.language, _facts(deployment, station, row, ranked_one))
            segment.response_id, segment.answer_airs = _default_answer(row.answer)
        segment.updated_at = now
        session.add(segment)
    for gone in existing.values():  # no longer a candidate: it must not air
        session.delete(gone)
    session.flush()
    chosen = _renumber_chosen(session, saved_id(episode))
    if episode.edited_at is None:
        episode.intro = intro_lines(station.language, station=station.name, count=chosen)
        episode.outro = outro_lines(station.language, station=station.name, number=deployment.announced_number(station))
    if not created:
        episode.version += 1
    episode.drafted_at = episode.updated_at = now
    session.add(episode)
    record(
        session, actor, AuditAction.EPISODE_DRAFTED, object_type="episode", object_id=f"{station.code} {week}",
        after=f"version {episode.version}: {len(ranked)} candidates, {chosen} chosen",
    )  # fmt: skip
    return Drafted(saved_id(episode), created, len(ranked), chosen)


def draft_stations(
    engine: Engine,
    *,
    deployment: Deployment,
    codes: Sequence[str],
    week: IsoWeek,
    now: datetime,
    actor: Actor,
    unless_edited: bool = False,
) -> list[StationOutcome]:
    """Draft each station's week in its own transaction (one refusal stops none of the others)."""
    outcomes = []
    for code in codes:
        with write_session(engine) as session:
            try:
                drafted = draft_episode(
                    session, deployment=deployment, station_code=code, week=week, now=now, actor=actor,
                    unless_edited=unless_edited,
                )  # fmt: skip
            except ReviewRefused as refused:
                outcomes.append(StationOutcome(f"{code} {week}: {refused.message}", refused=True))
                continue
            session.commit()
        verb = "drafted" if drafted.created else "drafted again"
        counts = f"{drafted.candidates} candidates, {drafted.chosen} chosen"
        outcomes.append(StationOutcome(f"{code} {week}: {verb} episode {drafted.episode_id}: {counts}"))
    return outcomes


def _claim(session: Session, station: Station, week: IsoWeek, now: datetime) -> tuple[Episode, bool]:
    """The week's episode, locked for this unit of work, or a new one; only a draft may be drafted again."""
    found = session.exec(
        select(Episode).where(Episode.station == station.code, Episode.week == str(week)).with_for_update()
    ).first()
    if found is not None:
        if found.status != EpisodeStatus.DRAFT:
            raise Conflict(f"the {week} episode of {station.code} is {found.status}: only a draft is drafted again")
        return found, False
    episode = Episode(
        station=station.code, week=str(week), title=f"{station.name} · {week}", created_at=now, updated_at=now,
        drafted_at=now,
    )  # fmt: skip
    session.add(episode)
    try:
        session.flush()
    except IntegrityError:  # another draft of the same week committed first
        raise Conflict(f"the {week} episode of {station.code} was being drafted at the same time: try again") from None
    return episode, True


def _apply_ranking(segment: EpisodeSegment, ranked: Ranked, *, keep_choice: bool) -> None:
    segment.rank, segment.score, segment.reasons = ranked.rank, ranked.score, ranked.reasons
    if not keep_choice:
        segment.chosen, segment.position = ranked.chosen, ranked.position


def _renumber_chosen(session: Session, episode_id: int) -> int:
    """Chosen segments get positions 1..n in their current order (a removed one leaves no gap)."""
    chosen = session.exec(
        select(EpisodeSegment)
        .where(EpisodeSegment.episode_id == episode_id, col(EpisodeSegment.chosen).is_(True))
        .order_by(col(EpisodeSegment.position), col(EpisodeSegment.rank))
    ).all()
    for position, segment in enumerate(chosen, start=1):
        if segment.position != position:
            segment.position = position
            session.add(segment)
    return len(chosen)


def _default_answer(answer: LatestAnswer | None) -> tuple[int | None, str | None]:
    """The newest response, its recorded audio if it has some, else its text read by the host."""
    if answer is None:
        return None, None
    if answer.has_audio:
        return answer.response_id, AnswerAirs.AUDIO
    return answer.response_id, AnswerAirs.TEXT if answer.text.strip() else None


def _facts(deployment: Deployment, station: Station, row: CandidateRow, ranked: Ranked) -> SegmentFacts:
    """The segment's facts named in the station's language (the area, never a finer place)."""
    language = station.language
    area = deployment.area(row.candidate.area)
    sector = deployment.sector(row.candidate.sector)
    names = row.provider_names or {}
    return SegmentFacts(
        callers=len(ranked.group) if ranked.lead else 1,
        place=name_in(area.names, language) if area is not None else "",
        sector=name_in(sector.names, language) if sector is not None else "",
        provider=name_in(names, language),
        answered=row.candidate.answered,
        waiting_days=ranked.reasons.get("waiting_days"),
    )
