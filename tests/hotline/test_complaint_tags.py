"""Tag verdicts and staff tags in the core, and the place search behind the tag editor."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from hotline.complaint_tags import decide_tag, set_tag
from hotline.deployment import DEFAULT_DEPLOYMENT, load_deployment
from hotline.models import Complaint, Tag
from hotline.places import AreaDirectory, search_key
from hotline.review_errors import Invalid
from tests.factories import make_complaint, make_tag
from tests.hotline.review_helpers import audit_actions, reviewer
from transcription.place_directory import gazetteer_places

MONGOLIA = load_deployment(DEFAULT_DEPLOYMENT)


def test_rejecting_keeps_the_suggestion_and_the_current_sector(session: Session) -> None:
    user, actor = reviewer(session)
    complaint = make_complaint(session, sector="health")
    suggestion = make_tag(session, complaint, code="infrastructure", source="transcript", suggested=True)
    decide_tag(session, complaint=complaint, tag_id=suggestion.id or 0, decision="rejected", actor=actor)
    session.commit()
    session.expire_all()
    stored = session.get(Tag, suggestion.id)
    assert stored is not None and (stored.decision, stored.decided_by_id) == ("rejected", user.id)
    assert stored.decided_at is not None and session.get(Complaint, complaint.id).sector == "health"  # type: ignore[union-attr]
    assert audit_actions(session) == ["tag_changed"]


def test_accepting_a_district_suggestion_sets_the_soum(session: Session) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, area="11")
    district = make_tag(session, complaint, kind="district", code="1101", source="transcript", suggested=True)
    decide_tag(session, complaint=complaint, tag_id=district.id or 0, decision="accepted", actor=actor)
    assert complaint.soum == "1101"


def test_a_tag_of_another_complaint_or_an_unknown_decision_is_invalid(session: Session) -> None:
    _, actor = reviewer(session)
    mine, theirs = make_complaint(session), make_complaint(session)
    their_tag = make_tag(session, theirs)
    with pytest.raises(Invalid, match="has no tag"):
        decide_tag(session, complaint=mine, tag_id=their_tag.id or 0, decision="accepted", actor=actor)
    with pytest.raises(Invalid, match="decision must be"):
        decide_tag(session, complaint=theirs, tag_id=their_tag.id or 0, decision="maybe", actor=actor)


def test_setting_the_same_sector_twice_reuses_one_staff_tag(session: Session) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, sector="health")
    for _ in range(2):
        set_tag(
            session,
            complaint=complaint,
            kind="sector",
            code="infrastructure",
            actor=actor,
            deployment=MONGOLIA,
            places=AreaDirectory(MONGOLIA),
        )
        session.commit()
    tags = session.exec(select(Tag).where(Tag.source == "staff")).all()
    assert [(t.kind, t.code, t.label) for t in tags] == [
        ("sector", "infrastructure", MONGOLIA.sector("infrastructure").names["mn"])
    ]  # type: ignore[union-attr]
    assert complaint.sector == "infrastructure"


def test_a_soum_needs_a_directory_that_knows_it(session: Session) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, area="84")
    with pytest.raises(Invalid, match="unknown soum"):
        set_tag(
            session,
            complaint=complaint,
            kind="soum",
            code="8440",
            actor=actor,
            deployment=MONGOLIA,
            places=AreaDirectory(MONGOLIA),
        )
    places = gazetteer_places(MONGOLIA)
    written = set_tag(
        session, complaint=complaint, kind="soum", code="8440", actor=actor, deployment=MONGOLIA, places=places
    )
    assert [(t.kind, t.code) for t in written] == [("soum", "8440")]  # Khovd soum of Khovd aimag: area unchanged
    assert (complaint.soum, complaint.area) == ("8440", "84")


def test_search_keys_ignore_case_accents_and_punctuation() -> None:
    assert search_key("Bayan-Ölgii") == search_key("bayan olgii") == "bayanolgii"
    assert search_key("ӨЛГИЙ") == search_key("өлгий")


def test_the_area_directory_finds_areas_by_any_listed_name() -> None:
    areas = AreaDirectory(MONGOLIA)
    assert [p.code for p in areas.search("Ховд")][:1] == ["84"]
    assert [p.code for p in areas.search("khovd")][:1] == ["84"]
    assert areas.search("") == [] and areas.place("84") is not None and areas.place("8440") is None
