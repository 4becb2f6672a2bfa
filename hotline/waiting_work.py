"""How long the oldest untouched work has waited: the health check's measure of whether work is flowing.

Only work nobody has tried yet counts (a recording never downloaded, a complaint never claimed for
transcription): a recording waiting out a retry back-off of half an hour is being looked after.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from hotline.models import Complaint, ComplaintStatus, Recording, RecordingStatus
from hotline.models.common import ensure_aware


def oldest_untried_work(session: Session) -> datetime | None:
    """When the oldest never-tried recording or complaint started waiting (None when nothing waits)."""
    recording = session.exec(  # served by ix_recording_sweep_status_updated
        select(func.min(Recording.updated_at))
        .where(Recording.status == RecordingStatus.PENDING, Recording.attempts == 0)
        .where(col(Recording.complaint_id).is_not(None))
    ).one()
    complaint = session.exec(  # served by ix_complaint_sweep_status_changed
        select(func.min(Complaint.status_changed_at))
        .join(Recording, col(Recording.complaint_id) == Complaint.id)
        .where(Complaint.status == ComplaintStatus.RECEIVED, Complaint.transcribe_attempts == 0)
        .where(Recording.status == RecordingStatus.STORED)
    ).one()
    times = [t for t in (ensure_aware(recording), ensure_aware(complaint)) if t is not None]
    return min(times) if times else None
