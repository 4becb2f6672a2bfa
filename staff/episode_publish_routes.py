"""URL map of publishing: the publish action and the stations' public feeds, each route with who may use it."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
