"""URL map (API and pages) of the dashboard and the CSV exports, each route with who may use it."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
