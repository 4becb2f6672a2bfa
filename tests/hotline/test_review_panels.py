"""What sits beside a complaint on the page: notes, the same caller's and similar complaints, and the reveal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from hotline.audit import SYSTEM
from hotline.caller_reveal import reveal_number
from hotline.complaint_notes import MAX_NOTE_CHARS, add_note, list_notes
from hotline.models import AuditEvent, Call, utcnow
from hotline.privacy import PhoneNumberProtector
from hotline.related_complaints import same_caller, similar
from hotline.review_errors import Conflict, Invalid, NotPermitted
from tests.factories import CALLER_NUMBER, _protector, make_complaint
from tests.hotline.review_helpers import audit_actions, reviewer


def test_notes_keep_author_and_order_and_the_audit_keeps_no_text(session: Session) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session)
    add_note(session, complaint=complaint, text="  first\r\nline two ", actor=actor)
    add_note(session, complaint=complaint, text="second", actor=actor)
    session.commit()
    notes = list_notes(session, complaint_id=complaint.id or 0)
    assert [(n.text, n.author) for n in notes] == [
        ("first\nline two", "staff@example.org"),
        ("second", "staff@example.org"),
    ]
    events = session.exec(select(AuditEvent)).all()
    assert [e.action for e in events] == ["note_added", "note_added"]
    assert all("first" not in e.after and "second" not in e.after for e in events)


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_NOTE_CHARS + 1), "nul\x00"])
def test_empty_overlong_or_binary_notes_are_invalid(session: Session, text: str) -> None:
    _, actor = reviewer(session)
    with pytest.raises(Invalid):
        add_note(session, complaint=make_complaint(session), text=text, actor=actor)


def test_the_system_cannot_write_notes(session: Session) -> None:
    with pytest.raises(NotPermitted):
        add_note(session, complaint=make_complaint(session), text="hello", actor=SYSTEM)


def test_same_caller_matches_by_keyed_hash_newest_first_and_respects_consent(session: Session) -> None:
    this = make_complaint(session)
    older = make_complaint(session, created_at=utcnow() - timedelta(days=90))
    newer = make_complaint(session, broadcast_consent=False)
    make_complaint(session, caller_number="+97688001122")  # someone else
    found = same_caller(session, complaint=this)
    assert [c.reference for c in found] == [newer.reference, older.reference]
    assert [c.reference for c in same_caller(session, complaint=this, consented_only=True)] == [older.reference]
    assert all(CALLER_NUMBER not in str(c) for c in found)


def test_similar_means_same_sector_and_area_within_30_days(session: Session) -> None:
    this = make_complaint(session, sector="health", area="84")
    recent = make_complaint(session, sector="health", area="84", caller_number="+97688000001")
    make_complaint(session, sector="health", area="84", created_at=utcnow() - timedelta(days=31))
    make_complaint(session, sector="health", area="83")
    make_complaint(session, sector="welfare", area="84")
    assert [c.reference for c in similar(session, complaint=this)] == [recent.reference]
    assert similar(session, complaint=make_complaint(session, sector=None, area="84")) == []


def test_only_an_admin_reveals_and_each_reveal_is_one_audit_event(session: Session) -> None:
    admin, admin_actor = reviewer(session, "admin")
    staff, staff_actor = reviewer(session, "staff")
    complaint = make_complaint(session)
    with pytest.raises(NotPermitted):
        reveal_number(session, complaint=complaint, user=staff, actor=staff_actor, protector=_protector)
    with pytest.raises(NotPermitted):  # an admin's user with someone else's actor: refuse, never log wrongly
        reveal_number(session, complaint=complaint, user=admin, actor=staff_actor, protector=_protector)
    assert audit_actions(session) == []
    number = reveal_number(session, complaint=complaint, user=admin, actor=admin_actor, protector=_protector)
    session.commit()
    assert number == CALLER_NUMBER and audit_actions(session) == ["number_revealed"]
    wrong_key = PhoneNumberProtector("another-secret-" + "z" * 32)
    with pytest.raises(Conflict, match="no readable caller number"):
        reveal_number(session, complaint=complaint, user=admin, actor=admin_actor, protector=wrong_key)
    assert session.get(Call, complaint.call_id) is not None
