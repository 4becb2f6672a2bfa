"""Revealing a caller's number: for admins only, and every reveal is in the audit log.

Staff work with the masked number and the keyed hash; an admin may need the number itself (a caller to
ring back, a legal request). The log records who revealed whose complaint, when and from where — never the
number itself, so the log cannot leak what it guards.
"""

from __future__ import annotations

from sqlmodel import Session, select

from hotline.audit import Actor, AuditAction, record
from hotline.models import Call, Complaint, Role, User
from hotline.privacy import PhoneNumberProtector
from hotline.review_errors import Conflict, NotPermitted


def reveal_number(
    session: Session, *, complaint: Complaint, user: User, actor: Actor, protector: PhoneNumberProtector
) -> str:
    """The caller's number in clear, audited (no commit); refused to anyone but an admin."""
    if user.role != Role.ADMIN or actor.user_id != user.id:
        raise NotPermitted("only an admin may reveal a caller's number")
    encrypted = session.exec(select(Call.caller_number_encrypted).where(Call.id == complaint.call_id)).first()
    number = protector.decrypt(encrypted) if encrypted else None
    if not number:  # nothing is revealed, so nothing is logged: the log holds acts, not attempts
        raise Conflict(f"complaint {complaint.reference} has no readable caller number")
    record(
        session,
        actor,
        AuditAction.NUMBER_REVEALED,
        object_type="complaint",
        object_id=complaint.reference,
        after="caller's number revealed",
    )
    return number
