"""The database is the source of truth: work it shows as in progress for too long is enqueued again.

RQ loses jobs whose worker is killed outright (rq#2015, #2289); this pass finds the rows such a
job left behind and hands them out again. Live jobs (waiting, scheduled for a retry, or running
with fresh heartbeats) are left alone by the dispatcher, so sweeping often is harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hotline.models import Complaint, ComplaintStatus, Recording, RecordingStatus, utcnow
from hotline.models.common import saved_id
from hotline.settings import Settings
from queue_workers.dispatch import RQDispatcher

log = logging.getLogger(__name__)

BATCH = 500


@dataclass
class SweepReport:
    recordings: list[str] = field(default_factory=list)
    complaints: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return f"re-enqueued {len(self.recordings)} recordings, {len(self.complaints)} complaints"


def sweep_stuck_work(*, engine: Engine, dispatcher: RQDispatcher, settings: Settings) -> SweepReport:
    cutoff = utcnow() - timedelta(seconds=settings.STUCK_AFTER_SECONDS)
    report = SweepReport()
    with Session(engine) as session:
        recordings = session.exec(
            select(Recording)
            .where(col(Recording.status).in_([RecordingStatus.PENDING, RecordingStatus.DOWNLOADING]))
            .where(col(Recording.complaint_id).is_not(None))
            .where(Recording.updated_at < cutoff)
            .limit(BATCH)
        ).all()
        for recording in recordings:
            if dispatcher.recording_ready(recording.twilio_recording_sid):
                report.recordings.append(recording.twilio_recording_sid)

        stuck = session.exec(
            select(Complaint, Recording)
            .join(Recording, col(Recording.complaint_id) == Complaint.id)
            .where(col(Complaint.status).in_([ComplaintStatus.RECEIVED, ComplaintStatus.TRANSCRIBING]))
            .where(Recording.status == RecordingStatus.STORED)
            .where(Complaint.status_changed_at < cutoff)
            .limit(BATCH)
        ).all()
        for complaint, recording in stuck:
            complaint_id = saved_id(complaint)
            if dispatcher.complaint_ready(complaint_id, recording.duration_seconds):
                report.complaints.append(complaint_id)
    if report.recordings or report.complaints:
        log.warning("sweeper: %s", report.summary())
    return report
