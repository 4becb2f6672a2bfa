"""A worker killed outright (SIGKILL) in the middle of a decode must not leave the complaint stuck.

RQ cannot clean up after a worker that dies without a chance to run handlers; the database keeps the
complaint in `transcribing`, and the sweeper hands it out again once the dead job's heartbeats stop.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from redis import Redis
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlmodel import Session, select

from hotline.models import Complaint, ComplaintStatus, Transcript
from hotline.settings import Settings
from queue_workers.dispatch import RQDispatcher
from queue_workers.queues import QueueName, transcribe_job_id
from queue_workers.sweeper import sweep_stuck_work
from queue_workers.worker import run_worker
from tests.conftest import reread
from tests.queue_workers.conftest import KOREAN_REPORT, Caller, wait_for, worker_command
from tests.transcription.audio_factory import AudioFactory, _run

# The local Redis only (as production runs with REDIS_URL): a 40-second test need not run twice. The embedded
# server is covered on the same path by cheaper tests: test_worker_pool[embedded] kills `fixmyservice worker`
# outright and sees its heartbeats go stale, test_sweeper[embedded] re-enqueues a transcription whose claim
# died, test_transcribe_job[embedded] decodes a real call; reading a dead job's last heartbeat is the same
# RQ hash read on either server.
pytestmark = [pytest.mark.vosk, pytest.mark.parametrize("redis_conn", ["local"], indirect=True)]

# Long enough that the decode is surely still running when the worker dies (~0.08 s CPU per audio second).
SPEECH_REPEATS = 12


@pytest.fixture
def long_speech(speech: AudioFactory, tmp_path: Path) -> Path:
    path = tmp_path / "long-speech.wav"
    _run("sox", *[speech.telephone("u-law")] * SPEECH_REPEATS, path)
    return path


@pytest.fixture
def crash_settings(worker_settings: Settings) -> Settings:
    return worker_settings.model_copy(update={"WORKER_HEARTBEAT_SECONDS": 1, "STUCK_AFTER_SECONDS": 1})


@pytest.fixture
def worker_process(crash_settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    with worker_command(crash_settings) as proc:
        yield proc


def _status(session: Session, reference: str) -> Complaint:
    reread(session)
    return session.exec(select(Complaint).where(Complaint.reference == reference)).one()


def _explain(session: Session, reference: str, redis_conn: Redis) -> str:
    """What the sweeper saw, for a failure message: the row's claim and the dead job's state in RQ."""
    complaint = _status(session, reference)
    try:
        job = Job.fetch(transcribe_job_id(complaint.id or 0), connection=redis_conn)
        rq_state = f"job {job.get_status()} started {job.started_at} last beat {job.last_heartbeat}"
    except NoSuchJobError:
        rq_state = "no job in RQ"
    return (
        f"(complaint {complaint.status}, attempts {complaint.transcribe_attempts}, lease {complaint.lease_expires_at}, "
        f"changed {complaint.status_changed_at}; {rq_state})"
    )


def test_complaint_finishes_after_worker_is_killed_mid_decode(
    worker_process: subprocess.Popen[bytes],
    call_in: Caller,
    crash_settings: Settings,
    long_speech: Path,
    session: Session,
    engine,  # type: ignore[no-untyped-def]
    redis_conn: Redis,
) -> None:
    reference = call_in(KOREAN_REPORT, long_speech)
    # The worker process fetches the recording, then starts decoding: that is when it dies.
    wait_for(lambda: _status(session, reference).status == ComplaintStatus.TRANSCRIBING, 60, "the decode to start")
    time.sleep(0.5)
    # The machine takes everything down at once: the pool, its worker and the work horse decoding the job
    # (RQ puts each horse in a process group of its own, so killing the worker's group would spare it).
    doomed = psutil.Process(worker_process.pid).children(recursive=True)
    os.killpg(worker_process.pid, signal.SIGKILL)
    for process in doomed:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    worker_process.wait()

    time.sleep(1.5)  # longer than STUCK_AFTER_SECONDS
    assert _status(session, reference).status == ComplaintStatus.TRANSCRIBING, "stuck: nobody is decoding it"
    assert session.exec(select(Transcript)).all() == []

    dispatcher = RQDispatcher(redis_conn, crash_settings)
    swept: list[int] = []

    def sweep() -> bool:
        swept.extend(sweep_stuck_work(engine=engine, dispatcher=dispatcher, settings=crash_settings).complaints)
        return bool(swept)

    # The dead job keeps its last heartbeat; once that is older than three beats the sweeper re-enqueues.
    wait_for(
        sweep,
        60,
        "the sweeper to re-enqueue the stuck complaint",
        explain=lambda: _explain(session, reference, redis_conn),
    )
    complaint = _status(session, reference)
    assert swept == [complaint.id]

    run_worker(crash_settings, burst=True, queues=[QueueName.TRANSCRIBE])
    complaint = _status(session, reference)
    assert complaint.status == ComplaintStatus.TRANSCRIBED, complaint.status_reason
    assert len(session.exec(select(Transcript)).all()) == 1
    assert sweep_stuck_work(engine=engine, dispatcher=dispatcher, settings=crash_settings).complaints == []
