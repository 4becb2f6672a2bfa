"""JSON API handlers for staff tools: the deployment's menu, its places, and one complaint with everything
about it.

Handlers only parse parameters (staff.params) and call the core queries; the SQL lives in
hotline.complaint_queries. What a role may see is decided there too: producers get consented complaints
only, and no internal notes.
"""

from __future__ import annotations

from typing import Any

from hotline.access import sees_only_consented
from hotline.complaint_queries import complaint_detail
from hotline.deployment import Deployment
from hotline.models import ComplaintStatus
from hotline.places import SOUM_LEVELS
from staff.api_output import ApiError
from staff.endpoint import ApiRequest
from staff.params import choices, parse_limit, parse_reference


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


def complaint(api: ApiRequest) -> Any:
    """One complaint with its recording, every transcript version, tags, notes and status history; one the user
    may not see does not exist."""
    reference = parse_reference(api.path_params["reference"])
    outsider = sees_only_consented(api.user.role)
    detail = complaint_detail(api.session, reference=reference, consented_only=outsider, with_notes=not outsider)
    if detail is None:
        raise ApiError(404, f"no complaint with reference {reference}")
    return detail


PLACE_LEVELS = ("area", *SOUM_LEVELS)


def places(api: ApiRequest) -> dict[str, Any]:
    """Places (areas, soums, districts) whose Cyrillic or Latin name contains `q`, for the tag editor."""
    text = (api.query.get("q") or "").strip()
    if len(text) > 100:
        raise ApiError(400, f"q must be at most 100 characters, got {len(text)}")
    levels = choices(api.query.getlist("level"), name="level", allowed=list(PLACE_LEVELS))
    found = api.places.search(text, levels=levels, limit=parse_limit(api.query.get("limit"))) if text else []
    return {
        "items": [{"code": p.code, "level": p.level, "name": p.name, "area": p.area, "names": p.names} for p in found]
    }
