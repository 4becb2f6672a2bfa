"""Putting work on the queues: one job per entity, never two live jobs for the same work."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from redis import Redis
from redis.exceptions import RedisError
from rq import Retry, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from hotline.models.common import ensure_aware
from hotline.settings import Settings
from queue_workers.queues import (
    QueueName,
    deadline_job_id,
    episode_build_job_id,
    episode_publish_job_id,
    episodes_job_id,
    intake_job_id,
    notice_job_id,
    queue,
    transcribe_job_id,
)

log = logging.getLogger(__name__)

INTAKE_TIMEOUT_SECONDS = 180
NOTICE_TIMEOUT_SECONDS = 120  # a few SMTP round trips, each bounded by SMTP_TIMEOUT_SECONDS
DEADLINE_TIMEOUT_SECONDS = 600
EPISODES_TIMEOUT_SECONDS = 600  # a few hundred candidates per station, ranked in memory
EPISODE_BUILD_TIMEOUT_SECONDS = 1800  # a one-hour show's clips, loudness, MP3s and PDF, with room for a busy machine
EPISODE_PUBLISH_TIMEOUT_SECONDS = 600  # the feed, and an upload of the MP3s to a station's playout system
EPISODE_RETRY_INTERVALS = [30, 300]
_WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def worker_stale_after(settings: Settings) -> float:
    """A worker that has not beaten for this long is presumed dead (idle workers beat every interval too)."""
    return 3 * settings.WORKER_HEARTBEAT_SECONDS + 5


def transcribe_timeout(audio_seconds: float | None) -> int:
    """Scale the time limit with the audio: decoding runs well under real time, plus load and tagging."""
    return int(120 + 3 * (audio_seconds or 600))


class RQDispatcher:
    """Enqueues jobs by entity id; the call flow and the jobs use it to hand work on."""

    def __init__(self, connection: Redis, settings: Settings) -> None:
        self.connection = connection
        self.settings = settings

    def recording_ready(self, recording_sid: str) -> bool:
        """Fetch a completed recording (returns False when a live job already does it)."""
        return self._enqueue_once(
            QueueName.INTAKE,
            "queue_workers.jobs.intake",
            recording_sid,
            job_id=intake_job_id(recording_sid),
            timeout=INTAKE_TIMEOUT_SECONDS,
            intervals=self.settings.INTAKE_RETRY_INTERVALS,
            description=f"intake recording {recording_sid}",
        )

    def complaint_ready(self, complaint_id: int, audio_seconds: float | None) -> bool:
        """Transcribe and tag a complaint whose recording is stored."""
        return self._enqueue_once(
            QueueName.TRANSCRIBE,
            "queue_workers.jobs.transcribe",
            complaint_id,
            job_id=transcribe_job_id(complaint_id),
            timeout=transcribe_timeout(audio_seconds),
            intervals=self.settings.TRANSCRIBE_RETRY_INTERVALS,
            description=f"transcribe complaint {complaint_id}",
        )

    def notice_ready(self, notice_id: int) -> bool:
        """Email a queued notice to its provider (retried with NOTICE_RETRY_INTERVALS)."""
        return self._enqueue_once(
            QueueName.NOTICES,
            "queue_workers.notice_jobs.send_notice",
            notice_id,
            job_id=notice_job_id(notice_id),
            timeout=NOTICE_TIMEOUT_SECONDS,
            intervals=self.settings.NOTICE_RETRY_INTERVALS,
            description=f"send notice {notice_id}",
        )

    def deadlines_due(self, day: str) -> bool:
        """Run the deadline pass (reminders, overdue flags) for `day`, once while a job for it is live."""
        return self._enqueue_once(
            QueueName.NOTICES,
            "queue_workers.notice_jobs.deadline_sweep",
            None,
            job_id=deadline_job_id(day),
            timeout=DEADLINE_TIMEOUT_SECONDS,
            intervals=[],
            description=f"deadline pass {day}",
        )

    def episodes_due(self, day: str) -> bool:
        """Draft every station's current-week episode (drafts a producer edited are left alone), once per `day`."""
        return self._enqueue_once(
            QueueName.RADIO,
            "queue_workers.episode_jobs.draft_week",
            None,
            job_id=episodes_job_id(day),
            timeout=EPISODES_TIMEOUT_SECONDS,
            intervals=[],
            description=f"episode drafts {day}",
        )

    def episode_build_requested(self, episode_id: int) -> bool:
        """Build an episode's package; a build already queued or running for it is not doubled."""
        return self._enqueue_once(
            QueueName.RADIO,
            "queue_workers.episode_build_jobs.build_episode",
            episode_id,
            job_id=episode_build_job_id(episode_id),
            timeout=EPISODE_BUILD_TIMEOUT_SECONDS,
            intervals=EPISODE_RETRY_INTERVALS,
            description=f"build episode {episode_id}",
        )

    def episode_published(self, episode_id: int) -> bool:
        """Rebuild the station's feed after a publish, and upload to its playout system if configured."""
        return self._enqueue_once(
            QueueName.RADIO,
            "queue_workers.episode_publish_jobs.after_publish",
            episode_id,
            job_id=episode_publish_job_id(episode_id),
            timeout=EPISODE_PUBLISH_TIMEOUT_SECONDS,
            intervals=EPISODE_RETRY_INTERVALS,
            description=f"publish episode {episode_id}",
        )

    def _enqueue_once(
        self,
        name: QueueName,
        function: str,
        argument: str | int | None,
        *,
        job_id: str,
        timeout: int,
        intervals: list[int],
        description: str,
    ) -> bool:
        """Enqueue unless a live job with this id exists; results kept a week, failures 90 days for staff."""
        if self.job_is_live(job_id):
            return False
        queue(name, self.connection).enqueue(
            function,
            argument,
            job_id=job_id,
            job_timeout=timeout,
            retry=Retry(max=len(intervals), interval=intervals) if intervals else None,
            result_ttl=7 * 86400,
            failure_ttl=90 * 86400,
            description=description,
        )
        return True

    def reachable(self) -> bool:
        """Redis answers: the health check reports it, so a load balancer stops sending calls we cannot queue."""
        try:
            return bool(self.connection.ping())
        except RedisError:
            return False

    def live_workers(self) -> int:
        """Workers whose heartbeat is fresh; a killed worker stays registered until its key expires, so
        the heartbeat, not the registration, is what counts."""
        fresh_after = datetime.now(UTC) - timedelta(seconds=worker_stale_after(self.settings))
        count = 0
        for worker in Worker.all(connection=self.connection):
            beat = ensure_aware(worker.last_heartbeat)
            if beat is not None and beat > fresh_after:
                count += 1
        return count

    def job_is_live(self, job_id: str) -> bool:
        """Waiting, or running on a worker that still sends heartbeats (a killed worker stops)."""
        try:
            job = Job.fetch(job_id, connection=self.connection)
        except NoSuchJobError:
            return False
        status = job.get_status(refresh=False)
        if status in _WAITING:
            return True
        if status != JobStatus.STARTED:
            return False
        beat = ensure_aware(job.last_heartbeat or job.started_at)
        if beat is None:
            return True
        grace = timedelta(seconds=worker_stale_after(self.settings))
        alive = datetime.now(UTC) - beat < grace
        if not alive:
            log.warning("job %s looks abandoned (last heartbeat %s)", job_id, beat.isoformat())
        return alive
