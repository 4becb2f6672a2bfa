"""The dashboard and the inbox CSV with 100,000 complaints: how long do they take, next to the inbox's queries?

    .venv/bin/python benchmarks/dashboard.py [--rows 100000] [--repeats 30] [--exports 5] [--postgres SERVER_URL]

Seeds the inbox benchmark's complaints (benchmarks/inbox.py, tests/seed_complaints.py), then routes,
answers and rates them as a hotline would (below), into a temporary SQLite file and into a PostgreSQL
database created and dropped again (`dashboard_bench`). Times, each after a warm-up, the inbox benchmark's
baseline (one complaint by primary key) and first page, the dashboard's queries for 12 and 26 weeks,
`GET /api/dashboard` and the whole `/complaints.csv` from the real app under uvicorn (`fixmyservice.asgi:app`
in a process of its own, over loopback, as in production), and the CSV export's generator on its own.
The × columns divide by the baseline in the same run, as the inbox benchmark does.

The seeded complaints span 2025-01-01 to late June 2025, so the dashboard's "now" is just after the newest one:
12 weeks then hold about 48,000 complaints and 26 weeks all of them. The API takes the same period as
dates (its own "now" is the real clock, so every complaint still waiting counts as overdue there).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inbox import (  # noqa: E402 - the inbox benchmark's seeding, timing and table
    HEADER,
    WARMUP,
    Query,
    add_postgres_option,
    on_each_database,
    print_timing,
    scenarios,
    seeded_database,
    time_query,
)
from webhooks import app_env, free_port, serve  # noqa: E402 - the app under uvicorn, as in production

from hotline import accounts, api_tokens  # noqa: E402
from hotline.dashboard_queries import DashboardFilter, build_dashboard, default_period  # noqa: E402
from hotline.deployment import Deployment  # noqa: E402
from hotline.inbox_queries import InboxFilter  # noqa: E402
from staff.api_dashboard import inbox_csv  # noqa: E402
from tests.seed_complaints import SeededComplaint  # noqa: E402
from tests.staff.web.conftest import PASSWORD, log_in  # noqa: E402

BENCH_DATABASE = "dashboard_bench"
PROVIDERS = 40
DEADLINE = timedelta(days=30)  # Settings.ROUTING_DEADLINE_DAYS' default
WITH_PROVIDER = {"routed", "answered", "aired", "closed"}
ANSWERED = {"answered", "aired"}  # and most closed ones: a few are closed without an answer
FEEDBACK_SHARE = 0.35  # answered complaints whose caller rated the answer on the status line
STAFF = "staff@example.org"
INBOX_REPEATS = 200  # as in benchmarks/inbox.py: these take a millisecond or two
TABLE = SQLModel.metadata.tables


def seed_answers(engine: Engine, seeded: Sequence[SeededComplaint], *, now: datetime, seed: int = 11) -> dict[str, int]:
    """Route, answer and rate the seeded complaints by their status, in bulk: providers, the complaints' provider,
    routing time and deadline (flagged overdue once passed at `now`), first answers (a tenth answered again) and
    callers' ratings. Returns how many of each were written."""
    rng = random.Random(seed)
    start = now - timedelta(days=400)
    providers = [
        {
            "id": n,
            "names": {"en": f"Provider {n}", "mn": f"Байгууллага {n}"},
            "email": f"provider{n}@example.mn",
            "phone": "",
            "agreement_signed": True,
            "active": True,
            "created_at": start,
            "updated_at": start,
        }
        for n in range(1, PROVIDERS + 1)
    ]
    routes: list[dict[str, Any]] = []
    responses: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    for c in seeded:
        if c.status not in WITH_PROVIDER:
            continue
        answered = c.status in ANSWERED or (c.status == "closed" and rng.random() < 0.85)
        room = max(now - c.created_at, timedelta(minutes=2))  # everything happened before `now`
        routed_at = c.created_at + min(timedelta(hours=rng.uniform(1, 72)), room / 3)
        answered_at = routed_at + min(timedelta(days=rng.lognormvariate(1.3, 0.8)), room / 2) if answered else None
        deadline = routed_at + DEADLINE
        provider = rng.randrange(1, PROVIDERS + 1)
        overdue = c.status == "routed" and deadline <= now
        routes.append(
            {
                "b_id": c.id,
                "provider_id": provider,
                "routed_at": routed_at,
                "response_deadline_at": deadline,
                "answered_at": answered_at,
                "overdue_at": deadline + timedelta(hours=1) if overdue else None,
            }
        )
        if answered_at is None:
            continue
        responses.append(_response(c.id, provider, 1, answered_at))
        if rng.random() < 0.1:
            responses.append(_response(c.id, provider, 2, answered_at + timedelta(days=1)))
        if rng.random() < FEEDBACK_SHARE:
            rated_at = answered_at + timedelta(hours=rng.uniform(1, 48))
            sid = f"CF{c.id:032d}"  # the status-line call's
            ratings.append(
                {"complaint_id": c.id, "twilio_call_sid": sid, "satisfied": rng.random() < 0.6, "created_at": rated_at}
            )
    complaint = TABLE["complaint"]
    route = update(complaint).where(complaint.c.id == bindparam("b_id"))
    with engine.begin() as conn:
        conn.execute(insert(TABLE["provider"]), providers)
        conn.execute(route.values({k: bindparam(k) for k in routes[0] if k != "b_id"}), routes)
        conn.execute(insert(TABLE["response"]), responses)
        conn.execute(insert(TABLE["feedback"]), ratings)
    return {
        "routed": len(routes),
        "overdue": sum(r["overdue_at"] is not None for r in routes),
        "answers": len(responses),
        "ratings": len(ratings),
    }


def _response(complaint_id: int, provider_id: int, version: int, at: datetime) -> dict[str, Any]:
    text = "Эмч томилогдлоо." if version == 1 else "Эмч ирж ажиллаж байна."
    return {
        "complaint_id": complaint_id,
        "provider_id": provider_id,
        "version": version,
        "text": text,
        "on_behalf": False,
        "created_at": at,
    }


def run(label: str, url: str, *, rows: int, repeats: int, exports: int) -> None:
    with seeded_database(label, url, rows=rows) as (engine, seeded, deployment):
        now = max(c.created_at for c in seeded) + timedelta(hours=1)
        written = seed_answers(engine, seeded, now=now)
        print("  then " + ", ".join(f"{count:,} {what}" for what, count in written.items()))
        with served(url) as client:
            timed = _timed(engine, client, seeded, deployment=deployment, now=now, repeats=repeats, exports=exports)
            print(HEADER)
            baseline: tuple[float, float] | None = None
            for name, (query, runs, warmup) in timed.items():
                baseline = print_timing(name, time_query(engine, query, runs, warmup=warmup), baseline)


@contextmanager
def served(url: str) -> Iterator[httpx.Client]:
    """The app under uvicorn in a process of its own, as in production, and a client for it over loopback."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = app_env(Path(tmp), url) | {"PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}  # cookies without TLS
        server, _ = serve("fixmyservice.asgi:app", env, port)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as client:
                yield client
        finally:
            server.terminate()
            server.wait(timeout=30)


def _timed(
    engine: Engine,
    client: httpx.Client,
    seeded: list[SeededComplaint],
    *,
    deployment: Deployment,
    now: datetime,
    repeats: int,
    exports: int,
) -> dict[str, tuple[Query, int, int]]:
    """Name → (query, timed runs, warm-up runs), the inbox benchmark's baseline and first page first."""
    inbox = list(scenarios(seeded).items())[:2]
    timed = {name: (query, INBOX_REPEATS, WARMUP) for name, query in inbox}
    timezone = ZoneInfo(deployment.timezone)
    for weeks in (12, 26):
        start, end = default_period(now, timezone, weeks=weeks)
        period = DashboardFilter(created_from=start, created_before=end)
        figures = partial(build_dashboard, filters=period, now=now, timezone=timezone)
        timed[f"dashboard queries, {weeks} weeks"] = (figures, repeats, 3)
    token = _staff_account(engine)
    api = {"Authorization": f"Bearer {token}"}
    dates = f"from={start.astimezone(timezone).date()}&to={(end - timedelta(days=1)).astimezone(timezone).date()}"
    log_in(client, STAFF)
    every = InboxFilter()
    lines = len(seeded) + 1  # and the header
    timed |= {
        "GET /api/complaints (first page)": (_get(client, "/api/complaints", api), repeats, 3),
        "GET /api/dashboard, 12 weeks": (_get(client, f"/api/dashboard?{dates}", api), repeats, 3),
        "inbox CSV, every complaint (generator)": (
            lambda _: _lines(inbox_csv(engine, every, consented_only=False, deployment=deployment, language="en")),
            exports,
            1,
        ),
        "GET /complaints.csv, every complaint": (_get(client, "/complaints.csv", {}, lines=lines), exports, 1),
    }
    return timed


def _staff_account(engine: Engine) -> str:
    """A staff login (for the CSV page) with an API token (for the API); returns the token."""
    with Session(engine) as session:
        accounts.create_user(session, email=STAFF, role="staff", password=PASSWORD)
        return api_tokens.create_token(session, email=STAFF).token


def _get(client: httpx.Client, path: str, headers: dict[str, str], *, lines: int | None = None) -> Query:
    """A request through the app, its whole body read; refused or short answers stop the benchmark."""

    def request(_session: Session) -> None:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        assert lines is None or response.content.count(b"\r\n") == lines, (path, "rows missing")

    return request


def _lines(chunks: Iterator[str]) -> int:
    return sum(chunk.count("\r\n") for chunk in chunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=30, help="timed runs of each dashboard query and request")
    parser.add_argument("--exports", type=int, default=5, help="timed runs of each whole CSV export")
    add_postgres_option(parser, BENCH_DATABASE)
    args = parser.parse_args()
    if min(args.repeats, args.exports) < 2:
        parser.error("a percentile needs at least two timed runs")
    on_each_database(
        args.postgres,
        BENCH_DATABASE,
        lambda label, url: run(label, url, rows=args.rows, repeats=args.repeats, exports=args.exports),
    )


if __name__ == "__main__":
    main()
