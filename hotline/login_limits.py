"""Logging in to the staff web view, within limits on failed attempts per account and per address.

Failures are counted from the audit log's `login_failed` rows, not from process memory, so the limits
hold across every web process and a restart. Unknown emails cost the same scrypt work as known ones,
so response time does not tell a guesser which accounts exist; the failure is logged with actor
"anonymous" and the email tried as its object, which is what the per-account limit counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from sqlmodel import Session, col, select

from hotline.accounts import find_user
from hotline.audit import Actor, AuditAction, count_recent, record
from hotline.models import AuditEvent, User, utcnow
from hotline.models.common import ensure_aware
from hotline.passwords import hash_password, verify_password
from hotline.web_sessions import OpenedSession, SessionPolicy, end_session, open_session

MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20  # an office behind one address may hold a few forgetful people
FAILURE_WINDOW = timedelta(minutes=15)
MAX_EMAIL_LENGTH = 320


class LoginResult(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # wrong email or password, or an inactive account: the caller cannot tell which
    LIMITED = "limited"  # too many recent failures: not even checked


@dataclass(frozen=True)
class LoginOutcome:
    result: LoginResult
    opened: OpenedSession | None = None
    user: User | None = None
    retry_after_seconds: int = 0


def log_in(
    session: Session,
    *,
    email: str,
    password: str,
    address: str,
    user_agent: str = "",
    policy: SessionPolicy,
    previous_token: str = "",
) -> LoginOutcome:
    """Check a login within the limits; on success open a new session (ending `previous_token`'s, if any).
    Either way the attempt is audited, in the same commit as the session it opens."""
    tried = email.strip().lower()[:MAX_EMAIL_LENGTH]
    wait = seconds_until_allowed(session, email=tried, address=address)
    if wait:
        return LoginOutcome(LoginResult.LIMITED, retry_after_seconds=wait)
    user = find_user(session, email=tried) if tried else None
    if user is None or not user.is_active or not user.password_hash:
        verify_password(password, _dummy_hash())  # the same work as a real check, for the same response time
        record(
            session,
            Actor(user_id=None, label="anonymous", address=address),
            AuditAction.LOGIN_FAILED,
            object_type="user",
            object_id=tried,
        )
        session.commit()
        return LoginOutcome(LoginResult.FAILED)
    if not verify_password(password, user.password_hash):
        record(
            session,
            Actor(user_id=None, label="anonymous", address=address),
            AuditAction.LOGIN_FAILED,
            object_type="user",
            object_id=user.email,
        )
        session.commit()
        return LoginOutcome(LoginResult.FAILED)
    if previous_token:
        end_session(session, token=previous_token)
    opened = open_session(session, user=user, policy=policy, address=address, user_agent=user_agent)
    record(session, Actor.of(user, address=address), AuditAction.LOGIN, object_type="user", object_id=user.email)
    session.commit()
    return LoginOutcome(LoginResult.SUCCEEDED, opened=opened, user=user)


def seconds_until_allowed(session: Session, *, email: str, address: str) -> int:
    """0 when a login attempt for this account from this address may be checked now; otherwise how long
    until enough recent failures have left the window (the Retry-After the client is told)."""
    by_account = count_recent(session, action=AuditAction.LOGIN_FAILED, within=FAILURE_WINDOW, object_id=email)
    by_address = count_recent(session, action=AuditAction.LOGIN_FAILED, within=FAILURE_WINDOW, address=address)
    waits = [0]
    if by_account >= MAX_FAILURES_PER_ACCOUNT:
        waits.append(_wait(session, limit=MAX_FAILURES_PER_ACCOUNT, object_id=email))
    if by_address >= MAX_FAILURES_PER_ADDRESS:
        waits.append(_wait(session, limit=MAX_FAILURES_PER_ADDRESS, address=address))
    return max(waits)


def _wait(session: Session, *, limit: int, object_id: str | None = None, address: str | None = None) -> int:
    # The limit-th newest failure in the window is the one whose ageing out brings the count under the limit.
    query = select(AuditEvent.created_at).where(
        AuditEvent.action == AuditAction.LOGIN_FAILED, col(AuditEvent.created_at) >= utcnow() - FAILURE_WINDOW
    )
    if object_id is not None:
        query = query.where(AuditEvent.object_type == "user", AuditEvent.object_id == object_id)
    if address is not None:
        query = query.where(AuditEvent.address == address)
    times = list(session.exec(query.order_by(col(AuditEvent.created_at).desc()).limit(limit)))
    if len(times) < limit:
        return 0
    return _seconds_until(ensure_aware(times[-1]), window=FAILURE_WINDOW)


def _seconds_until(at: datetime | None, *, window: timedelta) -> int:
    if at is None:
        return 1
    return max(1, math.ceil((at + window - utcnow()).total_seconds()))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real scrypt hash of nothing anyone knows, so an unknown email is checked as slowly as a known one."""
    return hash_password("not-a-password-of-anyone-" + "x" * 16)
