"""Moving a complaint through its lifecycle as the system: the one place intake, transcription and the sweeper
stamp when and why a status changed, and leave a history row without a person (actor None).

Doing it here keeps `status_changed_at` (which the sweeper and the staff view rely on) and the status history
consistent whoever makes the change; staff moves go through hotline.lifecycle.change_status instead.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import ColumnElement, insert, literal, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col

from hotline.lifecycle import MAX_REASON, is_system_move
from hotline.models import Complaint, ComplaintStatus, StatusChange, utcnow

__all__ = ["MAX_REASON", "set_complaint_status", "update_status_where"]

log = logging.getLogger(__name__)


def set_complaint_status(session: Session, complaint: Complaint, status: ComplaintStatus, reason: str = "") -> None:
    """Record the new status with its reason (shown to staff and, by name, to callers); the caller commits,
    so a status always lands in the same transaction as the work that justifies it, history included."""
    now = utcnow()
    previous = complaint.status
    complaint.status, complaint.status_reason = status, reason[:MAX_REASON]
    complaint.status_changed_at = complaint.updated_at = now
    session.add(complaint)
    if previous != status:
        _warn_unless_system_move(previous, status)
        session.add(
            StatusChange(
                complaint_id=complaint.id,  # type: ignore[arg-type]
                from_status=previous,
                to_status=status,
                reason=reason[:MAX_REASON],
                created_at=now,
            )
        )


def update_status_where(
    session: Session,
    *conditions: ColumnElement[bool],
    status: ComplaintStatus,
    reason: str = "",
    values: dict[str, Any] | None = None,
) -> int:
    """A conditional status UPDATE (a claim, a release) that also writes each moved row's history; no commit.

    The history is copied from the rows first, under a row lock on PostgreSQL (SQLite's writer already holds
    the database), so `from_status` is the status the UPDATE then replaces. Returns how many rows moved.
    """
    now = utcnow()
    reason = reason[:MAX_REASON]
    moving = (
        core_select(
            col(Complaint.id),
            col(Complaint.status),
            literal(status.value),
            literal(reason),
            literal(now, type_=StatusChange.__table__.c.created_at.type),  # type: ignore[attr-defined]
        )
        .where(*conditions, col(Complaint.status) != status)
        .with_for_update()
    )
    session.exec(
        insert(StatusChange).from_select(["complaint_id", "from_status", "to_status", "reason", "created_at"], moving)
    )
    result = session.exec(
        update(Complaint)
        .where(*conditions)
        .values(status=status, status_reason=reason, status_changed_at=now, updated_at=now, **(values or {}))
    )
    return int(result.rowcount)


def _warn_unless_system_move(previous: str, status: str) -> None:
    # Not refused: a worker that cannot record a failure would retry forever. A warning shows the gap in
    # hotline.lifecycle.SYSTEM_MOVES (or the bug) in the logs.
    if not is_system_move(previous, status):
        log.warning("system moved a complaint from %s to %s, outside the lifecycle's system moves", previous, status)
