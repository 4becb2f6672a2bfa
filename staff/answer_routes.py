"""URL map (API and pages) for this part of issue 10, each route with who may use it; filled in by its module's work."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
