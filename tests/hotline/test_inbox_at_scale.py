"""The inbox with 100,000 complaints: filtered pages, searches and counts give the right answers.

The complaints are bulk-inserted once for the module (tests/seed_complaints.py), and every answer is
checked against one worked out in Python from what was inserted, never against the database itself.
Speed is the benchmark's business (benchmarks/inbox.py); here only correctness counts, so nothing is
timed. Runs in the normal suite: seeding takes about 10 s on SQLite and 15 s on PostgreSQL.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from hotline.db import make_engine, migrate
from hotline.deployment import DEFAULT_DEPLOYMENT, load_deployment
from hotline.inbox_queries import LOW_CONFIDENCE, Cursor, InboxFilter, list_complaints, status_counts
from hotline.search import fold, search_terms
from tests.seed_complaints import RARE_WORD, START, SeededComplaint, seed_complaints

COUNT = 100_000
Predicate = Callable[[SeededComplaint], bool]


@dataclass(frozen=True)
class Seeded:
    session: Session
    newest_first: list[SeededComplaint]


@pytest.fixture(scope="module")
def seeded(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """100,000 complaints for this module: in a SQLite file of its own, or in the PostgreSQL test database
    (emptied again at the end with TRUNCATE: a DELETE would check complaint.duplicate_of_id, which has no
    index, once per row)."""
    sqlite = not database_url.startswith("postgresql")
    url = f"sqlite:///{tmp_path_factory.mktemp('scale') / 'inbox.sqlite3'}" if sqlite else database_url
    if sqlite:
        migrate(url)
    engine = make_engine(url)
    deployment = load_deployment(DEFAULT_DEPLOYMENT)
    complaints = seed_complaints(
        engine, count=COUNT, sectors=[s.code for s in deployment.sectors], areas=[a.code for a in deployment.areas]
    )
    newest_first = sorted(complaints, key=lambda c: (c.created_at, c.id), reverse=True)
    try:
        with Session(engine) as session:
            yield Seeded(session=session, newest_first=newest_first)
    finally:
        if not sqlite:
            tables = ", ".join(f'"{table.name}"' for table in SQLModel.metadata.sorted_tables)
            with engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} CASCADE"))
        engine.dispose()


def has_words(query: str) -> Predicate:
    """True for complaints whose transcript has, for every word of `query`, a word starting with it."""
    terms = search_terms(query)

    def test(complaint: SeededComplaint) -> bool:
        words = re.findall(r"\w+", fold(complaint.text))
        return all(any(word.startswith(term) for word in words) for term in terms)

    return test


def expected(seeded: Seeded, keep: Predicate, statuses: tuple[str, ...] = ()) -> list[str]:
    return [c.reference for c in seeded.newest_first if keep(c) and (not statuses or c.status in statuses)]


def walk(seeded: Seeded, filters: InboxFilter, *, limit: int, pages: int, consented_only: bool = False) -> list[str]:
    """References of up to `pages` pages, following each page's cursor; asserts no page is short but the last."""
    seen: list[str] = []
    after: Cursor | None = None
    for _ in range(pages):
        page = list_complaints(seeded.session, filters=filters, limit=limit, after=after, consented_only=consented_only)
        seen += [item.reference for item in page.items]
        if page.next_cursor is None:
            break
        assert len(page.items) == limit
        after = page.next_cursor
    return seen


# Each case: its filters, and the same filters but the status as a Python predicate (statuses apply separately,
# as the counts per status ignore them).
CASES: list[tuple[str, InboxFilter, Predicate]] = [
    ("everything", InboxFilter(), lambda c: True),
    ("status and sector", InboxFilter(statuses=("transcribed",), sectors=("health",)), lambda c: c.sector == "health"),
    (
        "waiting or failed in two areas",
        InboxFilter(statuses=("needs_manual_transcription", "failed"), areas=("11", "84")),
        lambda c: c.area in {"11", "84"},
    ),
    (
        "English, not for broadcast, not reviewed",
        InboxFilter(languages=("en",), broadcast_consent=False, reviewed=False),
        lambda c: c.language == "en" and not c.broadcast_consent and not c.reviewed,
    ),
    (
        "low confidence",
        InboxFilter(low_confidence=True),
        lambda c: c.machine_confidence is not None and c.machine_confidence < LOW_CONFIDENCE,
    ),
    ("one soum", InboxFilter(soum="8405"), lambda c: c.soum == "8405"),
    (
        "one week",
        InboxFilter(created_from=START + timedelta(days=30), created_before=START + timedelta(days=37)),
        lambda c: START + timedelta(days=30) <= c.created_at < START + timedelta(days=37),
    ),
    ("a stem", InboxFilter(search="ЭМНЭЛ"), has_words("эмнэл")),
    ("a rare word", InboxFilter(search=RARE_WORD.upper()), has_words(RARE_WORD)),
    ("two words", InboxFilter(search="хүүхд Даарч"), has_words("хүүхд даарч")),
    (
        "a search and filters",
        InboxFilter(search="өвчтөн", statuses=("routed", "answered"), areas=("11",)),
        lambda c: has_words("өвчтөн")(c) and c.area == "11",
    ),
    ("English words", InboxFilter(search="Hospital DOC"), has_words("hospital doc")),
]


@pytest.mark.parametrize(("name", "filters", "keep"), CASES, ids=[case[0] for case in CASES])
def test_pages_and_counts_match_the_seeded_data(seeded: Seeded, name: str, filters: InboxFilter, keep: Predicate):
    want = expected(seeded, keep, filters.statuses)
    assert want and (len(want) < COUNT or name == "everything")  # each case selects some, not all
    assert walk(seeded, filters, limit=50, pages=3) == want[:150]
    counts = status_counts(seeded.session, filters=filters)
    tally = Counter(c.status for c in seeded.newest_first if keep(c))
    assert counts == {status: tally[status] for status in counts}
    assert sum(counts.values()) == sum(tally.values())  # no status the enum does not know


def test_producers_see_consented_complaints_only(seeded: Seeded):
    keep = has_words("эмнэлэгт")
    want = expected(seeded, lambda c: c.broadcast_consent and keep(c))
    filters = InboxFilter(search="эмнэлэгт")
    assert walk(seeded, filters, limit=100, pages=2, consented_only=True) == want[:200]
    assert sum(status_counts(seeded.session, filters=filters, consented_only=True).values()) == len(want)


def test_every_match_of_a_rare_word_once_across_pages(seeded: Seeded):
    want = expected(seeded, has_words(RARE_WORD))
    assert 20 < len(want) < 500
    assert walk(seeded, InboxFilter(search=RARE_WORD), limit=7, pages=1000) == want


def test_a_deep_cursor_continues_exactly_where_it_points(seeded: Seeded):
    """Half-way down the list, at the second of two complaints sharing an instant."""
    middle = COUNT // 2 + 1
    anchor = seeded.newest_first[middle]
    assert anchor.created_at == seeded.newest_first[middle - 1].created_at  # a tie, broken by id
    page = list_complaints(seeded.session, limit=200, after=Cursor(created_at=anchor.created_at, id=anchor.id))
    assert [item.reference for item in page.items] == [c.reference for c in seeded.newest_first[middle + 1 :][:200]]
    filtered = InboxFilter(statuses=("closed",), sectors=("welfare", "education"), search="байна")
    want = expected(seeded, lambda c: c.sector in {"welfare", "education"} and has_words("байна")(c), ("closed",))
    assert walk(seeded, filtered, limit=100, pages=len(want) // 100 + 2) == want
