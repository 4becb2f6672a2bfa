"""URL map of Open311 GeoReport v2 (staff.open311): read-only and PUBLIC, no login, no key. What it may show
is decided in the core (hotline.open311_queries): consented, staff-reviewed complaints only."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from hotline.access import PUBLIC, declare
from staff import open311

routes: list[BaseRoute] = [
    declare(PUBLIC, Route("/open311/v2/discovery.json", open311.discovery, methods=["GET"])),
    declare(PUBLIC, Route("/open311/v2/services.{format}", open311.service_list, methods=["GET"])),
    declare(PUBLIC, Route("/open311/v2/requests.{format}", open311.request_list, methods=["GET"])),
    declare(
        PUBLIC,
        Route("/open311/v2/requests/{service_request_id}.{format}", open311.request_detail, methods=["GET"]),
    ),
]
