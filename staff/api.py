"""JSON API handlers for staff tools: the deployment's menu and the complaints with their transcripts.

Handlers only parse parameters and call the core queries; the SQL lives in hotline.complaint_queries.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hotline.complaint_queries import Cursor, complaint_detail, list_complaints
from hotline.deployment import Deployment
from hotline.models import ComplaintStatus
from staff.endpoint import ApiError, ApiRequest

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


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
    statuses = _choices(api, "status", [s.value for s in ComplaintStatus])
    sectors = _choices(api, "sector", [s.code for s in deployment.sectors])
    areas = _choices(api, "area", [a.code for a in deployment.areas])
    since = parse_since(api.query.get("since"), timezone=ZoneInfo(deployment.timezone))
    page = list_complaints(
        api.session,
        statuses=statuses,
        sectors=sectors,
        areas=areas,
        since=since,
        limit=_limit(api.query.get("limit")),
        after=decode_cursor(api.query["cursor"]) if api.query.get("cursor") else None,
    )
    return {"items": page.items, "next_cursor": encode_cursor(page.next_cursor) if page.next_cursor else None}


def complaint(api: ApiRequest) -> Any:
    """One complaint with its recording, newest transcript and tags."""
    detail = complaint_detail(api.session, reference=api.path_params["reference"])
    if detail is None:
        raise ApiError(404, f"no complaint with reference {api.path_params['reference']}")
    return detail


def parse_since(value: str | None, *, timezone: ZoneInfo) -> datetime | None:
    """An ISO 8601 date or datetime; without a zone it is read in the deployment's local time."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    candidates = [text]
    if " " in text:  # an unencoded "+01:00" arrives as " 01:00"
        head, _, tail = text.rpartition(" ")
        candidates.append(f"{head}+{tail}")
    for candidate in candidates:
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone)
    raise ApiError(
        400, f"since must be an ISO 8601 date or datetime, e.g. 2026-01-31 or 2026-01-31T08:00Z; got {value!r}"
    )


def encode_cursor(cursor: Cursor) -> str:
    raw = f"{cursor.created_at.isoformat()}|{cursor.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        at, _, ident = raw.partition("|")
        created_at = datetime.fromisoformat(at)
        if created_at.tzinfo is None:
            raise ValueError("cursor time without zone")
        return Cursor(created_at=created_at, id=int(ident))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(400, "cursor is not one this API handed out") from exc


def _choices(api: ApiRequest, name: str, allowed: list[str]) -> list[str]:
    values = [v for v in api.query.getlist(name) if v]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ApiError(400, f"unknown {name} {', '.join(unknown)}; expected one of {', '.join(allowed)}")
    return values


def _limit(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise ApiError(400, f"limit must be a whole number, got {value!r}") from None
    if limit < 1:
        raise ApiError(400, "limit must be at least 1")
    return min(limit, MAX_LIMIT)
