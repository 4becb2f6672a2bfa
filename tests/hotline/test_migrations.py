"""The schema comes only from Alembic: the migrated database must match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
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
