"""JSON API for the audit log (admins): who did what to which object, newest first, one keyset page at a time."""

from __future__ import annotations

from typing import Any

from hotline.accounts import find_user
from hotline.audit import AuditAction, AuditCursor, list_events
from hotline.complaint_queries import as_utc
from hotline.inbox_queries import Cursor
from staff.endpoint import ApiRequest
from staff.params import choices, decode_cursor, encode_cursor, parse_limit


def audit_events(api: ApiRequest) -> dict[str, Any]:
    """Audit events newest first, filtered by actor (email), action (may repeat) and object."""
    query = api.query
    actions = choices(query.getlist("action"), name="action", allowed=[a.value for a in AuditAction])
    actor_id: int | None = None
    if email := (query.get("actor") or "").strip():
        user = find_user(api.session, email=email)
        if user is None:  # nobody by that address: no events, rather than every event
            return {"items": [], "next_cursor": None}
        actor_id = user.id
    cursor = query.get("cursor")
    after = decode_cursor(cursor) if cursor else None
    events, next_cursor = list_events(
        api.session,
        actor_id=actor_id,
        actions=actions,
        object_type=(query.get("object_type") or "").strip()[:40] or None,
        object_id=(query.get("object_id") or "").strip()[:320] or None,
        limit=parse_limit(query.get("limit")),
        after=AuditCursor(created_at=after.created_at, id=after.id) if after else None,
    )
    return {
        "items": [
            {
                "id": event.id,
                "created_at": event.created_at,
                "actor": event.actor,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "before": event.before,
                "after": event.after,
                "address": event.address,
            }
            for event in events
        ],
        "next_cursor": _encode(next_cursor) if next_cursor else None,
    }


def _encode(cursor: AuditCursor) -> str:
    # The inbox's cursor format: the same keyset (created_at, id); SQLite hands the time back without its zone.
    return encode_cursor(Cursor(created_at=as_utc(cursor.created_at), id=cursor.id))
