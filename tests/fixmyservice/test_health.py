"""/healthz tells a monitor whether calls can be taken: the database and the queues must both answer."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.db import make_engine
from hotline.settings import Settings
from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher


def test_healthy_service_says_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "deployment": "Mongolia",
        "checks": {"database": "ok", "queues": "ok"},
    }


def test_unreachable_queues_are_503(client: TestClient, jobs: RecordingDispatcher) -> None:
    jobs.up = False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "queues": "unreachable"}


def test_unreachable_database_is_503(settings: Settings, tmp_path: Path) -> None:
    broken = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")  # nothing listens on port 1
    with TestClient(create_app(settings, jobs=RecordingDispatcher(), engine=broken), base_url=PUBLIC_BASE_URL) as c:
        response = c.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "unreachable", "queues": "ok"}


def test_real_redis_dispatcher_reports_reachability(tmp_path: Path, settings: Settings) -> None:
    """The production dispatcher pings Redis: the local server answers, a closed port does not."""
    from redis import Redis

    from queue_workers.dispatch import RQDispatcher

    assert RQDispatcher(Redis.from_url("redis://127.0.0.1:6379/13"), settings).reachable()
    assert not RQDispatcher(Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1), settings).reachable()
