"""Full-text search over each complaint's current transcript: SQLite FTS5 or PostgreSQL's tsvector.

Both sides fold case in Python (`str.casefold`), not in SQL: SQLite's lower() leaves Cyrillic alone and
PostgreSQL's depends on the database's locale. Every word the user types must match the start of a word
in the transcript, so "эмнэл" finds "эмнэлэгт" — Mongolian builds words with suffixes, and staff
search by stems. Whatever the user types is turned into quoted terms, never passed through as syntax.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, text
from sqlmodel import col

from hotline.models import Complaint

# Objects the migrations create that the models cannot describe (an FTS5 table with its shadow tables,
# an expression index); the schema comparison leaves them alone.
MIGRATION_ONLY_PREFIXES = ("complaint_search", "ix_complaint_search_")
MAX_TERMS = 12  # a search box, not a query language: more words than this add cost, not precision
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text_: str) -> str:
    """The form stored in `Complaint.search_text` and compared against."""
    return text_.casefold()


def search_terms(query: str) -> list[str]:
    """The words of a search box's text, folded; punctuation and operators are dropped."""
    return _WORD.findall(fold(query))[:MAX_TERMS]


def matches(
    dialect: str,
    terms: list[str],
    *,
    row_id: ColumnElement[Any] | None = None,
    folded: ColumnElement[Any] | None = None,
) -> ColumnElement[bool]:
    """A WHERE clause true for complaints whose current transcript has a word starting with each term.

    By default it tests the complaint table itself (through the full-text index); `row_id` and `folded`
    name a subquery's complaint id and search_text columns instead, to test only the rows it holds."""
    if not terms:
        raise ValueError("a search needs at least one word")
    if dialect == "postgresql":
        query = " & ".join(f"{term}:*" for term in terms)
        text_ = folded if folded is not None else col(Complaint.search_text)
        vector = func.to_tsvector(literal_column("'simple'"), text_)
        return vector.op("@@")(func.to_tsquery(literal_column("'simple'"), query))
    fts = " ".join(f'"{term}"*' for term in terms)
    ids = row_id if row_id is not None else col(Complaint.id)
    return ids.in_(text("SELECT rowid FROM complaint_search WHERE complaint_search MATCH :fts").bindparams(fts=fts))


def migration_only(name: str | None) -> bool:
    """True for schema objects only the migrations know about (see MIGRATION_ONLY_PREFIXES)."""
    return bool(name) and str(name).startswith(MIGRATION_ONLY_PREFIXES)
