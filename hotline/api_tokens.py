"""API tokens: issued once in clear, stored only as SHA-256 hashes, checked on each API request, revoked.

A token is random enough (256 bits) that a fast hash is the right way to store it: a database leak
gives nothing usable, and checking a request costs one index look-up. Issuing and revoking are audited
like the other account changes (hotline.accounts); a deactivated user's tokens stop working with it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from hotline.accounts import UnknownUserError, existing_user
from hotline.audit import Actor, AuditAction, record
from hotline.db import write_after_reads
from hotline.models import ApiToken, User, utcnow
from hotline.models.common import ensure_aware, saved_id

TOKEN_PREFIX = "fms_"
# Writing last_used_at on every request would turn each read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A freshly created token: the clear value exists only here, the database keeps its hash."""

    token: str
    api_token: ApiToken


def create_token(session: Session, *, email: str, label: str = "", actor: Actor | None = None) -> IssuedToken:
    """Issue a new API token for an active user; the clear token is returned once and never stored."""
    user = existing_user(session, email=email)
    if not user.is_active:
        raise UnknownUserError(f"user {user.email} is not active")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=saved_id(user), token_hash=token_hash(token), label=label.strip()[:200])
    session.add(row)
    if actor is not None:
        record(session, actor, AuditAction.TOKEN_ISSUED, object_type="user", object_id=user.email, after=row.label)
    session.commit()
    return IssuedToken(token=token, api_token=row)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate_token(session: Session, *, token: str) -> User | None:
    """The active user a live token belongs to, or None; notes when the token was last used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.exec(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)  # type: ignore[arg-type]
        .where(ApiToken.token_hash == token_hash(token))
    ).first()
    if row is None:
        return None
    api_token, user = row
    if api_token.revoked_at is not None or not user.is_active:
        return None
    now = utcnow()
    last = ensure_aware(api_token.last_used_at)
    if last is None or now - last >= LAST_USED_RESOLUTION:
        write_after_reads(session, update(ApiToken).where(col(ApiToken.id) == api_token.id).values(last_used_at=now))
    return user


def revoke_token(session: Session, *, token_id: int, actor: Actor | None = None) -> bool:
    """Refuse a token from now on; False when there is no such token or it was already revoked."""
    api_token = session.get(ApiToken, token_id)
    if api_token is None or api_token.revoked_at is not None:
        return False
    api_token.revoked_at = utcnow()
    session.add(api_token)
    if actor is not None:
        record(session, actor, AuditAction.TOKEN_REVOKED, object_type="api_token", object_id=str(token_id))
    session.commit()
    return True
