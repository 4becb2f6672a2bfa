"""Issuing a reference with a million complaints on file: does it stay as fast as on an empty table?

    .venv/bin/python benchmarks/references.py [--rows 1000000] [--issues 2000] [--postgres URL]

On a temporary SQLite database migrated like production (and on PostgreSQL when --postgres names an
empty scratch database), time `issue_reference` N times on an empty complaint table, then bulk-insert
`--rows` complaints (each with its call: complaint.call_id is a foreign key) and time it N times again.
Each issue runs in its own transaction, rolled back afterwards, as a webhook's would be. The database
was just written, so its pages are in the OS cache in both runs (a cold cache would add disk reads);
SQLite's write-ahead log is checkpointed after the bulk insert, as a running server's is (see `fill`).
On PostgreSQL the inserted rows are deleted again at the end.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import hotline.models  # noqa: F401 - registers the tables
from hotline.db import make_engine, migrate
from hotline.references import issue_reference, new_reference

BATCH = 10_000
WARMUP = 50
CALL = SQLModel.metadata.tables["call"]
COMPLAINT = SQLModel.metadata.tables["complaint"]


def time_issues(engine: Engine, issues: int) -> list[float]:
    """Seconds per `issue_reference`, each in its own transaction."""
    samples = []
    with Session(engine) as session:
        for n in range(WARMUP + issues):
            start = time.perf_counter()
            issue_reference(session)
            elapsed = time.perf_counter() - start
            session.rollback()
            if n >= WARMUP:
                samples.append(elapsed)
    return samples


def fill(engine: Engine, rows: int) -> None:
    """`rows` calls and complaints, in batches of BATCH, in one transaction; only the columns without defaults."""
    references: set[str] = set()
    while len(references) < rows:
        references.add(new_reference())
    pending = list(references)
    with engine.begin() as conn:
        for start in range(0, rows, BATCH):
            batch = pending[start : start + BATCH]
            calls = [{"twilio_call_sid": f"CA{start + i:032d}"} for i in range(len(batch))]
            ids = conn.execute(insert(CALL).returning(CALL.c.id, sort_by_parameter_order=True), calls).scalars()
            complaints = [{"reference": r, "call_id": i, "language": "mn"} for r, i in zip(batch, ids, strict=True)]
            conn.execute(insert(COMPLAINT), complaints)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            # One million-row transaction leaves a ~540 MB write-ahead log that reads must search; a running
            # server's small commits keep it checkpointed (every 1000 pages). Measure that steady state.
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            conn.execute(text("ANALYZE call"))
            conn.execute(text("ANALYZE complaint"))
            conn.commit()


def summary(samples: list[float]) -> tuple[float, float, float]:
    """Mean, median and 99th percentile, in microseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)))]
    return statistics.fmean(ordered) * 1e6, statistics.median(ordered) * 1e6, p99 * 1e6


def run(label: str, url: str, *, rows: int, issues: int) -> None:
    migrate(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            existing = conn.execute(select(func.count()).select_from(CALL)).scalar_one()
        if existing:
            raise SystemExit(f"{label}: the call table already has {existing} rows; give an empty scratch database")
        empty = summary(time_issues(engine, issues))
        start = time.perf_counter()
        fill(engine, rows)
        filled_in = time.perf_counter() - start
        full = summary(time_issues(engine, issues))
        print(f"{label}: inserted {rows:,} calls + complaints in {filled_in:.1f} s")
        for name, (mean, median, p99) in ((f"{'empty':>9}", empty), (f"{rows:>9,}", full)):
            print(f"  {name} complaints: mean {mean:6.0f} µs  median {median:6.0f} µs  p99 {p99:6.0f} µs")
        print(f"  ratio (with {rows:,} / empty): mean {full[0] / empty[0]:.2f}x  p99 {full[2] / empty[2]:.2f}x")
    finally:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:  # the scratch database was empty: leave it so
                conn.execute(delete(COMPLAINT))
                conn.execute(delete(CALL))
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--issues", type=int, default=2000, help="issue_reference calls timed per table size")
    parser.add_argument("--postgres", metavar="URL", help="an empty scratch PostgreSQL database (default: skip)")
    args = parser.parse_args()
    print(f"issue_reference (8 candidates, one query), {args.issues} issues per table size")
    with tempfile.TemporaryDirectory() as tmp:
        run("SQLite", f"sqlite:///{Path(tmp) / 'references.sqlite3'}", rows=args.rows, issues=args.issues)
    if args.postgres:
        run("PostgreSQL", args.postgres, rows=args.rows, issues=args.issues)


if __name__ == "__main__":
    main()
