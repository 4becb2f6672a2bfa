"""URL map (API and pages) for the provider directory and routing, each route with who may use it.

Staff and admins read the directory and route complaints; only admins add or change providers. Provider
logins and producers reach none of these: a provider sees its own complaints through staff.answer_routes.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from hotline.access import roles
from hotline.models.users import Role
from staff import api_providers
from staff.endpoint import Param, RouteDoc, api_route
from staff.web import provider_admin, routing_page
from staff.web.page import page_route

REVIEWERS = roles(Role.ADMIN, Role.STAFF)
ADMINS = roles(Role.ADMIN)
POST = ("POST",)

COMPLAINT = "/api/complaints/{reference}"
PROVIDER = "/api/providers/{provider_id}"
NOT_FOUND = {404: "No complaint with this reference."}

_NAMES = {"type": "object", "additionalProperties": {"type": "string"}, "description": "language code → name"}
_CODES = {"type": "array", "items": {"type": "string"}}
_DATE = {"type": "string", "format": "date"}
_PROVIDER_PROPERTIES: dict[str, Any] = {
    "names": _NAMES,
    "sectors": {**_CODES, "description": "sector codes of the deployment"},
    "areas": {**_CODES, "description": "aimag (area) or soum codes; none = the whole country"},
    "email": {"type": "string", "format": "email"},
    "phone": {"type": "string"},
    "agreement_signed": {"type": "boolean"},
    "agreement_signed_on": _DATE,
    "active": {"type": "boolean"},
}


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


routes: list[BaseRoute] = [
    api_route(
        "/api/providers",
        api_providers.providers,
        REVIEWERS,
        doc=RouteDoc(query=(Param("active", "yes: active providers only; no: deactivated ones only"),)),
    ),
    api_route(
        "/api/providers",
        api_providers.add_provider,
        ADMINS,
        methods=POST,
        doc=RouteDoc(
            body=_body(_PROVIDER_PROPERTIES, ["names", "sectors", "email"]),
            responses={201: "The new provider.", 400: "A field is missing or names no known sector or place."},
        ),
    ),
    api_route(PROVIDER, api_providers.provider, REVIEWERS, doc=RouteDoc(responses={404: "No such provider."})),
    api_route(
        PROVIDER,
        api_providers.change_provider,
        ADMINS,
        methods=["PATCH"],
        doc=RouteDoc(body=_body(_PROVIDER_PROPERTIES, []), responses={404: "No such provider."}),
    ),
    api_route(
        COMPLAINT + "/providers/suggested",
        api_providers.suggested,
        REVIEWERS,
        doc=RouteDoc(responses=NOT_FOUND),
    ),
    api_route(
        COMPLAINT + "/route",
        api_providers.route,
        REVIEWERS,
        methods=POST,
        doc=RouteDoc(
            body=_body({"provider_id": {"type": "integer", "minimum": 1}, "deadline": _DATE}, ["provider_id"]),
            responses={
                400: "No such active provider, or a deadline in the past.",
                **NOT_FOUND,
                409: "The lifecycle does not allow routing now (route from in_review, answered or routed).",
            },
        ),
    ),
    api_route(COMPLAINT + "/routing", api_providers.routing, REVIEWERS, doc=RouteDoc(responses=NOT_FOUND)),
    page_route("/admin/providers", provider_admin.providers_page, ADMINS),
    page_route("/admin/providers", provider_admin.add_provider, ADMINS, methods=POST),
    page_route("/admin/providers/{provider_id:int}", provider_admin.edit_page, ADMINS),
    page_route("/admin/providers/{provider_id:int}", provider_admin.save_provider, ADMINS, methods=POST),
    page_route("/complaints/{reference}/route", routing_page.route_page, REVIEWERS),
    page_route("/complaints/{reference}/route", routing_page.route_from_page, REVIEWERS, methods=POST),
]
