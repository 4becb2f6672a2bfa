"""URL map (API and pages) for answers and provider logins, each route with who may use it.

Answering and reading answers is for staff, admins and provider logins; which complaint a provider may
touch is not decided here but in hotline.provider_scope (only its own, anything else is a 404). Closing
is for staff and admins. The provider's own list and complaint are for provider logins only.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from hotline.access import roles
from hotline.answer_audio import MAX_UPLOAD_BYTES
from hotline.models.users import Role
from hotline.responses import CLOSURES
from staff import api_answers
from staff.endpoint import Param, RouteDoc, api_route
from staff.web import provider_pages as pages
from staff.web.page import page_route

ANSWERERS = roles(Role.ADMIN, Role.STAFF, Role.PROVIDER)
REVIEWERS = roles(Role.ADMIN, Role.STAFF)
PROVIDERS = roles(Role.PROVIDER)
POST = ("POST",)
UPLOAD_LIMIT = MAX_UPLOAD_BYTES + 256 * 1024  # the file plus the form's text and multipart framing

COMPLAINT = "/api/complaints/{reference}"
NOT_FOUND = {404: "No complaint with this reference that this user may see."}


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


routes: list[BaseRoute] = [
    api_route(
        COMPLAINT + "/responses",
        api_answers.post_response,
        ANSWERERS,
        methods=["POST"],
        upload_limit=UPLOAD_LIMIT,
        doc=RouteDoc(
            body=_body({"text": {"type": "string"}}, ["text"]),
            responses={
                201: "The new version; a routed complaint is now answered. Also accepts multipart/form-data "
                "with `text` and/or an `audio` file (MP3, OGG/Opus, M4A, WebM, WAV; at most 20 MB, 10 min).",
                400: "No text and no audio, or an audio file that does not decode.",
                **NOT_FOUND,
                409: "The complaint is not routed or answered.",
                413: "The upload is too large.",
            },
        ),
    ),
    api_route(COMPLAINT + "/responses", api_answers.responses, ANSWERERS, doc=RouteDoc(responses=NOT_FOUND)),
    api_route(
        COMPLAINT + "/responses/{version}/audio",
        api_answers.response_audio_file,
        ANSWERERS,
        doc=RouteDoc(media_type="audio/wav", responses={206: "The requested byte range.", **NOT_FOUND}),
    ),
    api_route(
        COMPLAINT + "/close",
        api_answers.close,
        REVIEWERS,
        methods=["POST"],
        doc=RouteDoc(
            body=_body({"closure": {"enum": list(CLOSURES)}, "reason": {"type": "string"}}, ["closure"]),
            responses={**NOT_FOUND, 409: "The lifecycle does not allow closing it now; nothing was written."},
        ),
    ),
    api_route(
        "/api/provider/complaints",
        api_answers.provider_complaints,
        PROVIDERS,
        doc=RouteDoc(
            query=(
                Param("limit", "page size, 1-200 (default 50)", {"type": "integer"}),
                Param("cursor", "next_cursor of the previous page"),
            )
        ),
    ),
    api_route(
        "/api/provider/complaints/{reference}",
        api_answers.provider_complaint,
        PROVIDERS,
        doc=RouteDoc(responses=NOT_FOUND),
    ),
    api_route(
        "/api/provider/complaints/{reference}/audio",
        api_answers.provider_caller_audio,
        PROVIDERS,
        doc=RouteDoc(media_type="audio/*", responses={**NOT_FOUND, 206: "The requested byte range."}),
    ),
    page_route("/provider/complaints", pages.provider_inbox, PROVIDERS),
    page_route("/provider/complaints/{reference}", pages.provider_complaint, PROVIDERS),
    page_route("/provider/complaints/{reference}/audio", pages.provider_caller_audio, PROVIDERS),
    page_route("/complaints/{reference}/responses/{version:int}/audio", pages.response_audio, ANSWERERS),
    page_route("/complaints/{reference}/responses", pages.answer, ANSWERERS, methods=POST, upload_limit=UPLOAD_LIMIT),
    page_route("/complaints/{reference}/close", pages.close_complaint_form, REVIEWERS, methods=POST),
]
