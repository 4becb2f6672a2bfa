"""ASGI app factory: settings in, app out. Routes come from the stage packages; this module wires them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hotline.access import PUBLIC, declare
from hotline.app_state import STATE_KEY, AppState, app_state
from hotline.db import make_engine
from hotline.ports import JobDispatcher
from hotline.settings import Settings
from ivr.routes import routes as ivr_routes
from queue_workers.connection import redis_connection
from queue_workers.dispatch import RQDispatcher
from staff.routes import routes as staff_routes


def health(request: Request) -> JSONResponse:
    """Liveness for load balancers and monitors: 503 when the database or the queues cannot be reached."""
    services = app_state(request)
    checks = {"database": _database_reachable(services.engine), "queues": services.jobs.reachable()}
    body = {
        "status": "ok" if all(checks.values()) else "unavailable",
        "deployment": services.settings.deployment.name,
        "checks": {name: "ok" if ok else "unreachable" for name, ok in checks.items()},
    }
    return JSONResponse(body, status_code=200 if all(checks.values()) else 503)


def _database_reachable(engine: Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def create_app(settings: Settings, *, jobs: JobDispatcher | None = None, engine: Engine | None = None) -> Starlette:
    """Build the web app; tests pass their own settings, engine and job dispatcher."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, AppState]]:
        active = engine if engine is not None else make_engine(settings.database_url)
        dispatcher = jobs if jobs is not None else RQDispatcher(redis_connection(settings), settings)
        yield {STATE_KEY: AppState(settings=settings, engine=active, jobs=dispatcher)}
        if engine is None:  # ours to close; a caller's engine is the caller's
            active.dispose()

    routes = [declare(PUBLIC, Route("/healthz", health)), *ivr_routes, *staff_routes]
    return Starlette(routes=routes, lifespan=lifespan)
