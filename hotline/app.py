"""ASGI app factory: settings in, app out. Routes come from the stage packages."""

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

from hotline.db import make_engine
from hotline.settings import Settings
from ivr.routes import routes as ivr_routes
from ivr.webhook import JobDispatcher


def health(request: Request) -> JSONResponse:
    """Liveness for load balancers and monitors: 503 when the database or the queues cannot be reached."""
    checks = {"database": _database_reachable(request.app.state.engine), "queues": request.app.state.jobs.reachable()}
    body = {
        "status": "ok" if all(checks.values()) else "unavailable",
        "deployment": request.app.state.settings.deployment.name,
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
    from staff.routes import routes as staff_routes

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owns_engine = engine is None
        app.state.engine = engine or make_engine(settings.database_url)
        if jobs is None:
            from queue_workers.connection import redis_connection
            from queue_workers.dispatch import RQDispatcher

            app.state.jobs = RQDispatcher(redis_connection(settings), settings)
        else:
            app.state.jobs = jobs
        yield
        if owns_engine:
            app.state.engine.dispose()

    app = Starlette(routes=[Route("/healthz", health), *ivr_routes, *staff_routes], lifespan=lifespan)
    app.state.settings = settings
    return app
