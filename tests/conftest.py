"""Shared fixtures: a real database (SQLite, or PostgreSQL via TEST_DATABASE_URL), settings, the app.

Every test runs against real parts. The schema comes from the Alembic migrations, exactly as in
production; tables are emptied between tests instead of rebuilt, to keep the suite fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel
from starlette.testclient import TestClient

import hotline.models  # noqa: F401 - registers tables
from fixmyservice.app import create_app
from hotline.db import alembic_config, make_engine, migrate
from hotline.settings import Settings
from tests.shared_services import exclusive_postgres, exclusive_redis, local_redis_db, worker_postgres_url

PUBLIC_BASE_URL = "https://hotline.example.org"
TWILIO_SID = "AC" + "1" * 32
TWILIO_TOKEN = "test-auth-token-0123456789abcdef"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass (TEST_DATABASE_URL set), run only the tests that reach the database.

    A test reaches it only through the `database_url` fixture (every engine, session, settings and app
    fixture depends on it), so a test without it in its fixture closure - audio, transcription, parsing,
    pure functions - would run exactly as it did in the SQLite pass, and is deselected here rather than
    run twice. Deselected, not skipped: the summary counts them apart from real skips.
    """
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (kept if "database_url" in getattr(item, "fixturenames", ()) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


class RecordingDispatcher:
    """Collects what the app hands to the queues; tests that need a real queue use RQ itself."""

    def __init__(self) -> None:
        self.recordings: list[str] = []
        self.notices: list[int] = []
        self.episode_builds: list[int] = []
        self.episodes_published: list[int] = []

        self.up = True
        self.workers = 1

    def recording_ready(self, recording_sid: str) -> bool:
        self.recordings.append(recording_sid)
        return True

    def notice_ready(self, notice_id: int) -> bool:
        self.notices.append(notice_id)
        return True

    def episode_build_requested(self, episode_id: int) -> bool:
        self.episode_builds.append(episode_id)
        return True

    def episode_published(self, episode_id: int) -> bool:
        self.episodes_published.append(episode_id)
        return True

    def reachable(self) -> bool:
        return self.up

    def live_workers(self) -> int:
        return self.workers


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        migrate(url)
        yield url
        return
    url = worker_postgres_url(url)  # an xdist worker's own database
    with exclusive_postgres(url):  # another checkout's suite may be using the same database: wait for it
        from alembic import command

        command.downgrade(alembic_config(url), "base")
        migrate(url)
        yield url


@pytest.fixture(scope="session")
def local_redis() -> Iterator[str]:
    """This run's turn on its database of the machine's shared Redis (see tests/shared_services.py): its URL."""
    db = local_redis_db()
    with exclusive_redis(f"db{db}"):
        yield f"redis://127.0.0.1:6379/{db}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "engine" not in request.fixturenames:
        return
    eng: Engine = request.getfixturevalue("engine")
    with eng.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


def reread(session: Session) -> None:
    """Forget what this session has loaded and end its read snapshot, to see what workers committed since."""
    session.rollback()  # ends the transaction (SQLite keeps a snapshot per transaction)...
    session.expire_all()  # ...and, should none be open, still drops the cached rows


def make_settings(tmp_path: Path, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "ENVIRONMENT": "development",
        "DATA_DIR": tmp_path / "data",
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "RECORDING_HOSTS": "api.twilio.com",
        "ALLOW_LOOPBACK_RECORDINGS": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


@pytest.fixture
def jobs() -> RecordingDispatcher:
    return RecordingDispatcher()


@pytest.fixture
def client(settings: Settings, engine: Engine, jobs: RecordingDispatcher) -> Iterator[TestClient]:
    app = create_app(settings, jobs=jobs, engine=engine)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as c:
        yield c
