"""URL map (API and pages) of radio stations and weekly episodes, each route with who may use it."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
