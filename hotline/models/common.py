"""Column helpers shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, Column, DateTime, String
from sqlmodel import Field


class _HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _HasId) -> int:
    """The primary key of a row that is in the database; a row never flushed has none, and that is a bug."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has not been saved yet: it has no id")
    return row.id


def utcnow() -> datetime:
    return datetime.now(UTC)


def timestamp(*, nullable: bool = False, index: bool = False) -> Any:
    """A timezone-aware timestamp column (PostgreSQL keeps the zone; SQLite stores it as text)."""
    return Field(
        default_factory=utcnow if not nullable else None,
        sa_type=DateTime(timezone=True),
        nullable=nullable,
        index=index,
    )


def status_column(default: str, *, index: bool = True) -> Any:
    """Statuses are plain strings in the database so adding one needs no enum-type migration."""
    return Field(default=default, sa_type=String(40), index=index, nullable=False)


def json_column() -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=True))


def ensure_aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
