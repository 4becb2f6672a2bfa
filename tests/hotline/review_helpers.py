"""Users and audit look-ups the review tests share."""

from __future__ import annotations

from sqlmodel import Session, col, select

from hotline import accounts
from hotline.audit import Actor
from hotline.models import AuditEvent, User


def reviewer(session: Session, role: str = "staff", email: str | None = None) -> tuple[User, Actor]:
    user = accounts.create_user(session, email=email or f"{role}@example.org", role=role)
    return user, Actor.of(user, address="192.0.2.7")


def audit_actions(session: Session) -> list[str]:
    session.expire_all()
    return [e.action for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()]
