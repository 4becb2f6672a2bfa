"""JSON API handlers for staff tools: the deployment's menu and one complaint with everything about it.

Handlers only parse parameters (staff.params) and call the core queries; the SQL lives in
hotline.complaint_queries. What a role may see is decided there too: producers get consented complaints only.
"""

from __future__ import annotations

from typing import Any

from hotline.access import sees_only_consented
from hotline.complaint_queries import complaint_detail
from hotline.deployment import Deployment
from hotline.models import ComplaintStatus
from staff.endpoint import ApiError, ApiRequest
from staff.params import parse_reference


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
    """One complaint with its recording, newest transcript and tags; one the user may not see does not exist."""
    reference = parse_reference(api.path_params["reference"])
    detail = complaint_detail(api.session, reference=reference, consented_only=sees_only_consented(api.user.role))
    if detail is None:
        raise ApiError(404, f"no complaint with reference {reference}")
    return detail
