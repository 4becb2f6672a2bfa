"""The complaint lifecycle: which status may follow which, and the one way staff move a complaint along it.

Modelled on FixMyStreet: the machine stages (received → transcribing → transcribed, or to manual
transcription, or failed) belong to the system; from there staff take the complaint into review, route it
to a provider, record the answer, air it and close it, or set it aside as a duplicate or not actionable.
Every end state can be reopened into review. Keeping both tables here means the pages, the API and the
workers agree on what is possible, and a refusal can say exactly what would have been allowed.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from hotline.audit import Actor, AuditAction, record
from hotline.models import Complaint, ComplaintStatus, StatusChange, utcnow
from hotline.models.common import saved_id
from hotline.review_errors import Conflict, Invalid
from hotline.review_text import clean_text

S = ComplaintStatus
MAX_REASON = 1000  # the width of Complaint.status_reason and StatusChange.reason

_TRIAGE = frozenset({S.IN_REVIEW, S.DUPLICATE, S.NOT_ACTIONABLE})
_REOPEN = frozenset({S.IN_REVIEW})

# What staff may do from each status. Statuses the system is still working on (received, transcribing)
# are absent: a person taking one over would race the transcription job for the same row.
STAFF_MOVES: dict[ComplaintStatus, frozenset[ComplaintStatus]] = {
    S.NEEDS_MANUAL_TRANSCRIPTION: _TRIAGE,
    S.TRANSCRIBED: _TRIAGE,
    S.FAILED: _TRIAGE,
    S.IN_REVIEW: frozenset({S.ROUTED, S.DUPLICATE, S.NOT_ACTIONABLE, S.CLOSED}),
    S.ROUTED: frozenset({S.ANSWERED, S.IN_REVIEW}),
    S.ANSWERED: frozenset({S.AIRED, S.CLOSED, S.ROUTED}),
    S.AIRED: frozenset({S.CLOSED}),
    S.CLOSED: _REOPEN,
    S.DUPLICATE: _REOPEN,
    S.NOT_ACTIONABLE: _REOPEN,
}

# What intake, transcription and the sweeper do (hotline.complaint_status records these without a person).
SYSTEM_MOVES: dict[ComplaintStatus, frozenset[ComplaintStatus]] = {
    S.RECEIVED: frozenset({S.TRANSCRIBING, S.TRANSCRIBED, S.FAILED}),
    S.TRANSCRIBING: frozenset({S.TRANSCRIBED, S.NEEDS_MANUAL_TRANSCRIPTION, S.FAILED, S.RECEIVED}),
    S.FAILED: frozenset({S.TRANSCRIBING, S.TRANSCRIBED}),
}


class IllegalTransition(Conflict):
    """A move the lifecycle does not allow from the complaint's current status."""

    def __init__(self, from_status: str, to_status: str, allowed: list[str]) -> None:
        choices = ", ".join(allowed) if allowed else "none (the system is still working on it)"
        super().__init__(
            f"a complaint cannot move from {from_status} to {to_status}; allowed from {from_status}: {choices}"
        )
        self.from_status, self.to_status, self.allowed = from_status, to_status, allowed


def staff_moves(status: str) -> list[str]:
    """The statuses staff may move a complaint to from `status`, in lifecycle order (for menus and errors)."""
    allowed = _allowed(STAFF_MOVES, status)
    return [s.value for s in ComplaintStatus if s in allowed]


def is_system_move(from_status: str, to_status: str) -> bool:
    return _known(to_status) in _allowed(SYSTEM_MOVES, from_status)


def change_status(
    session: Session,
    *,
    complaint: Complaint,
    to: str,
    actor: Actor,
    reason: str = "",
    duplicate_of: Complaint | None = None,
) -> StatusChange:
    """Move a complaint as staff: check the move, update the row, add its history and audit event (no commit).

    The update is conditional on the status the caller saw, so two reviewers moving the same complaint at
    once cannot both succeed: the second gets a Conflict naming the status it now has.
    """
    target = _target(to)
    current = complaint.status
    reason = clean_text(reason, what="reason", max_chars=MAX_REASON)
    if target not in _allowed(STAFF_MOVES, current):
        raise IllegalTransition(current, target, staff_moves(current))
    original_id = _check_duplicate(session, complaint, target, duplicate_of)
    now = utcnow()
    moved = session.exec(
        update(Complaint)
        .where(col(Complaint.id) == saved_id(complaint), col(Complaint.status) == current)
        .values(
            status=target,
            status_reason=reason,
            status_changed_at=now,
            updated_at=now,
            duplicate_of_id=original_id,
        )
    ).rowcount
    if not moved:
        session.expire(complaint)
        now_at = complaint.status
        raise Conflict(f"complaint {complaint.reference} was moved by someone else meanwhile; it is now {now_at}")
    session.expire(complaint)  # the row changed under the ORM's copy
    change = StatusChange(
        complaint_id=saved_id(complaint),
        from_status=current,
        to_status=target,
        reason=reason,
        actor_id=actor.user_id,
        duplicate_of_id=original_id,
        created_at=now,
    )
    session.add(change)
    after = target.value + (f" (duplicate of {duplicate_of.reference})" if duplicate_of is not None else "")
    record(
        session,
        actor,
        AuditAction.STATUS_CHANGED,
        object_type="complaint",
        object_id=complaint.reference,
        before=current,
        after=after + (f": {reason}" if reason else ""),
    )
    session.flush()
    return change


def _target(to: str) -> ComplaintStatus:
    try:
        return ComplaintStatus(to)
    except ValueError:
        raise Invalid(f"unknown status {to!r}; statuses are {', '.join(s.value for s in ComplaintStatus)}") from None


def _allowed(table: dict[ComplaintStatus, frozenset[ComplaintStatus]], status: str) -> frozenset[ComplaintStatus]:
    known = _known(status)
    return table.get(known, frozenset()) if known is not None else frozenset()


def _known(status: str) -> ComplaintStatus | None:
    try:
        return ComplaintStatus(status)
    except ValueError:
        return None


def _check_duplicate(
    session: Session, complaint: Complaint, target: ComplaintStatus, original: Complaint | None
) -> int | None:
    """The original's id when marking a duplicate; refuses a missing original, the complaint itself or a cycle."""
    if target is not S.DUPLICATE:
        if original is not None:
            raise Invalid("duplicate_of is only for a move to duplicate")
        return None
    if original is None:
        raise Invalid("a duplicate must name the original complaint (duplicate_of)")
    own_id, original_id = saved_id(complaint), saved_id(original)
    if original_id == own_id:
        raise Invalid("a complaint cannot be a duplicate of itself")
    seen = {original_id}
    step: int | None = original.duplicate_of_id
    while step is not None:  # walk the original's own chain: it must not lead back here
        if step == own_id:
            raise Invalid(f"complaint {original.reference} is already (through duplicates) a duplicate of this one")
        if step in seen:
            break
        seen.add(step)
        link = session.get(Complaint, step)
        step = link.duplicate_of_id if link is not None else None
    return original_id
