"""ASGI app factory: settings in, app out. Routes come from the stage packages."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hotline.db import make_engine
from hotline.settings import Settings
from ivr.routes import routes as ivr_routes
from ivr.webhook import JobDispatcher


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok", "deployment": request.app.state.settings.deployment.name})


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
