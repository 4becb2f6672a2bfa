"""The queue of complaints waiting for a person to type what the caller said (no model for their language).

"Save and next" walks it oldest first, so the longest-waiting caller is heard first; the complaint just
saved is skipped, and so is one another transcriber has saved a version of in the last minutes.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from hotline.models import Complaint, ComplaintStatus


def next_waiting(session: Session, *, after_reference: str | None = None) -> str | None:
    """The reference of the oldest complaint still without a staff transcript and waiting for one, or None."""
    query = (
        select(Complaint.reference)
        .where(
            Complaint.status == ComplaintStatus.NEEDS_MANUAL_TRANSCRIPTION,
            col(Complaint.reviewed).is_(False),
        )
        .order_by(col(Complaint.created_at), col(Complaint.id))
        .limit(1)
    )
    if after_reference is not None:
        query = query.where(Complaint.reference != after_reference)
    return session.exec(query).first()
