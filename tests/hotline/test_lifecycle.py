"""The lifecycle: staff moves checked against one table, written with history and audit; system moves recorded."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from hotline.audit import SYSTEM
from hotline.complaint_queries import status_history
from hotline.complaint_status import set_complaint_status, update_status_where
from hotline.lifecycle import STAFF_MOVES, SYSTEM_MOVES, IllegalTransition, change_status, staff_moves
from hotline.models import AuditEvent, Complaint, ComplaintStatus, StatusChange
from hotline.review_errors import Conflict, Invalid
from tests.factories import make_complaint
from tests.hotline.review_helpers import audit_actions, reviewer

S = ComplaintStatus


def test_a_complaint_goes_the_whole_way_with_history_and_audit(session: Session) -> None:
    user, actor = reviewer(session)
    complaint = make_complaint(session, status=S.TRANSCRIBED)
    path = [S.IN_REVIEW, S.ROUTED, S.ANSWERED, S.AIRED, S.CLOSED, S.IN_REVIEW]
    for step in path:
        change_status(session, complaint=complaint, to=step, actor=actor, reason=f"to {step}")
        session.commit()

    session.expire_all()
    stored = session.get(Complaint, complaint.id)
    assert stored is not None and stored.status == S.IN_REVIEW and stored.status_reason == "to in_review"
    history = status_history(session, complaint_id=stored.id or 0)
    assert [(h.from_status, h.to_status) for h in history] == list(zip([S.TRANSCRIBED, *path[:-1]], path, strict=True))
    assert {h.actor for h in history} == {user.email}
    events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    assert [e.action for e in events] == ["status_changed"] * len(path)
    assert events[0].object_id == complaint.reference and events[0].before == "transcribed"
    assert events[0].after == "in_review: to in_review" and events[0].address == "192.0.2.7"


@pytest.mark.parametrize(
    ("start", "to"),
    [(S.RECEIVED, S.IN_REVIEW), (S.TRANSCRIBING, S.IN_REVIEW), (S.TRANSCRIBED, S.ROUTED), (S.AIRED, S.ROUTED)],
)
def test_an_illegal_move_is_refused_naming_what_is_allowed_and_writes_nothing(
    session: Session, start: S, to: S
) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, status=start)
    with pytest.raises(IllegalTransition) as refused:
        change_status(session, complaint=complaint, to=to, actor=actor)
    session.rollback()
    assert f"from {start} to {to}" in refused.value.message
    assert refused.value.allowed == staff_moves(start)
    assert session.exec(select(StatusChange)).all() == [] and audit_actions(session) == []
    assert session.get(Complaint, complaint.id).status == start  # type: ignore[union-attr]


def test_unknown_status_and_overlong_reason_are_invalid(session: Session) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, status=S.IN_REVIEW)
    with pytest.raises(Invalid, match="unknown status"):
        change_status(session, complaint=complaint, to="resolved", actor=actor)
    with pytest.raises(Invalid, match="at most 1,000"):
        change_status(session, complaint=complaint, to=S.CLOSED, actor=actor, reason="x" * 1001)


def test_a_duplicate_points_at_an_existing_other_complaint_without_a_cycle(session: Session) -> None:
    _, actor = reviewer(session)
    first, second, third = (make_complaint(session, status=S.IN_REVIEW) for _ in range(3))
    with pytest.raises(Invalid, match="must name the original"):
        change_status(session, complaint=first, to=S.DUPLICATE, actor=actor)
    with pytest.raises(Invalid, match="itself"):
        change_status(session, complaint=first, to=S.DUPLICATE, actor=actor, duplicate_of=first)
    with pytest.raises(Invalid, match="only for a move to duplicate"):
        change_status(session, complaint=first, to=S.CLOSED, actor=actor, duplicate_of=second)

    change_status(session, complaint=second, to=S.DUPLICATE, actor=actor, duplicate_of=first)
    change_status(session, complaint=third, to=S.DUPLICATE, actor=actor, duplicate_of=second)
    session.commit()
    change_status(session, complaint=first, to=S.CLOSED, actor=actor)  # first → closed, then reopened
    change_status(session, complaint=first, to=S.IN_REVIEW, actor=actor)
    with pytest.raises(Invalid, match="already"):  # first → third → second → first would be a cycle
        change_status(session, complaint=first, to=S.DUPLICATE, actor=actor, duplicate_of=third)
    session.rollback()

    history = status_history(session, complaint_id=third.id or 0)
    assert history[-1].duplicate_of == second.reference
    session.expire_all()
    assert session.get(Complaint, third.id).duplicate_of_id == second.id  # type: ignore[union-attr]
    change_status(session, complaint=third, to=S.IN_REVIEW, actor=actor, reason="not the same after all")
    session.commit()
    session.expire_all()
    assert session.get(Complaint, third.id).duplicate_of_id is None  # type: ignore[union-attr]


def test_a_move_based_on_a_stale_status_is_refused(session: Session, engine: object) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, status=S.IN_REVIEW)
    with Session(engine) as other:  # type: ignore[arg-type]
        theirs = other.get(Complaint, complaint.id)
        assert theirs is not None
        change_status(other, complaint=theirs, to=S.ROUTED, actor=actor)
        other.commit()
    with pytest.raises(Conflict, match="moved by someone else"):
        change_status(session, complaint=complaint, to=S.CLOSED, actor=actor)  # our copy still says in_review
    session.rollback()
    assert [c.to_status for c in session.exec(select(StatusChange)).all()] == ["routed"]


def test_system_status_changes_leave_history_without_an_actor(session: Session) -> None:
    complaint = make_complaint(session)
    set_complaint_status(session, complaint, S.FAILED, "recording failed: 404")
    set_complaint_status(session, complaint, S.FAILED, "again")  # no move, no history row
    session.commit()
    history = status_history(session, complaint_id=complaint.id or 0)
    assert [(h.from_status, h.to_status, h.reason, h.actor) for h in history] == [
        ("received", "failed", "recording failed: 404", None)
    ]
    assert SYSTEM.user_id is None


def test_every_status_is_reachable_and_every_staff_end_state_can_be_reopened() -> None:
    reachable = {S.RECEIVED}
    for moves in (*STAFF_MOVES.values(), *SYSTEM_MOVES.values()):
        reachable |= moves
    assert reachable == set(S)
    for end in (S.CLOSED, S.DUPLICATE, S.NOT_ACTIONABLE):
        assert S.IN_REVIEW in STAFF_MOVES[end]
    assert S.RECEIVED not in STAFF_MOVES and S.TRANSCRIBING not in STAFF_MOVES


def test_a_conditional_system_update_writes_history_only_for_the_rows_it_moves(session: Session) -> None:
    waiting, busy = make_complaint(session), make_complaint(session, status=S.TRANSCRIBING)
    moved = update_status_where(
        session,
        col(Complaint.id).in_([waiting.id, busy.id]),
        col(Complaint.status) == S.RECEIVED,
        status=S.TRANSCRIBING,
        values={"claimed_by": "token-1"},
    )
    session.commit()
    assert moved == 1
    changes = session.exec(select(StatusChange)).all()
    assert [(c.complaint_id, c.from_status, c.to_status, c.actor_id) for c in changes] == [
        (waiting.id, "received", "transcribing", None)
    ]
    session.expire_all()
    assert session.get(Complaint, waiting.id).claimed_by == "token-1"  # type: ignore[union-attr]

    released = update_status_where(
        session, col(Complaint.claimed_by) == "token-1", status=S.NEEDS_MANUAL_TRANSCRIPTION, reason="no model"
    )
    session.commit()
    assert released == 1
    assert [c.reason for c in session.exec(select(StatusChange).order_by(col(StatusChange.id))).all()] == [
        "",
        "no model",
    ]
