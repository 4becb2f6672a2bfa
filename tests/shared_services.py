"""One test run at a time on the machine's shared servers.

The local Redis (database 13) and PostgreSQL (database `test`) are shared by every checkout on the
machine. Two suites running at once used to corrupt each other: one run's `FLUSHDB` wiped the other's
failed-job registry in the middle of a test, and its workers took the other's jobs. Each run now holds
a lock on the server for as long as it uses it; a second run waits its turn. Both locks die with the
process that holds them (an expiring Redis key kept alive by a thread; a PostgreSQL session lock).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from redis import Redis
from redis.lock import Lock

LOCK_DB_URL = "redis://127.0.0.1:6379/12"  # not the database the tests flush
_LOCK_SECONDS = 60
_WAIT_SECONDS = 1800
_PG_LOCK_KEY = 0x46_4D_53  # "FMS": any constant shared by every run of this suite


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
