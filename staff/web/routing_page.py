"""Routing a complaint from the browser: the routing panel (templates/_routing_panel.html) and its form.

The panel shows the complaint's provider, deadline, overdue flag and every notice with its status (a failed
email says why), then the suggested providers first and every active provider in a select, with an optional
deadline. The complaint page includes the panel with `routing=routing_panel(page, complaint)`; the panel
also has a page of its own at /complaints/{reference}/route.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from starlette.responses import Response

from hotline.audit import Actor
from hotline.lifecycle import STAFF_MOVES
from hotline.models import Complaint, ComplaintStatus
from hotline.provider_suggestions import Suggestion, suggest_providers
from hotline.providers import ProviderView, list_providers
from hotline.review_errors import Conflict, ReviewRefused
from hotline.routing import RoutingState, hand_over_notice, route_complaint, routing_state
from staff.web.complaint_view import load_complaint
from staff.web.page import PageRequest
from staff.web.provider_admin import form_date

# Statuses from which a complaint may be routed: those the lifecycle allows, and routed itself (re-routing).
ROUTABLE = frozenset(
    {ComplaintStatus.ROUTED, *(status for status, moves in STAFF_MOVES.items() if ComplaintStatus.ROUTED in moves)}
)


@dataclass(frozen=True)
class RoutingPanel:
    state: RoutingState
    suggestions: list[Suggestion]
    providers: list[ProviderView]  # every active provider, for the select
    can_route: bool


def routing_panel(page: PageRequest, complaint: Complaint) -> RoutingPanel:
    """What _routing_panel.html needs for one complaint."""
    return RoutingPanel(
        state=routing_state(page.session, complaint=complaint),
        suggestions=suggest_providers(page.session, complaint=complaint, places=page.places),
        providers=list_providers(page.session, active_only=True),
        can_route=complaint.status in ROUTABLE,
    )


def route_page(page: PageRequest, *, status_code: int = 200, error: str = "") -> Response:
    complaint = load_complaint(page)
    notice = page.gettext("Routed; the provider's notice is on its way.") if page.query.get("done") == "routed" else ""
    return page.render(
        "complaint_routing.html",
        status_code=status_code,
        reference=complaint.reference,
        routing=routing_panel(page, complaint),
        error=error,
        notice=notice,
    )


def route_from_page(page: PageRequest) -> Response:
    complaint = load_complaint(page)
    provider_text = page.field("provider_id")
    if not provider_text.isascii() or not provider_text.isdigit() or len(provider_text) > 9:
        return route_page(page, status_code=400, error=page.gettext("Choose a provider."))
    try:
        routed = route_complaint(
            page.session,
            complaint=complaint,
            provider_id=int(provider_text),
            actor=Actor.of(page.user, address=page.address),
            settings=page.settings,
            places=page.places,
            deadline=form_date(page, "deadline", message=page.gettext("Give the deadline as YYYY-MM-DD.")),
        )
    except ReviewRefused as exc:
        page.session.rollback()
        return route_page(page, status_code=409 if isinstance(exc, Conflict) else 400, error=exc.message)
    page.session.commit()
    if routed.notice_id is not None:
        hand_over_notice(page.jobs, routed.notice_id)
    return page.redirect(f"/complaints/{quote(complaint.reference)}/route?done=routed")
