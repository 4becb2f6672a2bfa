"""The schema comes only from Alembic: the migrated database must match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import hotline.models  # noqa: F401 - registers every table
from hotline.search import migration_only


def test_models_and_migrations_agree(engine: Engine) -> None:
    """A model change without its migration (or the reverse) shows up here, on SQLite and PostgreSQL."""
    with engine.connect() as connection:
        opts = {"compare_type": True, "include_name": lambda name, *_: not migration_only(name)}
        context = MigrationContext.configure(connection, opts=opts)
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == [], f"write an Alembic migration for: {differences}"


def test_the_search_index_survives_every_migration(engine: Engine) -> None:
    """SQLite rebuilds a table to add a foreign key, dropping its triggers: the full-text index's must be back."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
            assert sorted(rows) == ["complaint_search_delete", "complaint_search_insert", "complaint_search_update"]
        else:
            rows = connection.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'complaint'")).scalars()
            assert "ix_complaint_search_gin" in set(rows)
