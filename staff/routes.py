"""URL map of the staff API. Every endpoint needs an `Authorization: Bearer <token>` header."""

from __future__ import annotations

from starlette.routing import Route

from staff import api
from staff.endpoint import api_endpoint

routes = [
    Route("/api/menu", api_endpoint(api.menu), methods=["GET"]),
    Route("/api/complaints", api_endpoint(api.complaints), methods=["GET"]),
    Route("/api/complaints/{reference}", api_endpoint(api.complaint), methods=["GET"]),
]
