"""The inbox with 100,000 complaints: how long do pages, searches and status counts take?

    .venv/bin/python benchmarks/inbox.py [--rows 100000] [--repeats 200] [--postgres SERVER_URL] [--plans]

Seeds `--rows` complaints (tests/seed_complaints.py: calls, recordings, a realistic mix, Mongolian and
English transcripts) into a temporary SQLite file and into a PostgreSQL database this script creates
and drops again (`inbox_bench` on the server `--postgres` names; `--postgres ''` skips it), then times
each inbox query `--repeats` times after a warm-up, each in its own transaction as a request's would be.
Prints p50 and p95 in milliseconds and as a ratio to the baseline in the same run: reading one complaint
by primary key, which is as fast as the database gets, so the ratios travel between machines better
than the milliseconds. `--plans` also prints each query's plan (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hotline.db import make_engine, migrate  # noqa: E402
from hotline.deployment import DEFAULT_DEPLOYMENT, Deployment, load_deployment  # noqa: E402
from hotline.inbox_queries import Cursor, InboxFilter, list_complaints, status_counts  # noqa: E402
from hotline.models import Complaint  # noqa: E402
from tests.seed_complaints import RARE_WORD, SeededComplaint, seed_complaints  # noqa: E402

WARMUP = 20
BENCH_DATABASE = "inbox_bench"
Query = Callable[[Session], Any]


def scenarios(seeded: list[SeededComplaint]) -> dict[str, Query]:
    """Name → one inbox request's query; the baseline first."""
    ids = [c.id for c in seeded]
    middle = sorted(seeded, key=lambda c: (c.created_at, c.id))[len(seeded) // 2]
    deep = Cursor(created_at=middle.created_at, id=middle.id)
    picks = iter(range(10**9))

    def by_primary_key(session: Session) -> Any:
        complaint_id = ids[next(picks) * 7919 % len(ids)]  # a different complaint each time
        return session.exec(select(Complaint.reference).where(col(Complaint.id) == complaint_id)).one()

    def page(**filters: Any) -> Query:
        return lambda session: list_complaints(session, filters=InboxFilter(**filters))

    return {
        "baseline: one complaint by primary key": by_primary_key,
        "first page, unfiltered": page(),
        "filtered page (status + sector)": page(statuses=("transcribed",), sectors=("health",)),
        "deep page (cursor half-way down)": lambda session: list_complaints(session, after=deep),
        "search, a common stem (эмнэл)": page(search="эмнэл"),
        f"search, a rare word ({RARE_WORD.lower()})": page(search=RARE_WORD),
        "search + filters (status, area)": page(search="өвчтөн", statuses=("routed", "answered"), areas=("11",)),
        "status counts, unfiltered": lambda session: status_counts(session),
        "status counts, search + sector": lambda session: status_counts(
            session, filters=InboxFilter(search="хүүхд", sectors=("education",))
        ),
        "week in one area": page(
            areas=("84",), created_from=middle.created_at - timedelta(days=7), created_before=middle.created_at
        ),
    }


def time_query(engine: Engine, query: Query, repeats: int, *, warmup: int = WARMUP) -> list[float]:
    """Milliseconds per run, each run in its own session and transaction."""
    samples = []
    for n in range(warmup + repeats):
        with Session(engine) as session:
            start = time.perf_counter()
            query(session)
            elapsed = time.perf_counter() - start
        if n >= warmup:
            samples.append(elapsed * 1000)
    return samples


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94]


def print_plans(engine: Engine, query: Query) -> None:
    """Run the query once more, printing the plan of every SELECT it sends."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    with Session(engine) as session:
        query(session)
    event.remove(engine, "before_cursor_execute", capture)
    explain = "EXPLAIN ANALYZE " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    with engine.connect() as conn:
        for statement, parameters in sent[:1]:  # the inbox's own query; the next ones fetch callers and recordings
            for row in conn.exec_driver_sql(explain + statement, parameters).all():
                print("      ", row[-1])


def run(label: str, url: str, *, rows: int, repeats: int, plans: bool) -> None:
    with seeded_database(label, url, rows=rows) as (engine, seeded, _):
        print(HEADER)
        baseline: tuple[float, float] | None = None
        for name, query in scenarios(seeded).items():
            baseline = print_timing(name, time_query(engine, query, repeats), baseline)
            if plans:
                print_plans(engine, query)


@contextmanager
def seeded_database(label: str, url: str, *, rows: int) -> Iterator[tuple[Engine, list[SeededComplaint], Deployment]]:
    """The migrated database at `url` with `rows` seeded complaints (the time it took printed), and its engine."""
    migrate(url)
    engine = make_engine(url)
    deployment = load_deployment(DEFAULT_DEPLOYMENT)
    try:
        yield engine, seed(engine, rows=rows, label=label, deployment=deployment), deployment
    finally:
        engine.dispose()


HEADER = f"  {'query':44} {'p50 ms':>8} {'p95 ms':>8} {'p50 ×':>8} {'p95 ×':>8}"


def print_timing(name: str, samples: list[float], baseline: tuple[float, float] | None) -> tuple[float, float]:
    """One line of the table: p50 and p95, and both as multiples of the baseline's (the first line's own)."""
    p50, p95 = percentiles(samples)
    baseline = baseline or (p50, p95)
    print(f"  {name:44} {p50:8.2f} {p95:8.2f} {p50 / baseline[0]:8.1f} {p95 / baseline[1]:8.1f}")
    return baseline


def seed(engine: Engine, *, rows: int, label: str, deployment: Deployment) -> list[SeededComplaint]:
    start = time.perf_counter()
    seeded = seed_complaints(
        engine, count=rows, sectors=[s.code for s in deployment.sectors], areas=[a.code for a in deployment.areas]
    )
    print(f"\n{label}: seeded {rows:,} complaints (with calls and recordings) in {time.perf_counter() - start:.1f} s")
    return seeded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=200, help="timed runs per query")
    add_postgres_option(parser, BENCH_DATABASE)
    parser.add_argument("--plans", action="store_true", help="print each query's plan")
    args = parser.parse_args()
    print(f"inbox queries, {args.repeats} timed runs each after {WARMUP} warm-up runs; page size 50")
    on_each_database(
        args.postgres,
        BENCH_DATABASE,
        lambda label, url: run(label, url, rows=args.rows, repeats=args.repeats, plans=args.plans),
    )


def add_postgres_option(parser: argparse.ArgumentParser, database: str) -> None:
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432",
        metavar="SERVER_URL",
        help=f"a PostgreSQL server where {database} may be created and dropped ('' to skip)",
    )


def on_each_database(postgres: str, database: str, bench: Callable[[str, str], None]) -> None:
    """bench(label, url) on a temporary SQLite file, then on `database`, created on the server `postgres` names
    (unless it is empty) and dropped again afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", f"sqlite:///{Path(tmp) / f'{database}.sqlite3'}")
    if not postgres:
        return
    server = create_engine(f"{postgres.rstrip('/')}/postgres", isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {database}"))
        conn.execute(text(f"CREATE DATABASE {database}"))
    try:
        bench("PostgreSQL", f"{postgres.rstrip('/')}/{database}")
    finally:
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        server.dispose()


if __name__ == "__main__":
    main()
