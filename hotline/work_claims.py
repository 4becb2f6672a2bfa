"""Claiming a row before working on it, so two jobs never do the same work and a dead job's work is retaken.

A job takes a row with one conditional UPDATE (it succeeds for exactly one contender, on SQLite and
PostgreSQL alike) that stamps a random token and a lease. It then works outside any transaction
(downloads and decoding take seconds to minutes) and writes every result in one transaction that
again requires its token. A job whose worker died leaves the lease to run out; after that another
job may claim the row, and a late write from the first one matches no row and changes nothing.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_

from hotline.models import utcnow

# A lease outlives the job's own time limit by this much, so a job that is merely slow is never preempted.
LEASE_GRACE_SECONDS = 30


def new_token() -> str:
    return secrets.token_hex(16)


def lease_until(job_timeout_seconds: float, *, now: datetime | None = None) -> datetime:
    return (now or utcnow()) + timedelta(seconds=job_timeout_seconds + LEASE_GRACE_SECONDS)


def lease_expired(model: Any, now: datetime) -> ColumnElement[bool]:
    """The row's lease has run out (or it never had one): the worker that held it is gone."""
    column = model.lease_expires_at
    return or_(column.is_(None), column < now)


def held_by(model: Any, token: str) -> ColumnElement[bool]:
    return model.claimed_by == token  # type: ignore[no-any-return]
