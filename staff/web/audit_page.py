"""The admins' audit log page: newest first, filtered by actor, action and object, one keyset page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from urllib.parse import urlencode

from starlette.responses import Response

from hotline.accounts import find_user
from hotline.audit import AuditAction, AuditCursor, list_events
from staff.web.i18n import N_
from staff.web.page_request import PageError, PageRequest

PAGE_SIZE = 50
FILTERS = ("actor", "action", "object_type", "object_id")
ACTION_LABELS: Mapping[str, str] = {
    AuditAction.LOGIN: N_("Logged in"),
    AuditAction.LOGIN_FAILED: N_("Failed login"),
    AuditAction.LOGOUT: N_("Logged out"),
    AuditAction.PASSWORD_CHANGED: N_("Changed own password"),
    AuditAction.TRANSCRIPT_SAVED: N_("Saved a transcript"),
    AuditAction.TAG_CHANGED: N_("Changed a tag"),
    AuditAction.STATUS_CHANGED: N_("Changed a status"),
    AuditAction.NOTE_ADDED: N_("Added a note"),
    AuditAction.NUMBER_REVEALED: N_("Revealed a caller's number"),
    AuditAction.USER_ADDED: N_("Added a user"),
    AuditAction.USER_CHANGED: N_("Changed a user"),
    AuditAction.USER_DEACTIVATED: N_("Deactivated a user"),
    AuditAction.PASSWORD_RESET: N_("Reset a password"),
    AuditAction.TOKEN_ISSUED: N_("Issued an API token"),
    AuditAction.TOKEN_REVOKED: N_("Revoked an API token"),
    AuditAction.EPISODE_DRAFTED: N_("Drafted a radio episode"),
    AuditAction.EPISODE_EDITED: N_("Edited a radio episode"),
    AuditAction.EPISODE_BUILD_REQUESTED: N_("Asked for a radio episode's package"),
    AuditAction.EPISODE_PUBLISHED: N_("Published a radio episode"),
}


def audit_page(page: PageRequest) -> Response:
    filters = {name: page.query.get(name, "").strip() for name in FILTERS}
    after = parse_cursor(page.query.get("after", ""), page=page)
    actor_id: int | None = None
    if filters["actor"]:
        actor = find_user(page.session, email=filters["actor"])
        actor_id = actor.id if actor is not None and actor.id is not None else -1  # unknown: nothing matches
    if filters["action"] and filters["action"] not in ACTION_LABELS:
        raise PageError(400, page.gettext("Unknown action."))
    events, cursor = list_events(
        page.session,
        actor_id=actor_id,
        actions=[filters["action"]] if filters["action"] else (),
        object_type=filters["object_type"] or None,
        object_id=filters["object_id"] or None,
        limit=PAGE_SIZE,
        after=after,
    )
    chosen = {name: value for name, value in filters.items() if value}
    next_url = f"/admin/audit?{urlencode({**chosen, 'after': format_cursor(cursor)})}" if cursor else ""
    first_url = f"/admin/audit?{urlencode(chosen)}" if after else ""
    return page.render(
        "admin_audit.html",
        events=events,
        filters=filters,
        action_labels=ACTION_LABELS,
        next_page_url=next_url,
        first_page_url=first_url,
    )


def format_cursor(cursor: AuditCursor) -> str:
    return f"{cursor.created_at.isoformat()}_{cursor.id}"


def parse_cursor(value: str, *, page: PageRequest) -> AuditCursor | None:
    if not value:
        return None
    at, _, event_id = value.rpartition("_")
    try:
        when = datetime.fromisoformat(at)
        if not (event_id.isdigit() and len(event_id) <= 18) or not 2000 <= when.year <= 9999:
            raise ValueError(value)
    except ValueError:
        raise PageError(400, page.gettext("This page link is not valid; start from the newest events.")) from None
    return AuditCursor(created_at=when, id=int(event_id))
