"""One test run at a time on the machine's shared servers.

The local Redis (database 13) and PostgreSQL (database `test`) are shared by every checkout on the
machine. Two suites running at once used to corrupt each other: one run's `FLUSHDB` wiped the other's
failed-job registry in the middle of a test, and its workers took the other's jobs. Each run now holds
a lock on the server for as long as it uses it; a second run waits its turn. Both locks die with the
process that holds them (an expiring Redis key kept alive by a thread; a PostgreSQL session lock).

Under pytest-xdist each worker is a run of its own: worker gwN has its own Redis database and its own
PostgreSQL database (gw0, and a run without xdist, keep 13 and `test`), each behind its own lock, so the
workers of one run never wait for each other while two checkouts still take turns database by database.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from redis import Redis
from redis.lock import Lock

LOCK_DB_URL = "redis://127.0.0.1:6379/12"  # not the database the tests flush
_LOCK_SECONDS = 60
_WAIT_SECONDS = 1800
_PG_LOCK_KEY = 0x46_4D_53  # "FMS": any constant shared by every run of this suite (advisory locks are per database)
# The Redis databases the queue tests flush, by xdist worker. Not 11 (benchmarks/webhooks.py's), 12 (the
# locks) or 14 (tests/fixmyservice/test_body_cap.py's web process).
_REDIS_TEST_DBS = (13, 15, 10, 9)


def xdist_worker_index() -> int:
    """N for pytest-xdist's worker gwN; 0 without xdist."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))


def local_redis_db() -> int:
    """This worker's database on the local Redis."""
    index = xdist_worker_index()
    if index >= len(_REDIS_TEST_DBS):
        raise RuntimeError(f"no Redis database set aside for xdist worker gw{index}: at most -n {len(_REDIS_TEST_DBS)}")
    return _REDIS_TEST_DBS[index]


def worker_postgres_url(sqlalchemy_url: str) -> str:
    """This worker's database: the given one for gw0, `<name>_gwN` beside it (created if missing) for gwN."""
    index = xdist_worker_index()
    if index == 0:
        return sqlalchemy_url
    base, _, name = sqlalchemy_url.rpartition("/")
    own = f"{name}_gw{index}"
    dsn = sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,)).fetchone() is None:
            # (another checkout's worker may have made it a moment ago)
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(own)))
    return f"{base}/{own}"


@contextmanager
def exclusive_redis(name: str) -> Iterator[None]:
    """Hold `name` on the local Redis while the block runs, renewing it so a long run keeps it."""
    connection = Redis.from_url(LOCK_DB_URL)
    lock = Lock(connection, f"fixmyservice-tests:{name}", timeout=_LOCK_SECONDS, thread_local=False)
    if not lock.acquire(blocking=True, blocking_timeout=_WAIT_SECONDS):
        raise TimeoutError(f"another test run held {name} for {_WAIT_SECONDS} s")
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(_LOCK_SECONDS / 3):
            lock.reacquire()

    renewer = threading.Thread(target=renew, name="redis-test-lock", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        lock.release()


@contextmanager
def exclusive_postgres(sqlalchemy_url: str) -> Iterator[None]:
    """Hold a session-level advisory lock on the test database while the block runs."""
    dsn = sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (_PG_LOCK_KEY,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (_PG_LOCK_KEY,))
