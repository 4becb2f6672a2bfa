"""`fixmyservice worker` keeps its pool full: a killed worker is replaced and work goes on; with no worker
alive at all, /healthz says 503 instead of `ok` while recordings pile up."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from redis import Redis
from rq import Worker
from rq.job import Job, JobStatus
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.settings import Settings
from queue_workers.connection import redis_url_of
from queue_workers.dispatch import RQDispatcher
from queue_workers.queues import intake_job_id
from tests.conftest import PUBLIC_BASE_URL, make_settings
from tests.queue_workers.conftest import wait_for, worker_command


@pytest.fixture
def pool_settings(tmp_path: Path, database_url: str, redis_conn: Redis) -> Settings:
    return make_settings(tmp_path, database_url, REDIS_URL=redis_url_of(redis_conn), WORKER_HEARTBEAT_SECONDS=1)


@pytest.fixture
def pool(pool_settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    with worker_command(pool_settings) as proc:
        yield proc


def _workers_of(pool: subprocess.Popen[bytes]) -> list[int]:
    return [p.pid for p in psutil.Process(pool.pid).children() if p.name() != "Scheduler"]


def _job_runs(redis_conn: Redis, settings: Settings, sid: str) -> None:
    RQDispatcher(redis_conn, settings).recording_ready(sid)
    job_id = intake_job_id(sid)
    wait_for(
        lambda: Job.fetch(job_id, connection=redis_conn).get_status() == JobStatus.FINISHED,
        30,
        f"{sid} done",
        explain=lambda: _explain(redis_conn, settings, job_id),
    )


def _explain(redis_conn: Redis, settings: Settings, job_id: str) -> str:
    """For a failure message: where the job got to, and which workers RQ knows and what they were doing."""
    job = Job.fetch(job_id, connection=redis_conn)
    workers = [
        f"{w.name} {w.get_state()} beat {w.last_heartbeat} job {w.get_current_job_id()}"
        for w in Worker.all(connection=redis_conn)
    ]
    return (
        f"(job {job.get_status()} enqueued {job.enqueued_at} started {job.started_at} by {job.worker_name}; "
        f"exc {job.exc_info!r}; {RQDispatcher(redis_conn, settings).live_workers()} live of {workers})"
    )


def test_a_killed_worker_is_replaced_and_none_alive_is_503(
    pool: subprocess.Popen[bytes],
    pool_settings: Settings,
    redis_conn: Redis,
    engine,  # type: ignore[no-untyped-def]
) -> None:
    dispatcher = RQDispatcher(redis_conn, pool_settings)
    wait_for(lambda: dispatcher.live_workers() == 1, 30, "the worker to start")
    _job_runs(redis_conn, pool_settings, "RE-before")
    (first,) = _workers_of(pool)

    os.kill(first, signal.SIGKILL)

    wait_for(lambda: _workers_of(pool) and _workers_of(pool) != [first], 15, "a replacement worker")
    _job_runs(redis_conn, pool_settings, "RE-after")  # the replacement takes work

    os.killpg(pool.pid, signal.SIGKILL)  # now every worker is gone
    pool.wait()
    wait_for(lambda: dispatcher.live_workers() == 0, 30, "the dead workers' heartbeats to go stale")
    with TestClient(create_app(pool_settings, engine=engine), base_url=PUBLIC_BASE_URL) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == "no worker has sent a heartbeat recently"
