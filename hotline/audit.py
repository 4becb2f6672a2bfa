"""Write and read the audit log. An event is added to the caller's session, so it commits (or rolls back)
with the act it records: an edit is never logged without happening, nor happens without being logged.

Summaries are short human-readable text chosen by the caller; they must never carry a caller's number,
a password or a token (the number is revealed to the admin, and only the fact of the reveal is logged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, func, or_
from sqlmodel import Session, col, select

from hotline.models import AuditEvent, User, utcnow
from hotline.models.common import ensure_aware

MAX_SUMMARY = 4000


class AuditAction(StrEnum):
    """Every action the log knows; a new sensitive action gets a name here."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    PASSWORD_CHANGED = "password_changed"
    TRANSCRIPT_SAVED = "transcript_saved"
    TAG_CHANGED = "tag_changed"
    STATUS_CHANGED = "status_changed"
    NOTE_ADDED = "note_added"
    NUMBER_REVEALED = "number_revealed"
    USER_ADDED = "user_added"
    USER_CHANGED = "user_changed"
    USER_DEACTIVATED = "user_deactivated"
    PASSWORD_RESET = "password_reset"
    TOKEN_ISSUED = "token_issued"
    TOKEN_REVOKED = "token_revoked"
    RESPONSE_SAVED = "response_saved"
    COMPLAINT_CLOSED = "complaint_closed"
    PROVIDER_ADDED = "provider_added"
    PROVIDER_CHANGED = "provider_changed"
    COMPLAINT_ROUTED = "complaint_routed"
    EPISODE_DRAFTED = "episode_drafted"
    EPISODE_EDITED = "episode_edited"
    EPISODE_BUILD_REQUESTED = "episode_build_requested"
    EPISODE_PUBLISHED = "episode_published"


@dataclass(frozen=True)
class Actor:
    """Who acts: a user, or nobody in particular ("system" for jobs, "anonymous" for a failed login)."""

    user_id: int | None
    label: str
    address: str = ""

    @classmethod
    def of(cls, user: User, *, address: str = "") -> Actor:
        return cls(user_id=user.id, label=user.email, address=address)


SYSTEM = Actor(user_id=None, label="system")


def record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    *,
    object_type: str = "",
    object_id: str = "",
    before: str = "",
    after: str = "",
) -> AuditEvent:
    """Add one event to the session (no commit: it lands with the act it records)."""
    event = AuditEvent(
        actor_id=actor.user_id,
        actor=actor.label[:320],
        action=action,
        object_type=object_type[:40],
        object_id=object_id[:320],
        before=before[:MAX_SUMMARY],
        after=after[:MAX_SUMMARY],
        address=actor.address[:64],
    )
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditCursor:
    created_at: datetime
    id: int


def list_events(
    session: Session,
    *,
    actor_id: int | None = None,
    actions: Sequence[str] = (),
    object_type: str | None = None,
    object_id: str | None = None,
    limit: int = 100,
    after: AuditCursor | None = None,
) -> tuple[list[AuditEvent], AuditCursor | None]:
    """Events newest first, filtered, one keyset page; returns the page and the cursor of the next one."""
    query = select(AuditEvent)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if actions:
        query = query.where(col(AuditEvent.action).in_(actions))
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if after is not None:
        at = ensure_aware(after.created_at)
        query = query.where(
            or_(col(AuditEvent.created_at) < at, and_(col(AuditEvent.created_at) == at, col(AuditEvent.id) < after.id))
        )
    rows = list(
        session.exec(query.order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc()).limit(limit + 1))
    )
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    assert last.id is not None and last.created_at is not None
    return rows[:limit], AuditCursor(created_at=last.created_at, id=last.id)


def count_recent(
    session: Session,
    *,
    action: AuditAction,
    within: timedelta,
    object_id: str | None = None,
    address: str | None = None,
) -> int:
    """How many `action` events for this object (e.g. an account) or from this address in the last `within`:
    the login rate limit counts failed logins this way, on every web process at once."""
    query = (
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, col(AuditEvent.created_at) >= utcnow() - within)
    )
    if object_id is not None:
        query = query.where(AuditEvent.object_type == "user", AuditEvent.object_id == object_id)
    if address is not None:
        query = query.where(AuditEvent.address == address)
    return int(session.exec(query).one())
