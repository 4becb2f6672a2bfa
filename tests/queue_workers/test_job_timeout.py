"""A job that hits RQ's own time limit counts the attempt and, after the last one, fails for staff to see.

The download deadline (tests/queue_workers/test_intake.py, "slow") ends a trickling download from inside
our code. This is the other guard: the real RQ worker's death penalty (SIGALRM in the forked work horse)
raises `JobTimeoutException` in the middle of a download that no deadline of ours would end in time.
Nothing here is simulated but the caller: a real call through the app, a real media host that never
answers, the job enqueued by the recording webhook, a real burst worker, real Redis and the real database.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline import accounts, api_tokens
from hotline.models import Complaint, ComplaintStatus, Recording, RecordingStatus
from hotline.settings import Settings
from ivr.media_server import MediaServer
from queue_workers import dispatch
from queue_workers.queues import QueueName, intake_job_id
from queue_workers.worker import HotlineWorker
from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher, reread
from tests.ivr.conftest import write_tone
from tests.queue_workers.conftest import ENGLISH_REPORT, Caller

JOB_TIME_LIMIT = 1  # seconds: RQ's per-job timeout, far below the download limits (20 s a read, 60 s in all)


@pytest.fixture
def media_hangs(media: MediaServer) -> Iterator[threading.Event]:
    """The media host takes the request and then says nothing until the test lets it go."""
    release = threading.Event()

    def hang(_sid: str) -> None:
        release.wait(60)

    media.hook = hang
    yield release
    release.set()


def test_a_job_time_limit_counts_each_attempt_then_fails_for_staff(
    call_in: Caller,
    worker_settings: Settings,
    engine: Engine,
    session: Session,
    media: MediaServer,
    media_hangs: threading.Event,
    redis_conn: Redis,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts = len(worker_settings.INTAKE_RETRY_INTERVALS) + 1
    assert attempts >= 2, "a retry must follow the first time-out for this test to show it counted"
    # The intake time limit is a constant of the dispatcher (180 s in production); shorten it for this run.
    monkeypatch.setattr(dispatch, "INTAKE_TIMEOUT_SECONDS", JOB_TIME_LIMIT)
    reference = call_in(ENGLISH_REPORT, write_tone(tmp_path / "message.wav", seconds=2.0))
    sid = session.exec(select(Recording.twilio_recording_sid)).one()
    job = Job.fetch(intake_job_id(sid), connection=redis_conn)  # enqueued by the recording webhook
    assert job.timeout == JOB_TIME_LIMIT and job.retries_left == attempts - 1

    started = time.monotonic()
    HotlineWorker([Queue(QueueName.INTAKE, connection=redis_conn)], connection=redis_conn).work(burst=True)
    elapsed = time.monotonic() - started

    # Every try asked the host and was cut by the job's limit, long before any download limit of ours.
    tries = [path for path, _auth in media.requests if sid in path]
    assert len(tries) == attempts, media.requests
    assert elapsed < attempts * JOB_TIME_LIMIT + 20, f"{elapsed:.1f} s: a download limit, not the job's, ended it"

    # Each try was counted, and the last one ended the work with a reason that names the time limit.
    reread(session)
    recording = session.exec(select(Recording).where(Recording.twilio_recording_sid == sid)).one()
    assert recording.status == RecordingStatus.FAILED
    assert recording.attempts == attempts
    assert recording.claimed_by is None and recording.lease_expires_at is None
    assert recording.last_error.startswith(f"attempt {attempts}: JobTimeoutException"), recording.last_error
    assert f"({JOB_TIME_LIMIT} seconds)" in recording.last_error
    complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).one()
    assert complaint.status == ComplaintStatus.FAILED
    assert "JobTimeoutException" in complaint.status_reason

    # RQ keeps the job among its failures, with the time limit as the cause.
    job = Job.fetch(intake_job_id(sid), connection=redis_conn)
    assert job.get_status() == JobStatus.FAILED and not job.retries_left
    assert job.id in FailedJobRegistry(QueueName.INTAKE, connection=redis_conn).get_job_ids()
    failure = job.latest_result()
    assert failure is not None and "JobTimeoutException" in (failure.exc_string or "")

    # Staff read the same reason through their API.
    accounts.create_user(session, email="staff@example.org", role="staff")
    token = api_tokens.create_token(session, email="staff@example.org").token
    app = create_app(worker_settings, jobs=RecordingDispatcher(), engine=engine)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        shown = client.get(f"/api/complaints/{reference}", headers={"Authorization": f"Bearer {token}"})
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["status"] == "failed"
    assert "JobTimeoutException" in body["status_reason"], body
