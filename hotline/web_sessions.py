"""Browser sessions for the staff web view, kept server-side in the WebSession table.

The browser holds a random 256-bit token; the table keeps only its SHA-256, so a database leak gives no
usable session, and ending a session is one UPDATE that every web process sees on the next request.
A session ends when its user logs out, is deactivated or changes password (the others), when it sits
idle too long, or when it reaches its absolute lifetime, whichever comes first. Signing the cookie
and reading it from a request are the web edge's business; this module deals in clear tokens only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from hotline.db import write_after_reads
from hotline.models import User, WebSession, utcnow
from hotline.models.common import ensure_aware, saved_id
from hotline.settings import Settings

# Writing last_seen_at on every page view would make each read a write; a minute is precise enough for idling.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 100  # a real token is 43 characters; anything much longer is not one of ours


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session may sit unused, and how long it may live at all."""

    idle: timedelta
    lifetime: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        return cls(
            idle=timedelta(minutes=settings.SESSION_IDLE_MINUTES),
            lifetime=timedelta(hours=settings.SESSION_LIFETIME_HOURS),
        )


@dataclass(frozen=True)
class OpenedSession:
    """A new session: the clear token exists only here (for the cookie), the row keeps its hash."""

    token: str
    row: WebSession


@dataclass(frozen=True)
class LiveSession:
    """A session that is still valid, and the active user it belongs to."""

    row: WebSession
    user: User


def session_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    session: Session, *, user: User, policy: SessionPolicy, address: str = "", user_agent: str = ""
) -> OpenedSession:
    """Add a new session for `user` (no commit: it lands with the login it belongs to). Always a fresh
    token, so a session id planted before login (session fixation) is never promoted."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = WebSession(
        token_hash=session_token_hash(token),
        user_id=saved_id(user),
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.lifetime,
        address=address[:64],
        user_agent=user_agent[:300],
    )
    session.add(row)
    return OpenedSession(token=token, row=row)


def resolve_session(session: Session, *, token: str, policy: SessionPolicy) -> LiveSession | None:
    """The live session this token opens and its active user, or None (unknown, ended, idle, expired,
    or the user deactivated). Notes the visit at most once a minute, committing only then."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    found = session.exec(
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)  # type: ignore[arg-type]
        .where(WebSession.token_hash == session_token_hash(token))
    ).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    if not user.is_active or not _is_live(row, now=now, policy=policy):
        return None
    last_seen = ensure_aware(row.last_seen_at)
    if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
        write_after_reads(session, update(WebSession).where(col(WebSession.id) == row.id).values(last_seen_at=now))
    return LiveSession(row=row, user=user)


def _is_live(row: WebSession, *, now: datetime, policy: SessionPolicy) -> bool:
    expires_at = ensure_aware(row.expires_at)
    last_seen = ensure_aware(row.last_seen_at)
    created = ensure_aware(row.created_at)
    return (
        row.revoked_at is None
        and expires_at is not None
        and now < expires_at
        and (created is None or now < created + policy.lifetime)  # a shortened lifetime applies at once
        and last_seen is not None
        and now < last_seen + policy.idle
    )


def end_session(session: Session, *, token: str) -> WebSession | None:
    """Mark the session this token opens as ended (no commit); None when there is no live one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = session.exec(select(WebSession).where(WebSession.token_hash == session_token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    row.revoked_at = utcnow()
    session.add(row)
    return row


def end_user_sessions(session: Session, *, user_id: int, keep_session_id: int | None = None) -> int:
    """End every live session of a user, but `keep_session_id` (no commit); returns how many ended.

    Used when a user is deactivated, has a password reset, or changes their own password (keeping the
    session they changed it from)."""
    statement = (
        update(WebSession)
        .where(col(WebSession.user_id) == user_id, col(WebSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    if keep_session_id is not None:
        statement = statement.where(col(WebSession.id) != keep_session_id)
    result = session.exec(statement)
    return int(result.rowcount or 0)
