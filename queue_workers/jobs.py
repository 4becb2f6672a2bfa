"""Job functions: a few lines each, taking ids and calling a service function.

Raising makes RQ retry (with the back-off given at enqueue time) and, after the last try, keep
the job in its failed registry; the service functions have already written the reason where
staff can read it.
"""

from __future__ import annotations

import logging

from rq import get_current_job

from intake.recording_intake import IntakeOutcome, intake_recording
from queue_workers.context import current_context
from queue_workers.dispatch import INTAKE_TIMEOUT_SECONDS, transcribe_timeout
from transcription.pipeline import TranscribeOutcome, audio_seconds_of, transcribe_complaint
from transcription.runtime import worker_runtime

log = logging.getLogger(__name__)


class JobFailedError(RuntimeError):
    """The work failed for good; the database already says why."""


def is_last_try() -> bool:
    job = get_current_job()
    return job is None or not job.retries_left


def time_limit(default: float) -> float:
    """This job's own time limit: the claim's lease must outlast it, so a slow job is never preempted."""
    job = get_current_job()
    return float(job.timeout) if job is not None and job.timeout and job.timeout > 0 else default


def intake(recording_sid: str) -> str:
    """Download and store a recording, then hand its complaint to transcription."""
    ctx = current_context()
    result = intake_recording(
        engine=ctx.engine,
        settings=ctx.settings,
        store=ctx.store,
        recording_sid=recording_sid,
        last_try=is_last_try(),
        job_timeout_seconds=time_limit(INTAKE_TIMEOUT_SECONDS),
        max_attempts=len(ctx.settings.INTAKE_RETRY_INTERVALS) + 1,
    )
    if result.outcome in (IntakeOutcome.FAILED, IntakeOutcome.BROKEN):
        raise JobFailedError(f"recording {recording_sid}: {result.reason}")
    if result.outcome == IntakeOutcome.STORED and result.complaint_id is not None:
        ctx.dispatcher.complaint_ready(result.complaint_id, audio_seconds_of(ctx.engine, result.complaint_id))
    return str(result.outcome)


def transcribe(complaint_id: int) -> str:
    """Decode a complaint's recording with its language's model and tag it."""
    ctx = current_context()
    result = transcribe_complaint(
        engine=ctx.engine,
        store=ctx.store,
        runtime=worker_runtime(ctx.settings),
        complaint_id=complaint_id,
        last_try=is_last_try(),
        job_timeout_seconds=time_limit(transcribe_timeout(None)),
        max_attempts=len(ctx.settings.TRANSCRIBE_RETRY_INTERVALS) + 1,
    )
    if result.outcome == TranscribeOutcome.FAILED:
        raise JobFailedError(f"complaint {complaint_id}: {result.reason}")
    return str(result.outcome)
