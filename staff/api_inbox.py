"""JSON API for the inbox: complaints newest first, filtered and searched, one keyset page at a time.

The handler only parses parameters (staff.params) and calls the core queries; what a role may see is
decided there too (producers get consented complaints only). `inbox_filter` is shared with the inbox
page, so the page and the API read the same parameters the same way.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams

from hotline.access import sees_only_consented
from hotline.deployment import Deployment
from hotline.inbox_queries import InboxFilter, list_complaints, status_counts
from hotline.models import ComplaintStatus
from staff.api_output import ApiError
from staff.endpoint import ApiRequest
from staff.params import (
    choices,
    decode_cursor,
    encode_cursor,
    parse_limit,
    parse_moment,
    parse_search,
    parse_soum,
    parse_yes_no,
)


def complaints(api: ApiRequest) -> dict[str, Any]:
    """Complaints newest first; filters may repeat (`status=a&status=b` means either); `counts=1` adds the
    number each status tab would list with the other filters kept."""
    query = api.query
    filters = inbox_filter(query, api.settings.deployment)
    consented_only = sees_only_consented(api.user.role)
    cursor = query.get("cursor")
    page = list_complaints(
        api.session,
        filters=filters,
        limit=parse_limit(query.get("limit")),
        after=decode_cursor(cursor) if cursor else None,
        consented_only=consented_only,
    )
    body: dict[str, Any] = {
        "items": page.items,
        "next_cursor": encode_cursor(page.next_cursor) if page.next_cursor else None,
    }
    if parse_yes_no(query.get("counts"), name="counts"):
        body["counts"] = status_counts(api.session, filters=filters, consented_only=consented_only)
    return body


def inbox_filter(query: QueryParams, deployment: Deployment) -> InboxFilter:
    """The inbox's filters from query parameters, each checked (ApiError 400 with a message otherwise).

    Dates without a zone are read in the deployment's time zone; `to` as a bare date includes that whole
    day. `since` is the older name of `from`."""
    timezone = ZoneInfo(deployment.timezone)
    if query.get("from") and query.get("since"):
        raise ApiError(400, "give from or since (the same filter), not both")
    start_name = "from" if query.get("from") else "since"
    return InboxFilter(
        statuses=tuple(choices(query.getlist("status"), name="status", allowed=[s.value for s in ComplaintStatus])),
        sectors=tuple(choices(query.getlist("sector"), name="sector", allowed=[s.code for s in deployment.sectors])),
        areas=tuple(choices(query.getlist("area"), name="area", allowed=[a.code for a in deployment.areas])),
        languages=tuple(
            choices(query.getlist("language"), name="language", allowed=[lang.code for lang in deployment.languages])
        ),
        soum=parse_soum(query.get("soum")),
        created_from=parse_moment(query.get(start_name), name=start_name, timezone=timezone),
        created_before=parse_moment(query.get("to"), name="to", timezone=timezone, end_of_day=True),
        broadcast_consent=parse_yes_no(query.get("consent"), name="consent"),
        reviewed=parse_yes_no(query.get("reviewed"), name="reviewed"),
        low_confidence=bool(parse_yes_no(query.get("low_confidence"), name="low_confidence")),
        search=parse_search(query.get("q")),
    )
