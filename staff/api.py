"""JSON API handlers for staff tools: the deployment's menu and the complaints with their transcripts.

Handlers only parse parameters (staff.params) and call the core queries; the SQL lives in
hotline.complaint_queries. What a role may see is decided there too: producers get consented complaints only.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from hotline.access import sees_only_consented
from hotline.complaint_queries import complaint_detail, list_complaints
from hotline.deployment import Deployment
from hotline.models import ComplaintStatus
from staff.endpoint import ApiError, ApiRequest
from staff.params import choices, decode_cursor, encode_cursor, parse_limit, parse_reference, parse_since


def menu(api: ApiRequest) -> dict[str, Any]:
    """The deployment's keypad menu: languages, sectors and areas with the digits a caller presses."""
    return menu_document(api.settings.deployment)


def menu_document(deployment: Deployment) -> dict[str, Any]:
    return {
        "deployment": deployment.name,
        "country": deployment.country,
        "timezone": deployment.timezone,
        "languages": [
            {"code": lang.code, "name": lang.name, "digit": str(position)}
            for position, lang in enumerate(deployment.languages, start=1)
        ],
        "sectors": [{"code": s.code, "digit": s.digit, "names": dict(s.names)} for s in deployment.sectors],
        "areas": [{"code": a.code, "names": dict(a.names)} for a in deployment.areas],
        "statuses": [status.value for status in ComplaintStatus],
    }


def complaints(api: ApiRequest) -> dict[str, Any]:
    """Complaints newest first; filters may repeat (`status=a&status=b` means either)."""
    deployment = api.settings.deployment
    query = api.query
    cursor = query.get("cursor")
    page = list_complaints(
        api.session,
        statuses=choices(query.getlist("status"), name="status", allowed=[s.value for s in ComplaintStatus]),
        sectors=choices(query.getlist("sector"), name="sector", allowed=[s.code for s in deployment.sectors]),
        areas=choices(query.getlist("area"), name="area", allowed=[a.code for a in deployment.areas]),
        since=parse_since(query.get("since"), timezone=ZoneInfo(deployment.timezone)),
        limit=parse_limit(query.get("limit")),
        after=decode_cursor(cursor) if cursor else None,
        consented_only=sees_only_consented(api.user.role),
    )
    return {"items": page.items, "next_cursor": encode_cursor(page.next_cursor) if page.next_cursor else None}


def complaint(api: ApiRequest) -> Any:
    """One complaint with its recording, newest transcript and tags; one the user may not see does not exist."""
    reference = parse_reference(api.path_params["reference"])
    detail = complaint_detail(api.session, reference=reference, consented_only=sees_only_consented(api.user.role))
    if detail is None:
        raise ApiError(404, f"no complaint with reference {reference}")
    return detail
