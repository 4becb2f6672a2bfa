"""JSON API for the provider directory and for routing complaints to providers.

Handlers parse the body and call the core (hotline.providers, hotline.routing), which checks the act, writes
it with its audit event and refuses with a message. Routing commits its unit of work here, before handing
the new notice to the queue, so the send job always finds its row; should the hand-over fail, the sweeper
enqueues the pending notice instead.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from hotline.provider_fields import ProviderFields
from hotline.provider_suggestions import suggest_providers
from hotline.providers import ProviderView, create_provider, find_provider, list_providers, update_provider
from hotline.routing import RoutingState, hand_over_notice, route_complaint, routing_state
from staff.api_output import ApiError, jsonable
from staff.api_review import complaint_for
from staff.endpoint import ApiRequest, Reply
from staff.json_body import bool_field, int_field, json_object, string_field
from staff.params import MAX_ID, parse_yes_no

PROVIDER_FIELDS = frozenset(
    {"names", "sectors", "areas", "email", "phone", "agreement_signed", "agreement_signed_on", "active"}
)


def providers(api: ApiRequest) -> dict[str, Any]:
    """The provider directory, by id; `active=yes` for active providers only."""
    active = parse_yes_no(api.query.get("active"), name="active")
    found = list_providers(api.session, active_only=bool(active))
    if active is False:
        found = [p for p in found if not p.active]
    return {"items": [provider_document(p) for p in found]}


def add_provider(api: ApiRequest) -> Reply:
    """Add a provider: names per language, sectors, areas (aimag or soum codes; none = nationwide), contact."""
    body = json_object(api.body, allowed=PROVIDER_FIELDS)
    blank = ProviderFields(names={}, sectors=[], areas=[], email="")
    fields = _merged(blank, body)
    made = create_provider(
        api.session, fields=fields, deployment=api.settings.deployment, places=api.places, actor=api.actor
    )
    return Reply(provider_document(made), status_code=201)


def provider(api: ApiRequest) -> dict[str, Any]:
    """One provider with its sectors and places."""
    return provider_document(_provider(api))


def change_provider(api: ApiRequest) -> dict[str, Any]:
    """Change some of a provider's fields (the others stay); `"active": false` deactivates it."""
    body = json_object(api.body, allowed=PROVIDER_FIELDS)
    current = _provider(api)
    changed = update_provider(
        api.session,
        provider_id=current.id,
        fields=_merged(current.fields(), body),
        deployment=api.settings.deployment,
        places=api.places,
        actor=api.actor,
    )
    return provider_document(changed)


def suggested(api: ApiRequest) -> dict[str, Any]:
    """Active providers for the complaint's sector, its soum's first, then its aimag's, then nationwide ones."""
    complaint = complaint_for(api)
    ranked = suggest_providers(api.session, complaint=complaint, places=api.places)
    return {"items": [{"provider": provider_document(s.provider), "match": s.match.name.lower()} for s in ranked]}


def route(api: ApiRequest) -> dict[str, Any]:
    """Route the complaint to a provider: status routed, a response deadline, and an email notice to it."""
    body = json_object(api.body, allowed={"provider_id", "deadline"})
    provider_id = int_field(body, "provider_id", minimum=1, maximum=MAX_ID)
    deadline = _date(body, "deadline")
    complaint = complaint_for(api)
    routed = route_complaint(
        api.session,
        complaint=complaint,
        provider_id=provider_id,
        actor=api.actor,
        settings=api.settings,
        places=api.places,
        deadline=deadline,
    )
    api.session.commit()  # the notice's row exists before its job may run
    if routed.notice_id is not None:
        hand_over_notice(api.services.jobs if api.services is not None else None, routed.notice_id)
    return routing_document(routing_state(api.session, complaint=routed.complaint))


def routing(api: ApiRequest) -> dict[str, Any]:
    """The complaint's provider, deadline, overdue flag and every notice sent about it (failures included)."""
    return routing_document(routing_state(api.session, complaint=complaint_for(api)))


def provider_document(view: ProviderView) -> dict[str, Any]:
    """A provider as JSON (the endpoint's encoder knows datetimes, not plain dates)."""
    document = jsonable(view)
    document["agreement_signed_on"] = view.agreement_signed_on.isoformat() if view.agreement_signed_on else None
    return document  # type: ignore[no-any-return]


def routing_document(state: RoutingState) -> dict[str, Any]:
    document = jsonable(state)
    document["provider"] = provider_document(state.provider) if state.provider is not None else None
    return document  # type: ignore[no-any-return]


def _provider(api: ApiRequest) -> ProviderView:
    raw = str(api.path_params["provider_id"])
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise ApiError(400, f"a provider id is a whole number from 1 to {MAX_ID}, got {raw!r}")
    found = find_provider(api.session, provider_id=int(raw))
    if found is None:
        raise ApiError(404, f"no provider with id {raw}")
    return found


def _merged(current: ProviderFields, body: dict[str, Any]) -> ProviderFields:
    """`current` with the body's fields over it, each checked for its JSON type."""
    changes: dict[str, Any] = {}
    if "names" in body:
        changes["names"] = _string_map(body["names"], "names")
    for name in ("sectors", "areas"):
        if name in body:
            changes[name] = _string_list(body[name], name)
    for name in ("email", "phone"):
        if name in body:
            changes[name] = string_field(body, name)
    for name in ("agreement_signed", "active"):
        if name in body:
            changes[name] = bool_field(body, name)
    if "agreement_signed_on" in body:
        signed_on = _date(body, "agreement_signed_on")
        changes["agreement_signed_on"] = signed_on
        if signed_on is not None and "agreement_signed" not in body:
            changes["agreement_signed"] = True  # a signing date says it is signed
    return replace(current, **changes)


def _string_map(value: Any, name: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ApiError(400, f'{name} must be an object of language code to text, e.g. {{"en": "…", "mn": "…"}}')
    return {str(k): v for k, v in value.items()}


def _string_list(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) > 500:
        raise ApiError(400, f"{name} must be a list of codes (strings)")
    return list(value)


def _date(body: dict[str, Any], name: str) -> date | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"{name} must be an ISO 8601 date, e.g. 2026-01-31")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ApiError(400, f"{name} must be an ISO 8601 date, e.g. 2026-01-31; got {value!r}") from None
