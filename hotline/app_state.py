"""What every request handler may use, built once by the lifespan: settings, database engine, job dispatcher.

Starlette copies the lifespan's state into each request (`request.state`); reading it through
`app_state()` gives handlers one typed object instead of an untyped bag asserted at every use.
Starlette is imported only for type checking, so the core stays free of the web framework.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from hotline.places import PlaceDirectory
from hotline.ports import JobDispatcher
from hotline.settings import Settings

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

STATE_KEY = "services"


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: Engine
    jobs: JobDispatcher
    # The country's places for staff tagging (the composition root builds it from the gazetteer); without
    # one, staff can tag the deployment's areas but no soum (see hotline.places).
    places: PlaceDirectory | None = None


def app_state(connection: HTTPConnection) -> AppState:
    """The app's services for this request (raises if the app was started without its lifespan)."""
    state = getattr(connection.state, STATE_KEY, None)
    if not isinstance(state, AppState):
        raise RuntimeError("the app's lifespan has not run: start it with `with TestClient(app)` or an ASGI server")
    return state
