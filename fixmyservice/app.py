"""ASGI app factory: settings in, app out. Routes come from the stage packages; this module wires them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.routing import Route

from fixmyservice.health import health
from fixmyservice.web_tuning import tune_for_webhooks
from hotline.access import PUBLIC, declare
from hotline.app_state import STATE_KEY, AppState
from hotline.db import make_engine
from hotline.ports import JobDispatcher
from hotline.settings import Settings
from ivr.routes import routes as ivr_routes
from queue_workers.connection import redis_connection
from queue_workers.dispatch import RQDispatcher
from staff.answer_routes import routes as answer_routes
from staff.dashboard_routes import routes as dashboard_routes
from staff.episode_publish_routes import routes as episode_publish_routes
from staff.episode_routes import routes as episode_routes
from staff.open311_routes import routes as open311_routes
from staff.routes import routes as staff_routes
from staff.routing_routes import routes as routing_routes
from staff.web.routes import routes as page_routes
from transcription.place_directory import gazetteer_places


def create_app(settings: Settings, *, jobs: JobDispatcher | None = None, engine: Engine | None = None) -> Starlette:
    """Build the web app; tests pass their own settings, engine and job dispatcher."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, AppState]]:
        active = engine if engine is not None else make_engine(settings.database_url)
        dispatcher = jobs if jobs is not None else _rq_dispatcher(settings)
        places = gazetteer_places(settings.deployment)  # ~60 ms, once per process and deployment
        tune_for_webhooks()  # last: everything start-up built is then in the frozen heap
        yield {STATE_KEY: AppState(settings=settings, engine=active, jobs=dispatcher, places=places)}
        if engine is None:  # ours to close; a caller's engine is the caller's
            active.dispose()

    routes = [
        declare(PUBLIC, Route("/healthz", health)),
        *ivr_routes,
        *staff_routes,
        *routing_routes,
        *answer_routes,
        *dashboard_routes,
        *episode_routes,
        *episode_publish_routes,
        *open311_routes,
        *page_routes,
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _rq_dispatcher(settings: Settings) -> RQDispatcher:
    # The web process's Redis calls must fail fast: a webhook waits on them, and the sweeper retries a lost enqueue.
    return RQDispatcher(redis_connection(settings, socket_timeout=2.0), settings)
