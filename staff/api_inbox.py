"""JSON API for the inbox: complaints newest first, filtered and searched, one keyset page at a time.

The handler only parses parameters (staff.params) and calls the core query; what a role may see is
decided there too (producers get consented complaints only).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from hotline.access import sees_only_consented
from hotline.inbox_queries import list_complaints
from hotline.models import ComplaintStatus
from staff.endpoint import ApiRequest
from staff.params import choices, decode_cursor, encode_cursor, parse_limit, parse_since


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
