"""Open311 GeoReport v2, read-only and public: the services (the deployment's sectors) and the public
complaints (hotline.open311_queries says which), for city dashboards, Open311 tools and researchers.

    GET /open311/v2/discovery.json
    GET /open311/v2/services.{json|xml}            ?locale=mn
    GET /open311/v2/requests.{json|xml}            ?service_code=health&status=open,closed
                                                   &start_date=2026-01-01T00:00:00Z&end_date=…
                                                   &service_request_id=123,456&page=1&page_size=50&locale=en
    GET /open311/v2/requests/{id}.{json|xml}

Names (service_name, agency_responsible, address) are in `locale`, a language of the deployment (default its
first). Paging is ours, as the spec leaves it open: `page` from 1 and `page_size` 1–200 (default 50), newest
first. Dates without a zone are UTC. Errors are the spec's list of {code, description}, in the asked format.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from hotline.app_state import AppState, app_state
from hotline.deployment import Deployment
from hotline.open311_queries import CLOSED, MAX_PAGE_SIZE, OPEN, PublicRequest, RequestFilter
from hotline.open311_queries import public_request as find_public_request
from hotline.open311_queries import public_requests as find_public_requests
from staff.open311_format import JSON_TYPE, XML_TYPE, Record, as_json, as_json_document, as_xml, error_records, w3c
from staff.params import MAX_ID

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = datetime(2026, 11, 24, tzinfo=UTC)  # when this endpoint's behaviour last changed
FORMATS = ("json", "xml")
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


def _reply(records: list[Record], fmt: str, *, root: str, item: str, status: int = 200) -> Response:
    if fmt == "xml":
        return Response(as_xml(records, root=root, item=item), status_code=status, media_type=XML_TYPE)
    return Response(as_json(records), status_code=status, media_type=JSON_TYPE)


def _error(error: Open311Error, fmt: str) -> Response:
    return _reply(error_records(error.code, error.description), fmt, root="errors", item="error", status=error.code)


def _format(request: Request) -> str:
    fmt = str(request.path_params.get("format", "json"))
    if fmt not in FORMATS:
        raise Open311Error(404, f"unknown format {fmt!r}: use .json or .xml")
    return fmt


def _locale(request: Request, deployment: Deployment) -> str:
    value = request.query_params.get("locale", "").strip()
    if not value:
        return deployment.languages[0].code
    code = value.replace("_", "-").split("-")[0].lower()
    if all(language.code != code for language in deployment.languages):
        known = ", ".join(language.code for language in deployment.languages)
        raise Open311Error(400, f"locale must be one of {known}; got {value[:40]!r}")
    return code


def _endpoint(handler: Any) -> Any:
    """Run a handler; an Open311Error becomes the spec's error document in the asked format."""

    def endpoint(request: Request) -> Response:
        fmt = request.path_params.get("format", "json")
        try:
            return handler(request, app_state(request))  # type: ignore[no-any-return]
        except Open311Error as error:
            return _error(error, fmt if fmt in FORMATS else "json")

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


@_endpoint
def discovery(request: Request, services: AppState) -> Response:
    """Where this GeoReport v2 endpoint is and what it speaks."""
    base = services.settings.public_base_url
    endpoint = {
        "specification": SPECIFICATION,
        "url": f"{base}/open311/v2",
        "changeset": w3c(CHANGESET),
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }
    body = {"changeset": w3c(CHANGESET), "contact": base, "key_service": "none: read-only", "endpoints": [endpoint]}
    return Response(as_json_document(body), media_type=JSON_TYPE)


@_endpoint
def service_list(request: Request, services: AppState) -> Response:
    """The deployment's sectors as Open311 services, named in `locale`."""
    fmt, deployment = _format(request), services.settings.deployment
    locale = _locale(request, deployment)
    records: list[Record] = []
    for sector in deployment.sectors:
        name = sector.names.get(locale) or next(iter(sector.names.values()))
        keywords = ", ".join(sector.keywords.get(locale, [])[:10])
        records.append(
            [
                ("service_code", sector.code),
                ("service_name", name),
                ("description", name),
                ("metadata", False),
                ("type", "realtime"),
                ("keywords", keywords),
                ("group", ""),
            ]
        )
    return _reply(records, fmt, root="services", item="service")


@_endpoint
def request_list(request: Request, services: AppState) -> Response:
    """Public complaints, newest first, filtered and paged."""
    fmt, deployment = _format(request), services.settings.deployment
    locale = _locale(request, deployment)
    where = _filter(request, deployment)
    with services.engine.connect() as connection:
        found = find_public_requests(connection, where=where)
    return _reply([_record(r, services, locale) for r in found], fmt, root="service_requests", item="request")


@_endpoint
def request_detail(request: Request, services: AppState) -> Response:
    """One public complaint by its reference (a private or unknown one is 404 alike)."""
    fmt, deployment = _format(request), services.settings.deployment
    locale = _locale(request, deployment)
    reference = request.path_params["service_request_id"]
    found = None
    if reference.isascii() and reference.isdigit() and len(reference) <= 16:
        with services.engine.connect() as connection:
            found = find_public_request(connection, reference=reference)
    if found is None:
        raise Open311Error(404, f"no public service request {reference[:20]!r}")
    return _reply([_record(found, services, locale)], fmt, root="service_requests", item="request")


def _filter(request: Request, deployment: Deployment) -> RequestFilter:
    query = request.query_params
    sectors = _listed(query.get("service_code", ""))
    unknown = [code for code in sectors if deployment.sector(code) is None]
    if unknown:
        raise Open311Error(400, f"unknown service_code {unknown[0][:40]!r}: see services.json")
    statuses = [status.lower() for status in _listed(query.get("status", ""))]
    if any(status not in (OPEN, CLOSED) for status in statuses):
        raise Open311Error(400, "status must be open, closed or both (comma-separated)")
    references = _listed(query.get("service_request_id", ""))
    if any(not (ref.isascii() and ref.isdigit() and len(ref) <= 16) for ref in references):
        raise Open311Error(400, "service_request_id must be reference numbers (digits), comma-separated")
    return RequestFilter(
        references=references,
        sectors=sectors,
        statuses=statuses,
        start=_date(query.get("start_date"), "start_date"),
        end=_date(query.get("end_date"), "end_date"),
        page=_number(query.get("page"), "page", default=1, highest=MAX_ID),
        page_size=_number(query.get("page_size"), "page_size", default=50, highest=MAX_PAGE_SIZE),
    )


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()][:50]


def _date(value: str | None, name: str) -> datetime | None:
    if value is None or not value.strip():
        return None
    text = value.strip().replace(" ", "+")  # an unencoded "+08:00" arrives as " 08:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Open311Error(
            400, f"{name} must be a W3C datetime, e.g. 2026-01-31T08:00:00Z; got {value[:40]!r}"
        ) from None
    aware = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    if not EARLIEST <= aware <= LATEST:
        raise Open311Error(400, f"{name} must be between 2000-01-01 and 9999-12-31")
    return aware.astimezone(UTC)


def _number(value: str | None, name: str, *, default: int, highest: int) -> int:
    if value is None or not value.strip():
        return default
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 10 and 1 <= int(text) <= highest):
        raise Open311Error(400, f"{name} must be a whole number from 1 to {highest}; got {value[:20]!r}")
    return int(text)


def _record(found: PublicRequest, services: AppState, locale: str) -> Record:
    deployment = services.settings.deployment
    sector = deployment.sector(found.sector)
    address, address_id = _place(found, services, locale)
    names = found.provider_names or {}
    return [
        ("service_request_id", found.reference),
        ("status", found.status),
        ("status_notes", found.status_notes),
        ("service_name", (sector.names.get(locale) or found.sector) if sector else found.sector),
        ("service_code", found.sector),
        ("description", found.description),
        ("agency_responsible", (names.get(locale) or next(iter(names.values()), None)) if names else None),
        ("service_notice", ""),
        ("requested_datetime", found.requested_at),
        ("updated_datetime", found.updated_at),
        ("expected_datetime", found.expected_at),
        ("address", address),
        ("address_id", address_id),
    ]


def _place(found: PublicRequest, services: AppState, locale: str) -> tuple[str | None, str | None]:
    """The soum (with its aimag) when staff tagged one, else the aimag: never anything finer."""
    area = services.settings.deployment.area(found.area)
    area_name = (area.names.get(locale) or next(iter(area.names.values()), None)) if area else None
    soum = services.places.place(found.soum) if found.soum and services.places else None
    if soum is not None:
        return ", ".join(name for name in (soum.label(locale), area_name) if name), soum.code
    return area_name, found.area if area else None
