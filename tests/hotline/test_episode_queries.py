"""Candidates and drafting on the real database: only consented, staff-reviewed complaints of the station's
areas; near-duplicates grouped and counted in the host line; an overdue provider named; drafting again is
idempotent and keeps the producer's edits; a stale edit is refused with nothing written."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from hotline.audit import SYSTEM
from hotline.deployment import DEFAULT_DEPLOYMENT, Deployment, load_deployment
from hotline.episode_edits import AnswerChoice, EpisodeEdit, SegmentEdit, Trim, edit_episode
from hotline.episode_queries import candidates, episode_for, segments
from hotline.episodes import Drafted, draft_episode
from hotline.iso_weeks import parse_week
from hotline.models import Complaint, Episode, EpisodeSegment
from hotline.review_errors import Conflict, Invalid
from hotline.settings import Settings
from tests.answer_factories import make_response
from tests.answers import make_provider
from tests.conftest import reread
from tests.episode_factories import CLINIC, NOW, SCHOOL, WEEK, WEEK_END, WEEK_START, reviewed

MONGOLIA: Deployment = load_deployment(DEFAULT_DEPLOYMENT)
KHOVD = "khovd"


def _draft(session: Session, now: datetime = NOW) -> Drafted:
    drafted = draft_episode(session, deployment=MONGOLIA, station_code=KHOVD, week=WEEK, now=now, actor=SYSTEM)
    session.commit()
    return drafted


def _segments(session: Session, episode_id: int) -> dict[str, EpisodeSegment]:
    reread(session)
    return {row.reference: row.segment for row in segments(session, episode_id=episode_id)}


def test_only_consented_staff_reviewed_complaints_of_the_areas_and_window_are_candidates(session: Session) -> None:
    good = reviewed(session)
    answered_old = reviewed(session, day=-60, status="answered")
    not_consented = reviewed(session, consent=False)
    machine_only = reviewed(session, staff_reviewed=False)
    elsewhere = reviewed(session, area="11")
    aside = [reviewed(session, status=s) for s in ("duplicate", "not_actionable", "aired")]
    next_week = reviewed(session, day=8)
    found = candidates(session, areas=["84"], since=WEEK_START - timedelta(days=90), until=WEEK_END)
    ids = {row.candidate.complaint_id for row in found}
    assert ids == {good.id, answered_old.id}
    for excluded in (not_consented, machine_only, elsewhere, *aside, next_week):
        assert excluded.id not in ids
    everywhere = candidates(session, areas=[], since=WEEK_START - timedelta(days=90), until=WEEK_END)
    assert {row.candidate.complaint_id for row in everywhere} == {good.id, answered_old.id, elsewhere.id}


def test_when_too_many_qualify_the_newest_are_kept_and_every_overdue_one_too(session: Session) -> None:
    newest = [reviewed(session, day=d) for d in (4, 5, 6)]
    overdue = reviewed(
        session,
        day=-50,
        status="routed",
        routed_at=NOW - timedelta(days=45),
        response_deadline_at=NOW - timedelta(days=15),
    )
    found = candidates(session, areas=["84"], since=WEEK_START - timedelta(days=90), until=WEEK_END, limit=2)
    assert {row.candidate.complaint_id for row in found} == {newest[2].id, newest[1].id, overdue.id}


def test_a_draft_chooses_the_top_cases_groups_callers_and_names_the_overdue_provider(session: Session) -> None:
    hospital = make_provider(session, "Ховд аймгийн эмнэлэг")
    group = [reviewed(session, CLINIC + tail, day=d) for d, tail in ((1, ""), (2, " байна"), (3, " ээ"))]
    overdue = reviewed(
        session, SCHOOL, sector="education", day=-40, status="routed", provider_id=hospital.id,
        routed_at=NOW - timedelta(days=45), response_deadline_at=NOW - timedelta(days=15),
    )  # fmt: skip
    not_consented = reviewed(session, CLINIC, consent=False)
    drafted = _draft(session)
    assert drafted.created and drafted.candidates == 4 and drafted.chosen == 2
    by_reference = _segments(session, drafted.episode_id)
    assert not_consented.reference not in by_reference
    chosen = sorted((s for s in by_reference.values() if s.chosen), key=lambda s: s.position or 0)
    assert [s.position for s in chosen] == [1, 2]
    lead = next(s for s in chosen if s.complaint_id in {c.id for c in group})
    assert lead.reasons is not None and lead.reasons["recurrence"] == 3
    assert sorted(lead.reasons["group"]) == sorted(c.reference for c in group)
    assert lead.host_lines.startswith("Ховд: 3 иргэн «Эрүүл мэнд» салбарын талаар")
    late = by_reference[overdue.reference]
    assert late.chosen and late.reasons is not None and late.reasons["overdue_days"] == 15
    assert "Ховд аймгийн эмнэлэг 45 хоногийн турш хариу өгөөгүй байна." in late.host_lines
    episode = session.get(Episode, drafted.episode_id)
    assert episode is not None and episode.week == "2026-W48" and episode.status == "draft" and episode.version == 1
    assert "+976 7000 0000" in episode.outro and "2" in episode.intro


def test_the_newest_answer_airs_by_default_its_audio_if_recorded(session: Session, settings: Settings) -> None:
    complaint = reviewed(session, status="answered")
    first = make_response(session, complaint, settings=settings, version=1, text="Эм ирсэн.")
    second = make_response(session, complaint, settings=settings, version=2, audio_key="responses/x/v2.wav")
    drafted = _draft(session)
    segment = _segments(session, drafted.episode_id)[complaint.reference]
    assert (segment.response_id, segment.answer_airs) == (second.id, "audio")
    assert segment.reasons is not None and segment.reasons["answered"] is True
    assert first.id != second.id


def test_drafting_again_is_idempotent_and_keeps_the_producers_edits(session: Session) -> None:
    complaints = [reviewed(session, text, sector=sector, day=day) for text, sector, day in (
        (CLINIC, "health", 1), (SCHOOL, "education", 2), ("Тэтгэвэр ирэхгүй байна", "welfare", 3),
    )]  # fmt: skip
    first = _draft(session)
    before = {ref: (s.rank, s.chosen, s.position, s.score) for ref, s in _segments(session, first.episode_id).items()}
    again = _draft(session)
    assert (again.episode_id, again.created) == (first.episode_id, False)
    after = {ref: (s.rank, s.chosen, s.position, s.score) for ref, s in _segments(session, again.episode_id).items()}
    assert after == before
    assert len(session.exec(select(EpisodeSegment)).all()) == 3

    episode = session.get(Episode, first.episode_id)
    assert episode is not None and episode.version == 2
    by_ref = _segments(session, first.episode_id)
    school, clinic = by_ref[complaints[1].reference], by_ref[complaints[0].reference]
    edit = EpisodeEdit(
        version=2, intro="Сайн байна уу!", chosen=[school.id, clinic.id],
        segments=[SegmentEdit(segment_id=school.id, trim=Trim(1, 3), voice="revoiced", host_lines="Миний мөр")],
    )  # fmt: skip
    edit_episode(session, episode=episode, edit=edit, now=NOW, actor=SYSTEM)
    session.commit()
    newcomer = reviewed(session, "Зам эвдэрсэн, гүүр нурсан", sector="infrastructure", day=4)
    _draft(session, now=NOW + timedelta(hours=1))
    by_ref = _segments(session, first.episode_id)
    school = by_ref[complaints[1].reference]
    assert [r for r, s in sorted(by_ref.items(), key=lambda kv: kv[1].position or 99) if s.chosen] == [
        complaints[1].reference, complaints[0].reference,
    ]  # fmt: skip
    assert (school.trim_first_word, school.trim_last_word, school.voice, school.host_lines) == (
        1,
        3,
        "revoiced",
        "Миний мөр",
    )
    assert not by_ref[newcomer.reference].chosen  # a new candidate waits for the producer
    reread(session)
    assert session.get(Episode, first.episode_id).intro == "Сайн байна уу!"


def test_a_complaint_that_stops_being_a_candidate_leaves_the_draft(session: Session) -> None:
    complaint = reviewed(session)
    drafted = _draft(session)
    segment = _segments(session, drafted.episode_id)[complaint.reference]
    assert segment.chosen and segment.id is not None
    row = session.get(Complaint, complaint.id)
    assert row is not None
    row.broadcast_consent = False  # staff corrected a consent the caller never gave
    session.add(row)
    session.commit()
    assert _segments(session, drafted.episode_id) == {}  # hidden at once, before any re-draft
    episode = session.get(Episode, drafted.episode_id)
    assert episode is not None
    with pytest.raises(Invalid, match="not in this episode"):  # nor can a producer choose it by its id
        edit_episode(session, episode=episode, edit=EpisodeEdit(version=1, chosen=[segment.id]), now=NOW, actor=SYSTEM)
    session.rollback()
    edit_episode(session, episode=episode, edit=EpisodeEdit(version=1, chosen=[]), now=NOW, actor=SYSTEM)
    session.commit()
    reread(session)
    assert session.get(EpisodeSegment, segment.id).chosen is False  # type: ignore[union-attr]
    _draft(session)
    assert session.exec(select(EpisodeSegment).where(EpisodeSegment.complaint_id == complaint.id)).all() == []


def test_a_stale_or_invalid_edit_is_refused_and_writes_nothing(session: Session) -> None:
    complaint = reviewed(session, "эмнэлэгт эм байхгүй байна")  # 4 words
    drafted = _draft(session)
    episode = session.get(Episode, drafted.episode_id)
    assert episode is not None
    [segment] = _segments(session, drafted.episode_id).values()
    assert segment.id is not None
    sid = segment.id
    with pytest.raises(Conflict, match="changed since version 7"):
        edit_episode(session, episode=episode, edit=EpisodeEdit(version=7, title="x"), now=NOW, actor=SYSTEM)
    refusals = {
        "outside the transcript's 4 words": SegmentEdit(sid, trim=Trim(0, 4)),
        "is after its last": SegmentEdit(sid, trim=Trim(3, 1)),
        "voice must be one of": SegmentEdit(sid, voice="robot"),
        "is not an answer to its complaint": SegmentEdit(sid, answer=AnswerChoice(999, "text")),
    }
    for message, change in refusals.items():
        with pytest.raises(Invalid, match=message):
            edit_episode(
                session, episode=episode, edit=EpisodeEdit(version=1, segments=[change]), now=NOW, actor=SYSTEM
            )
        session.rollback()
    with pytest.raises(Invalid, match="not in this episode"):
        edit_episode(
            session, episode=episode, edit=EpisodeEdit(version=1, chosen=[sid, sid + 1]), now=NOW, actor=SYSTEM
        )
    session.rollback()
    reread(session)
    unchanged = session.get(Episode, drafted.episode_id)
    assert unchanged is not None and unchanged.version == 1 and unchanged.edited_at is None
    edit_episode(
        session,
        episode=unchanged,
        edit=EpisodeEdit(version=1, segments=[SegmentEdit(sid, trim=Trim(None, 3))]),
        now=NOW,
        actor=SYSTEM,
    )
    session.commit()
    assert _segments(session, drafted.episode_id)[complaint.reference].trim_last_word == 3


def test_an_unknown_station_or_a_week_that_does_not_exist_is_invalid(session: Session) -> None:
    with pytest.raises(Invalid, match="no station 'nope'"):
        draft_episode(session, deployment=MONGOLIA, station_code="nope", week=WEEK, now=NOW, actor=SYSTEM)
    for text in ("2026-W54", "2026-48", "2025-W53", "1999-W10", "2026-W00"):
        with pytest.raises(Invalid):
            parse_week(text)
    assert str(parse_week("2026-W53")) == "2026-W53"  # 2026 has 53 ISO weeks
    assert episode_for(session, station=KHOVD, week="2026-W48") is None
    assert session.exec(select(Episode).where(col(Episode.station) == KHOVD)).all() == []
