"""URL map of the staff API, each route with who may use it. Every endpoint needs a Bearer token.

Producers may read complaints, but the queries give them only those whose callers agreed to broadcast;
staff and admins review (write); only admins reveal a caller's number or read the audit log. Providers
(issue 10) are on no list yet, so every route refuses them. The OpenAPI document is generated from this table.
"""

from __future__ import annotations

from typing import Any

from hotline.access import roles
from hotline.audit import AuditAction
from hotline.models import ComplaintStatus
from hotline.models.users import Role
from staff import (
    answer_routes,
    api,
    api_audit,
    api_inbox,
    api_review,
    dashboard_routes,
    episode_publish_routes,
    episode_routes,
    routing_routes,
)
from staff.endpoint import Param, RouteDoc, api_route
from staff.openapi import openapi_handler

READERS = roles(Role.ADMIN, Role.STAFF, Role.PRODUCER)
REVIEWERS = roles(Role.ADMIN, Role.STAFF)
ADMINS = roles(Role.ADMIN)

COMPLAINT = "/api/complaints/{reference}"
NOT_FOUND = {404: "No complaint with this reference that this user may see."}
CONFLICT = "The complaint's current state does not allow it; nothing was written."


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


_STRING, _INT = {"type": "string"}, {"type": "integer", "minimum": 0}
_LIMIT = Param("limit", "page size, 1-200 (default 50)", {"type": "integer"})
_CURSOR = Param("cursor", "next_cursor of the previous page")


def _documented_routes() -> list[Any]:
    """Every route table with API routes; the OpenAPI document lists their /api/ routes."""
    tables = (
        answer_routes.routes,
        routing_routes.routes,
        dashboard_routes.routes,
        episode_routes.routes,
        episode_publish_routes.routes,
    )
    return [*routes, *(route for table in tables for route in table)]


routes = [
    api_route("/api/menu", api.menu, READERS),
    api_route(
        "/api/places",
        api.places,
        READERS,
        doc=RouteDoc(
            query=(
                Param("q", "part of a Cyrillic or Latin place name"),
                Param("level", "area, soum or district", repeats=True),
                _LIMIT,
            )
        ),
    ),
    api_route(
        "/api/complaints",
        api_inbox.complaints,
        READERS,
        doc=RouteDoc(
            query=(
                Param("q", "words of the current transcript"),
                Param("status", "a status", {"type": "string", "enum": [s.value for s in ComplaintStatus]}, True),
                Param("sector", "a sector code", repeats=True),
                Param("area", "an area code", repeats=True),
                Param("language", "a language code", repeats=True),
                Param("soum", "a soum's gazetteer code"),
                Param("from", "created at or after: ISO 8601 date or datetime (also `since`)"),
                Param("since", "same as from"),
                Param("to", "created on or before: ISO 8601 date or datetime"),
                Param("consent", "yes or no: the caller agreed to broadcast"),
                Param("reviewed", "yes or no: the newest transcript version is by staff"),
                Param("low_confidence", "yes: the machine transcript's confidence is low"),
                Param("counts", "yes: add the count per status"),
                _LIMIT,
                _CURSOR,
            )
        ),
    ),
    api_route(COMPLAINT, api.complaint, READERS, doc=RouteDoc(responses=NOT_FOUND)),
    api_route(
        COMPLAINT + "/audio",
        api_review.audio,
        READERS,
        doc=RouteDoc(
            media_type="audio/*",
            responses={206: "The requested byte range.", 416: "The range lies beyond the file.", **NOT_FOUND},
        ),
    ),
    api_route(COMPLAINT + "/related", api_review.related, READERS, doc=RouteDoc(responses=NOT_FOUND)),
    api_route(
        COMPLAINT + "/transcripts",
        api_review.save_transcript,
        REVIEWERS,
        methods=["POST"],
        doc=RouteDoc(
            body=_body(
                {"text": _STRING, "based_on_version": _INT, "confirm": {"type": "boolean"}}, ["based_on_version"]
            ),
            responses={201: "The new version.", **NOT_FOUND, 409: "based_on_version is not the newest version."},
        ),
    ),
    api_route(
        COMPLAINT + "/status",
        api_review.move_status,
        REVIEWERS,
        methods=["POST"],
        doc=RouteDoc(
            body=_body(
                {"status": {"enum": [s.value for s in ComplaintStatus]}, "reason": _STRING, "duplicate_of": _STRING},
                ["status"],
            ),
            responses={**NOT_FOUND, 409: "The lifecycle does not allow this move now; nothing was written."},
        ),
    ),
    api_route(
        COMPLAINT + "/tags",
        api_review.change_tags,
        REVIEWERS,
        methods=["POST"],
        doc=RouteDoc(
            body=_body(
                {
                    "action": {"enum": list(api_review.TAG_ACTIONS)},
                    "tag_id": {"type": "integer", "minimum": 1},
                    "kind": {"enum": ["sector", "area", "soum"]},
                    "code": _STRING,
                },
                ["action"],
            ),
            responses={**NOT_FOUND, 409: CONFLICT},
        ),
    ),
    api_route(
        COMPLAINT + "/notes",
        api_review.post_note,
        REVIEWERS,
        methods=["POST"],
        doc=RouteDoc(body=_body({"text": _STRING}, ["text"]), responses={201: "The note.", **NOT_FOUND}),
    ),
    api_route(
        COMPLAINT + "/reveal",
        api_review.reveal,
        ADMINS,
        methods=["POST"],
        doc=RouteDoc(responses={**NOT_FOUND, 409: "The complaint has no readable number."}),
    ),
    api_route(
        "/api/audit",
        api_audit.audit_events,
        ADMINS,
        doc=RouteDoc(
            query=(
                Param("actor", "the acting user's email"),
                Param("action", "an action", {"type": "string", "enum": [a.value for a in AuditAction]}, True),
                Param("object_type", "e.g. complaint, user"),
                Param("object_id", "e.g. a complaint's reference"),
                _LIMIT,
                _CURSOR,
            )
        ),
    ),
]
# The document covers every API table of the app (issue 10's tables add theirs here).
routes.append(api_route("/api/openapi.json", openapi_handler(_documented_routes), READERS))
