"""One engine per process, one session per unit of work, schema only through Alembic."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, event, exc
from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SQLiteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql import Executable
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# A pooled connection idle for longer than this is pinged before use (see _ping_when_idle).
PING_AFTER_IDLE_SECONDS = 1.0


def make_engine(url: str) -> Engine:
    """An engine tuned for its backend: SQLite shared by web and worker processes needs WAL and a busy wait."""
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url, pool_size=5, max_overflow=10)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection is alive before use, unless it was in use a moment ago.

    `pool_pre_ping` pays a round trip (and ~45 µs of CPU) on every checkout, so on every webhook. A
    connection dies while idle (the database restarted, a firewall dropped it), so only one that sat in
    the pool longer than PING_AFTER_IDLE_SECONDS is pinged here; raising DisconnectionError makes the
    pool drop it and connect afresh. A connection that breaks mid-burst fails its statement instead:
    SQLAlchemy then invalidates every older pooled connection, and the webhook edge replays its unit of
    work once on a fresh one (ivr.webhook).
    """
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # just connected, or back in the pool a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError(f"pooled connection is dead: {error}") from error


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Python's sqlite3 module opens transactions lazily and behind SQLAlchemy's back, which breaks
    # SAVEPOINT (insert-or-read inside one unit of work needs it). Take over: no implicit BEGIN, and
    # `_sqlite_begin` emits our own when SQLAlchemy starts a transaction (SQLAlchemy's documented recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode, NORMAL syncs at checkpoints, not at every commit: the database cannot be corrupted, but
    # a power cut (not a crash of the app) may lose the last commits. README says so.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A unit of work that will write asks for IMMEDIATE: it takes the write lock at its start, so it waits
    # (busy_timeout) instead of failing with "database is locked" when it reads, then finds another wrote.
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(_WRITES) else "BEGIN")


def write_after_reads(session: Session, statement: Executable) -> None:
    """Run one small write (an UPDATE noting a visit, say) after this session's reads, in a transaction of its own.

    On SQLite in WAL mode, a transaction that has read and then writes fails at once with "database is locked"
    (SQLITE_BUSY_SNAPSHOT, which the busy wait does not cover) when another connection committed in between:
    a worker writing a transcript was enough to turn a staff API read into a 500. Ending the read transaction
    first makes the write the first statement of a new one, which waits for the lock like any other writer.
    Objects loaded before are expired by the commit and reload on their next use.
    """
    session.commit()  # nothing is pending: this only ends the read transaction and its snapshot
    session.execute(statement)
    session.commit()


_WRITES = "fixmyservice_writes"
_writer_locks: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_writer_locks_guard = threading.Lock()


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for a unit of work that writes (a webhook step); the caller commits.

    SQLite lets one writer in at a time. Threads of this process queue on a lock here, in order,
    instead of all racing into SQLite's busy handler, which sleeps and retries and makes the tail
    latency; other processes (workers) are still kept out by SQLite's own lock. PostgreSQL needs none of it.
    """
    if engine.dialect.name != "sqlite":
        with Session(engine, expire_on_commit=False) as session:
            yield session
        return
    with _writer_lock(engine), Session(engine.execution_options(**{_WRITES: True}), expire_on_commit=False) as session:
        yield session


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction for a unit of work that writes, committed when the block ends normally.

    The same one-writer-at-a-time rule as `write_session`, without the ORM session's bookkeeping: the
    webhooks, which mostly run two or three plain statements, spent more CPU on the session than on them.
    """
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    with _writer_lock(engine), engine.execution_options(**{_WRITES: True}).begin() as connection:
        yield connection


def _writer_lock(engine: Engine) -> threading.Lock:
    with _writer_locks_guard:
        return _writer_locks.setdefault(engine, threading.Lock())


@cache
def insert_unless_exists(dialect: str, table: Table, *, unique: str | None) -> PostgresInsert | SQLiteInsert:
    """`INSERT … ON CONFLICT (unique) DO NOTHING` for SQLite or PostgreSQL (both speak it); `unique=None`
    gives way on any unique key of the table.

    Built once per model and passed its values at execution: building the statement per request cost
    more than running it.
    """
    index_elements = [unique] if unique is not None else None
    if dialect == "postgresql":
        return postgresql_insert(table).on_conflict_do_nothing(index_elements=index_elements)
    return sqlite_insert(table).on_conflict_do_nothing(index_elements=index_elements)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Bring the database to the newest schema (safe to run at every start)."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")
