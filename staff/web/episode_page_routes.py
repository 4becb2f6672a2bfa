"""URL map of the producer's episode pages, each route with who may use it."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
