"""The database is the source of truth: work it shows waiting, with no live job to do it, is enqueued again.

Three things leave work without a job: Redis refused or stalled on the enqueue after the webhook's
commit, a worker was killed outright (RQ loses such jobs, rq#2015, #2289), or Redis lost its data.
This pass runs every few seconds, so none of them delays a complaint by more than that. It asks RQ
whether a live job already holds the work (waiting, scheduled for a retry, or running with fresh
heartbeats) and leaves that alone. A dead job's claim is broken here rather than left to its lease,
and work that has used all its attempts is marked failed, with the reason, for staff to see.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hotline.complaint_status import set_complaint_status
from hotline.models import Complaint, ComplaintStatus, Episode, EpisodeStatus, Recording, RecordingStatus, utcnow
from hotline.models.common import saved_id
from hotline.notice_outbox import give_up_notice, pending_notices
from hotline.settings import Settings
from queue_workers.dispatch import RQDispatcher
from queue_workers.queues import intake_job_id, notice_job_id, transcribe_job_id

log = logging.getLogger(__name__)

BATCH = 500


@dataclass
class SweepReport:
    recordings: list[str] = field(default_factory=list)
    complaints: list[int] = field(default_factory=list)
    notices: list[int] = field(default_factory=list)
    episodes: list[int] = field(default_factory=list)  # builds and deliveries handed to the queue again
    failed: list[str] = field(default_factory=list)  # given up after every attempt, shown to staff

    def summary(self) -> str:
        return (
            f"re-enqueued {len(self.recordings)} recordings, {len(self.complaints)} complaints, "
            f"{len(self.notices)} notices, {len(self.episodes)} episode builds or deliveries; "
            f"{len(self.failed)} given up"
        )


def sweep_stuck_work(*, engine: Engine, dispatcher: RQDispatcher, settings: Settings) -> SweepReport:
    now = utcnow()
    cutoff = now - timedelta(seconds=settings.STUCK_AFTER_SECONDS)
    report = SweepReport()
    with Session(engine, expire_on_commit=False) as session:
        _sweep_recordings(session, dispatcher, settings, cutoff, now, report)
        _sweep_complaints(session, dispatcher, settings, cutoff, now, report)
        _sweep_notices(session, dispatcher, settings, cutoff, report)
        _sweep_episodes(session, dispatcher, cutoff, report)
    if report.recordings or report.complaints or report.notices or report.episodes or report.failed:
        log.warning("sweeper: %s", report.summary())
    return report


def _sweep_recordings(
    session: Session, dispatcher: RQDispatcher, settings: Settings, cutoff: datetime, now: datetime, report: SweepReport
) -> None:
    max_attempts = len(settings.INTAKE_RETRY_INTERVALS) + 1
    recordings = session.exec(  # served by ix_recording_sweep_status_updated
        select(Recording)
        .where(col(Recording.status).in_([RecordingStatus.PENDING, RecordingStatus.DOWNLOADING]))
        .where(col(Recording.complaint_id).is_not(None))
        .where(Recording.updated_at < cutoff)
        .order_by(col(Recording.updated_at))
        .limit(BATCH)
    ).all()
    for recording in recordings:
        sid = recording.twilio_recording_sid
        if dispatcher.job_is_live(intake_job_id(sid)):
            continue
        if recording.attempts >= max_attempts:
            reason = f"the download did not finish after {recording.attempts} attempts (worker stopped or timed out)"
            if _give_up_recording(session, recording, reason):
                report.failed.append(f"recording {sid}")
            continue
        if recording.status == RecordingStatus.DOWNLOADING:
            _break_claim(session, Recording, saved_id(recording), recording.claimed_by, now)
        if dispatcher.recording_ready(sid):
            report.recordings.append(sid)


def _sweep_complaints(
    session: Session, dispatcher: RQDispatcher, settings: Settings, cutoff: datetime, now: datetime, report: SweepReport
) -> None:
    max_attempts = len(settings.TRANSCRIBE_RETRY_INTERVALS) + 1
    stuck = session.exec(  # served by ix_complaint_sweep_status_changed
        select(Complaint, Recording)
        .join(Recording, col(Recording.complaint_id) == Complaint.id)
        .where(col(Complaint.status).in_([ComplaintStatus.RECEIVED, ComplaintStatus.TRANSCRIBING]))
        .where(Recording.status == RecordingStatus.STORED)
        .where(Complaint.status_changed_at < cutoff)
        .order_by(col(Complaint.status_changed_at))
        .limit(BATCH)
    ).all()
    for complaint, recording in stuck:
        complaint_id = saved_id(complaint)
        if dispatcher.job_is_live(transcribe_job_id(complaint_id)):
            continue
        if complaint.transcribe_attempts >= max_attempts:
            reason = f"transcription did not finish after {complaint.transcribe_attempts} attempts (worker stopped)"
            complaint.claimed_by = complaint.lease_expires_at = None
            set_complaint_status(session, complaint, ComplaintStatus.FAILED, reason)
            session.commit()
            report.failed.append(f"complaint {complaint.reference}")
            continue
        if complaint.status == ComplaintStatus.TRANSCRIBING:
            _break_claim(session, Complaint, complaint_id, complaint.claimed_by, now)
        if dispatcher.complaint_ready(complaint_id, recording.duration_seconds):
            report.complaints.append(complaint_id)


def _sweep_notices(
    session: Session, dispatcher: RQDispatcher, settings: Settings, cutoff: datetime, report: SweepReport
) -> None:
    """Pending notices with no live send job: enqueue again, or mark failed once every attempt is used."""
    max_attempts = len(settings.NOTICE_RETRY_INTERVALS) + 1
    for notice in pending_notices(session, created_before=cutoff, limit=BATCH):
        notice_id = saved_id(notice)
        if dispatcher.job_is_live(notice_job_id(notice_id)):
            continue
        if notice.attempts >= max_attempts:
            reason = notice.last_error or f"not sent after {notice.attempts} attempts (worker stopped)"
            if give_up_notice(session, notice_id=notice_id, reason=reason):
                report.failed.append(f"notice {notice_id}")
            session.commit()
            continue
        if dispatcher.notice_ready(notice_id):
            report.notices.append(notice_id)
    session.rollback()  # end the read snapshot


def _sweep_episodes(session: Session, dispatcher: RQDispatcher, cutoff: datetime, report: SweepReport) -> None:
    """Builds asked for, and publications never delivered, with no live job: hand them to the queue again.

    Both jobs are safe to repeat (a build claims the episode and writes the same package; a delivery rewrites
    the feed). A build or delivery that failed after RQ's retries is not here: its error is on the episode for
    the producer, who asks again from the page.
    """
    building = session.exec(
        select(Episode.id)
        .where(col(Episode.status) == EpisodeStatus.BUILDING, col(Episode.updated_at) < cutoff)
        .limit(BATCH)
    ).all()
    undelivered = session.exec(
        select(Episode.id)
        .where(col(Episode.status) == EpisodeStatus.PUBLISHED, col(Episode.published_at) < cutoff)
        .where(col(Episode.delivered_at).is_(None), col(Episode.delivery_error) == "")
        .limit(BATCH)
    ).all()
    session.rollback()  # end the read snapshot
    # The dispatcher enqueues only when no live job (waiting, scheduled for a retry, running) holds the work.
    report.episodes += [i for i in building if i is not None and dispatcher.episode_build_requested(i)]
    report.episodes += [i for i in undelivered if i is not None and dispatcher.episode_published(i)]


def _break_claim(
    session: Session, model: type[Recording] | type[Complaint], row_id: int, token: str | None, now: datetime
) -> None:
    """End the lease of a claim whose job is gone, so the next job may take the row at once.

    Conditional on the same token: if the old job did finish (or another took over) meanwhile, nothing changes.
    """
    session.exec(
        update(model).where(col(model.id) == row_id, col(model.claimed_by) == token).values(lease_expires_at=now)
    )
    session.commit()


def _give_up_recording(session: Session, recording: Recording, reason: str) -> bool:
    """Mark a recording (and its complaint) failed in one transaction, unless something took it meanwhile."""
    changed = session.exec(
        update(Recording)
        .where(col(Recording.id) == recording.id, col(Recording.updated_at) == recording.updated_at)
        .values(status=RecordingStatus.FAILED, last_error=reason, claimed_by=None, lease_expires_at=None,
                updated_at=utcnow())
    ).rowcount  # fmt: skip
    complaint = session.get(Complaint, recording.complaint_id) if changed and recording.complaint_id else None
    if complaint is not None:
        set_complaint_status(session, complaint, ComplaintStatus.FAILED, f"recording failed: {reason}")
    session.commit()
    return bool(changed)
