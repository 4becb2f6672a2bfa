"""/healthz: can this deployment take calls and get them transcribed? Always answered within 2 seconds.

Each check runs in a thread of its own and the answer waits at most CHECK_BUDGET_SECONDS for all of
them: a frozen Redis or a database behind a dead network must make the monitor see 503, not a hang.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import JSONResponse

from hotline.app_state import AppState, app_state
from hotline.models import utcnow
from hotline.waiting_work import oldest_untried_work

CHECK_BUDGET_SECONDS = 1.5
_checks = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="healthz")


def health(request: Request) -> JSONResponse:
    """200 when every check passes; 503 naming what is wrong otherwise."""
    services = app_state(request)
    checks = run_checks(
        {
            "database": lambda: _database(services.engine),
            "queues": lambda: "ok" if services.jobs.reachable() else "unreachable",
            "workers": lambda: _workers(services),
            "backlog": lambda: _backlog(services),
        }
    )
    healthy = all(result == "ok" for result in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "deployment": services.settings.deployment.name}
    return JSONResponse({**body, "checks": checks}, status_code=200 if healthy else 503)


def run_checks(checks: dict[str, Callable[[], str]]) -> dict[str, str]:
    """Run every check at once; one that has not answered within the budget reports so."""
    futures = {name: _checks.submit(check) for name, check in checks.items()}
    concurrent.futures.wait(futures.values(), timeout=CHECK_BUDGET_SECONDS)
    results = {}
    for name, future in futures.items():
        if not future.done():
            results[name] = f"no answer within {CHECK_BUDGET_SECONDS:g} s"
        elif future.exception() is not None:
            results[name] = "unreachable"
        else:
            results[name] = future.result()
    return results


def _database(engine: Engine) -> str:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return "ok"


def _workers(services: AppState) -> str:
    alive = services.jobs.live_workers()
    return "ok" if alive else "no worker has sent a heartbeat recently"


def _backlog(services: AppState) -> str:
    with Session(services.engine) as session:
        oldest = oldest_untried_work(session)
    bound = timedelta(seconds=services.settings.HEALTH_MAX_WAIT_SECONDS)
    if oldest is not None and utcnow() - oldest > bound:
        return f"work has waited untouched since {oldest.isoformat(timespec='seconds')}"
    return "ok"
