"""A database connection that dies (PostgreSQL restarted, a proxy cut it) costs no caller a webhook.

The engine does not ping every connection before use (a round trip on every webhook): a connection that
sat idle is pinged, and one that dies mid-burst makes the edge replay the step once on a fresh connection.
Here the server really ends our pooled connections (`pg_terminate_backend`), as a restart does.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine, make_url
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from fixmyservice.app import create_app
from hotline import db
from hotline.models import Call
from tests.conftest import PUBLIC_BASE_URL, TWILIO_TOKEN, RecordingDispatcher, make_settings


class Pool:
    """An engine of the test's own, and the server process behind each connection it opened."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = db.make_engine(url)
        self.backends: list[int] = []
        event.listen(self.engine, "connect", self._opened)

    def _opened(self, dbapi_connection: Any, _record: Any) -> None:
        self.backends.append(dbapi_connection.info.backend_pid)

    def end_every_connection(self) -> None:
        """What a database restart does to a pool: every connection it holds is closed by the server."""
        conninfo = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as admin:
            for pid in self.backends:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            deadline = time.monotonic() + 10
            while admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (self.backends,)
            ).fetchone() != (0,):
                assert time.monotonic() < deadline, "the server did not end the connections"
                time.sleep(0.05)


@pytest.fixture
def pool(database_url: str, engine: Engine) -> Iterator[Pool]:
    """Its own engine, so that only its connections are ended (`engine` is asked for to empty the tables after)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: an SQLite file has no connection to lose")
    own = Pool(database_url)
    yield own
    own.engine.dispose()


def _voice(client: TestClient, n: int) -> int:
    url = f"{PUBLIC_BASE_URL}/ivr/voice"
    form = {"CallSid": f"CA{n:032x}", "From": f"+9769900{n:04d}", "To": "+97670000000", "CallStatus": "ringing"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    return client.post(url, data=form, headers={"X-Twilio-Signature": signature}).status_code


def _calls(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Call)).scalar_one())


@pytest.mark.parametrize("ping_after_idle", [3600.0, 0.0], ids=["mid-burst-replayed", "idle-pinged"])
def test_a_webhook_on_a_connection_the_server_ended_still_answers(
    ping_after_idle: float,
    pool: Pool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Mid-burst (no ping: the step fails on the dead connection and is replayed) and after idling (pinged)."""
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", ping_after_idle)
    app = create_app(make_settings(tmp_path, pool.url), jobs=RecordingDispatcher(), engine=pool.engine)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        assert _voice(client, 1) == 200
        opened = len(pool.backends)
        pool.end_every_connection()

        with caplog.at_level(logging.WARNING, logger="ivr.webhook"):
            assert _voice(client, 2) == 200

    assert len(pool.backends) > opened, "a fresh connection replaced the dead one"
    assert _calls(pool.engine) == 2, "the second call was stored once"
    replayed = any("replaying the step once" in record.getMessage() for record in caplog.records)
    assert replayed == (ping_after_idle > 1), "replayed only when no ping caught the dead connection first"
