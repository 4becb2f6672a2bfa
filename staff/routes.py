"""URL map of the staff API, each route with who may use it. Every endpoint needs a Bearer token.

Producers may read complaints, but the queries give them only those whose callers agreed to broadcast.
"""

from __future__ import annotations

from hotline.access import roles
from hotline.models.users import Role
from staff import api, api_inbox
from staff.endpoint import api_route

READERS = roles(Role.ADMIN, Role.STAFF, Role.PRODUCER)

routes = [
    api_route("/api/menu", api.menu, READERS),
    api_route("/api/complaints", api_inbox.complaints, READERS),
    api_route("/api/complaints/{reference}", api.complaint, READERS),
]
