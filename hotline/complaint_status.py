"""Moving a complaint through its lifecycle: the one place that stamps when and why its status changed.

Intake, transcription and (later) staff all change statuses; doing it here keeps `status_changed_at`,
which the sweeper and the staff view rely on, consistent whoever makes the change.
"""

from __future__ import annotations

from sqlmodel import Session

from hotline.models import Complaint, ComplaintStatus, utcnow

MAX_REASON = 1000  # the column's width


def set_complaint_status(session: Session, complaint: Complaint, status: ComplaintStatus, reason: str = "") -> None:
    """Record the new status with its reason (shown to staff and, by name, to callers); the caller commits,
    so a status always lands in the same transaction as the work that justifies it."""
    now = utcnow()
    complaint.status, complaint.status_reason = status, reason[:MAX_REASON]
    complaint.status_changed_at = complaint.updated_at = now
    session.add(complaint)
