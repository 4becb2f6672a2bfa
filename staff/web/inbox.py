"""The inbox page at `/` and `/complaints`: newest complaints first, filtered, searched, status tabs with counts.

It reads the same query parameters as `GET /api/complaints` (staff.api_inbox.inbox_filter), so a page's
URL and the API's say the same thing; a bad value is a 400 page naming it. Producers see only complaints
whose callers agreed to broadcast, in the list and in the counts alike (the core query decides).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute

from hotline.access import roles, sees_only_consented
from hotline.inbox_queries import list_complaints, status_counts
from hotline.models import ComplaintStatus
from hotline.models.users import Role
from staff.api_inbox import inbox_filter
from staff.api_output import ApiError
from staff.params import decode_cursor, encode_cursor
from staff.web.deployment_names import area_choices, sector_choices
from staff.web.labels import STATUS_LABELS
from staff.web.page import page_route
from staff.web.page_request import PageError, PageRequest
from staff.web.provider_pages import start_page as provider_start_page

PAGE_SIZE = 50
# What the tabs and the next-page link carry over (anything else, e.g. the complaint page's `done`, is not a filter).
FILTER_PARAMETERS = frozenset(
    {
        "q",
        "status",
        "sector",
        "area",
        "soum",
        "language",
        "from",
        "since",
        "to",
        "consent",
        "reviewed",
        "low_confidence",
    }
)
READERS = roles(Role.ADMIN, Role.STAFF, Role.PRODUCER)
# `/` is every signed-in user's start: a provider's login is sent on to its own list (never this inbox).
START = roles(Role.ADMIN, Role.STAFF, Role.PRODUCER, Role.PROVIDER)


@dataclass(frozen=True)
class StatusTab:
    status: str  # "" for every status
    count: int
    url: str
    current: bool


def start_page(page: PageRequest) -> Response:
    """The inbox, or for a provider's login its own list (302: the same page, found elsewhere for this user)."""
    elsewhere = provider_start_page(page.user)
    if elsewhere is not None:
        return RedirectResponse(elsewhere, status_code=302)
    return inbox_page(page)


def inbox_page(page: PageRequest) -> Response:
    deployment = page.settings.deployment
    try:
        filters = inbox_filter(page.query, deployment)
        cursor = page.query.get("cursor")
        after = decode_cursor(cursor) if cursor else None
    except ApiError as exc:
        raise PageError(400, page.gettext("This filter is not valid: %(detail)s", detail=exc.message)) from None
    consented_only = sees_only_consented(page.user.role)
    result = list_complaints(page.session, filters=filters, limit=PAGE_SIZE, after=after, consented_only=consented_only)
    counts = status_counts(page.session, filters=filters, consented_only=consented_only)
    kept = [(name, value) for name, value in page.query.multi_items() if value and name in FILTER_PARAMETERS]
    next_url = _url([*kept, ("cursor", encode_cursor(result.next_cursor))]) if result.next_cursor else ""
    return page.render(
        "inbox.html",
        items=result.items,
        tabs=_tabs(kept, counts, chosen=filters.statuses),
        chosen={name: value for name, value in kept},
        statuses=STATUS_LABELS,
        sectors=sector_choices(deployment, page.language),
        areas=area_choices(deployment, page.language),
        message=page.gettext("No complaint is waiting for transcription.")
        if page.query.get("done") == "queue_empty"
        else "",
        complaint_languages=[lang.code for lang in deployment.languages],
        next_url=next_url,
        first_url=_url(kept) if after else "",
        export_url="/complaints.csv" + (f"?{urlencode(kept)}" if kept else ""),  # every page of these filters
    )


def _tabs(kept: list[tuple[str, str]], counts: dict[str, int], *, chosen: tuple[str, ...]) -> list[StatusTab]:
    """ "All" and one tab per status, each keeping the other filters; a tab's count is what it would list."""
    others = [(name, value) for name, value in kept if name != "status"]
    tabs = [StatusTab(status="", count=sum(counts.values()), url=_url(others), current=not chosen)]
    for status in ComplaintStatus:
        tabs.append(
            StatusTab(
                status=status.value,
                count=counts.get(status.value, 0),
                url=_url([*others, ("status", status.value)]),
                current=chosen == (status.value,),
            )
        )
    return tabs


def _url(params: list[tuple[str, str]]) -> str:
    return "/complaints" + (f"?{urlencode(params)}" if params else "")


routes: list[BaseRoute] = [
    page_route("/", start_page, START),
    page_route("/complaints", inbox_page, READERS),
]
