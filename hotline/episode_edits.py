"""A producer's edits to a draft episode: the chosen segments and their order, trims, voices, lines, answers.

Edits name the episode version they were made on; the version is bumped by a conditional UPDATE, so of two
producers editing the same draft the second is refused (Conflict → 409) instead of silently overwriting
the first. Everything is checked before anything is applied: a trim must lie inside the words of the
complaint's current transcript, the voice must be one of the treatments, the answer must be one of the
complaint's own responses and have what is to air (audio or text); a moved air date must lie within the
episode's ISO week or a week either side (hotline.air_dates). Nothing is written on a refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from hotline.air_dates import check_air_date
from hotline.audit import Actor, AuditAction, record
from hotline.models import AnswerAirs, Complaint, Episode, EpisodeSegment, EpisodeStatus, Response, VoiceTreatment
from hotline.review_errors import Conflict, Invalid

MAX_CHOSEN = 30
MAX_LINES = 5000  # characters of host lines, intro or outro: minutes of speech
MAX_TITLE = 300


@dataclass(frozen=True)
class Trim:
    """First and last word (0-based, inclusive) of the current transcript; None = from the start / to the end."""

    first: int | None = None
    last: int | None = None


@dataclass(frozen=True)
class AnswerChoice:
    response_id: int | None  # None: no answer airs
    airs: str | None = None  # audio or text


@dataclass(frozen=True)
class AirDateChange:
    day: date | None  # None: back to the station's weekday


@dataclass(frozen=True)
class SegmentEdit:
    segment_id: int
    trim: Trim | None = None  # None: unchanged; Trim() = the whole clip
    voice: str | None = None
    host_lines: str | None = None
    answer: AnswerChoice | None = None


@dataclass(frozen=True)
class EpisodeEdit:
    version: int  # the version the producer read
    title: str | None = None
    intro: str | None = None
    outro: str | None = None
    air_date: AirDateChange | None = None  # None: unchanged
    chosen: Sequence[int] | None = None  # segment ids in show order; the others are unchosen
    segments: Sequence[SegmentEdit] = field(default_factory=tuple)


def edit_episode(session: Session, *, episode: Episode, edit: EpisodeEdit, now: datetime, actor: Actor) -> Episode:
    """Check and apply a producer's edit (no commit); refuses a stale version, a non-draft or a bad field."""
    if episode.status != EpisodeStatus.DRAFT:
        raise Conflict(f"the episode is {episode.status}: only a draft can be edited")
    _check_lengths(edit)
    if edit.air_date is not None and edit.air_date.day is not None:
        check_air_date(edit.air_date.day, episode.week)
    segments = {
        s.id: s for s in session.exec(select(EpisodeSegment).where(EpisodeSegment.episode_id == episode.id)).all()
    }
    airable = _consented(session, segments)
    chosen = _checked_choice(edit.chosen, airable)
    for change in edit.segments:
        if change.segment_id not in airable:
            raise Invalid(f"segment {change.segment_id} is not a segment of this episode")
        _check_segment(session, segments[change.segment_id], change)
    claimed = session.exec(
        update(Episode)
        .where(col(Episode.id) == episode.id, col(Episode.version) == edit.version)
        .values(version=edit.version + 1, edited_at=now, updated_at=now)
    ).rowcount
    if not claimed:
        session.refresh(episode)
        raise Conflict(f"the episode changed since version {edit.version} (now {episode.version}): reload and redo")
    session.refresh(episode)
    for name in ("title", "intro", "outro"):
        if (value := getattr(edit, name)) is not None:
            setattr(episode, name, value.strip())
    if edit.air_date is not None:
        episode.air_date = edit.air_date.day
    if chosen is not None:
        for segment_id, segment in segments.items():
            position = chosen.index(segment_id) + 1 if segment_id in chosen else None
            if (segment.chosen, segment.position) != (position is not None, position):
                segment.chosen, segment.position, segment.edited = position is not None, position, True
    for change in edit.segments:
        _apply_segment(segments[change.segment_id], change)
    for segment in segments.values():
        if segment.edited:
            segment.updated_at = now
            session.add(segment)
    session.add(episode)
    summary = f"version {episode.version}: {len(edit.segments)} segments changed"
    if chosen is not None:
        summary += f", {len(chosen)} chosen"
    if edit.air_date is not None:
        moved = edit.air_date.day.isoformat() if edit.air_date.day is not None else "the station's weekday"
        summary += f", air date {moved}"
    where = f"{episode.station} {episode.week}"
    record(session, actor, AuditAction.EPISODE_EDITED, object_type="episode", object_id=where, after=summary)
    return episode


def _consented(session: Session, segments: dict[int | None, EpisodeSegment]) -> dict[int | None, EpisodeSegment]:
    """The segments whose caller (still) agrees to broadcast: no other can be chosen or edited, whatever its id."""
    complaint_ids = {s.complaint_id for s in segments.values()}
    consenting = set(
        session.exec(
            select(Complaint.id).where(col(Complaint.id).in_(complaint_ids), col(Complaint.broadcast_consent).is_(True))
        )
    )
    return {sid: s for sid, s in segments.items() if s.complaint_id in consenting}


def _check_lengths(edit: EpisodeEdit) -> None:
    if edit.title is not None and not 0 < len(edit.title.strip()) <= MAX_TITLE:
        raise Invalid(f"a title has 1 to {MAX_TITLE} characters")
    texts = [("intro", edit.intro), ("outro", edit.outro)] + [("host_lines", s.host_lines) for s in edit.segments]
    for name, text in texts:
        if text is not None and len(text) > MAX_LINES:
            raise Invalid(f"{name} is at most {MAX_LINES} characters")


def _checked_choice(chosen: Sequence[int] | None, segments: dict[int | None, EpisodeSegment]) -> list[int] | None:
    if chosen is None:
        return None
    if len(set(chosen)) != len(chosen):
        raise Invalid("chosen lists a segment twice")
    if len(chosen) > MAX_CHOSEN:
        raise Invalid(f"an episode airs at most {MAX_CHOSEN} segments")
    if unknown := [s for s in chosen if s not in segments]:
        raise Invalid(f"chosen names segments that are not in this episode: {unknown}")
    return list(chosen)


def _check_segment(session: Session, segment: EpisodeSegment, change: SegmentEdit) -> None:
    if change.voice is not None and change.voice not in set(VoiceTreatment):
        raise Invalid(f"voice must be one of {', '.join(VoiceTreatment)}, got {change.voice!r}")
    if change.trim is not None:
        complaint = session.get(Complaint, segment.complaint_id)
        _check_trim(change.trim, len(complaint.transcript_text.split()) if complaint else 0, segment.id)
    if change.answer is not None:
        _check_answer(session, segment, change.answer)


def _check_trim(trim: Trim, words: int, segment_id: int | None) -> None:
    """Both ends inside the transcript's words (0 .. words-1), the first not after the last."""
    for name, index in (("first", trim.first), ("last", trim.last)):
        if index is not None and not 0 <= index < words:
            raise Invalid(f"segment {segment_id}: trim {name} word {index} is outside the transcript's {words} words")
    if trim.first is not None and trim.last is not None and trim.first > trim.last:
        raise Invalid(f"segment {segment_id}: the trim's first word ({trim.first}) is after its last ({trim.last})")


def _check_answer(session: Session, segment: EpisodeSegment, answer: AnswerChoice) -> None:
    if answer.response_id is None:
        if answer.airs is not None:
            raise Invalid(f"segment {segment.id}: choose a response for its {answer.airs} to air")
        return
    response = session.get(Response, answer.response_id)
    if response is None or response.complaint_id != segment.complaint_id:
        raise Invalid(f"segment {segment.id}: response {answer.response_id} is not an answer to its complaint")
    if answer.airs not in set(AnswerAirs):
        raise Invalid(f"segment {segment.id}: answer_airs must be one of {', '.join(AnswerAirs)}")
    if answer.airs == AnswerAirs.AUDIO and response.audio_key is None:
        raise Invalid(f"segment {segment.id}: response {response.id} has no recorded audio; air its text")
    if answer.airs == AnswerAirs.TEXT and not response.text.strip():
        raise Invalid(f"segment {segment.id}: response {response.id} has no text; air its audio")


def _apply_segment(segment: EpisodeSegment, change: SegmentEdit) -> None:
    if change.trim is not None:
        segment.trim_first_word, segment.trim_last_word = change.trim.first, change.trim.last
    if change.voice is not None:
        segment.voice = change.voice
    if change.host_lines is not None:
        segment.host_lines = change.host_lines.strip()
    if change.answer is not None:
        segment.response_id, segment.answer_airs = change.answer.response_id, change.answer.airs
    segment.edited = True
