"""A write after reads, on SQLite in WAL mode with another process's commit in between: done in a transaction
of its own it waits for the lock; done in the reading transaction it fails at once ("database is locked",
SQLITE_BUSY_SNAPSHOT) — which is what turned a staff API read into a 500 while a worker wrote a transcript."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import exc, text, update
from sqlmodel import Session, col, select

from hotline.db import make_engine, migrate, write_after_reads
from hotline.models import User, utcnow


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'wal.sqlite3'}"
    migrate(url)
    with Session(make_engine(url)) as session:
        session.add(User(email="a@example.org", role="staff"))
        session.add(User(email="b@example.org", role="staff"))
        session.commit()
    return url


def _someone_else_writes(url: str) -> None:
    with make_engine(url).begin() as other:
        other.execute(text("UPDATE user SET display_name = 'changed' WHERE email = 'b@example.org'"))


def test_a_write_in_a_transaction_of_its_own_survives_a_commit_in_between(sqlite_url: str) -> None:
    with Session(make_engine(sqlite_url)) as session:
        user = session.exec(select(User).where(User.email == "a@example.org")).one()  # the read snapshot
        _someone_else_writes(sqlite_url)
        write_after_reads(session, update(User).where(col(User.id) == user.id).values(password_changed_at=utcnow()))
        assert user.password_changed_at is not None  # expired by the commit, reloaded with the write


def test_the_same_write_inside_the_reading_transaction_fails_at_once(sqlite_url: str) -> None:
    with Session(make_engine(sqlite_url)) as session:
        user = session.exec(select(User).where(User.email == "a@example.org")).one()
        _someone_else_writes(sqlite_url)
        with pytest.raises(exc.OperationalError, match="database is locked"):
            session.execute(update(User).where(col(User.id) == user.id).values(password_changed_at=utcnow()))
