"""Open311 GeoReport v2, read by an independent reader: JSON parsed and checked against the spec's field list,
XML parsed with xml.etree; only consented, staff-reviewed complaints ever appear, and never a caller's number."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from hotline.models import Complaint
from hotline.settings import Settings
from tests.answer_factories import make_response
from tests.answers import make_provider, make_routed
from tests.factories import CALLER_NUMBER, make_complaint, make_transcript

# GeoReport v2, "GET Service Requests" response fields (http://wiki.open311.org/GeoReport_v2).
SPEC_REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}  # fmt: skip
# "GET Service List" response fields.
SPEC_SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
NEVER = {"lat", "long", "media_url"}
V2 = "/open311/v2"


def _public(session: Session, **overrides: Any) -> Complaint:
    """A consented complaint whose transcript staff reviewed."""
    complaint = make_complaint(session, **overrides)
    make_transcript(session, complaint, source="staff", text=f"reviewed words of {complaint.reference}")
    return complaint


def _json(client: TestClient, path: str, status: int = 200) -> Any:
    response = client.get(V2 + path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return json.loads(response.content)


def _xml(client: TestClient, path: str, status: int = 200) -> ET.Element:
    response = client.get(V2 + path)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/xml")
    return ET.fromstring(response.content)


def _ids(client: TestClient, query: str = "") -> list[str]:
    return [item["service_request_id"] for item in _json(client, f"/requests.json{query}")]


def _w3c(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def test_a_request_carries_only_spec_fields_in_json_and_xml(client: TestClient, session: Session, settings: Settings):
    provider = make_provider(session, "Khovd hospital")
    complaint = make_routed(session, provider, sector="health", area="84")
    make_response(session, complaint, settings=settings, text="first", version=1)
    make_response(session, complaint, settings=settings, text="Medicine arrived on Monday.", version=2)

    [item] = _json(client, "/requests.json")
    assert set(item) <= SPEC_REQUEST_FIELDS and not set(item) & NEVER
    assert item["service_request_id"] == complaint.reference
    assert item["status"] == "open"
    assert item["status_notes"] == "Medicine arrived on Monday."
    assert item["service_code"] == "health" and item["service_name"] == "Эрүүл мэнд"  # the first language
    assert item["agency_responsible"] == "Khovd hospital"
    assert item["description"] == complaint.transcript_text == "эмнэлэгт эм байхгүй, тусламж хэрэгтэй"
    assert (item["address"], item["address_id"]) == ("Ховд", "84")
    assert _w3c(item["expected_datetime"]) - _w3c(item["requested_datetime"]) > timedelta(days=29)
    _w3c(item["updated_datetime"])

    root = _xml(client, "/requests.xml")
    assert root.tag == "service_requests"
    [request] = list(root)
    assert request.tag == "request"
    fields = {child.tag: child.text or "" for child in request}
    assert set(fields) <= SPEC_REQUEST_FIELDS and not set(fields) & NEVER
    assert fields == {name: str(value) for name, value in item.items()}

    [english] = _json(client, f"/requests/{complaint.reference}.json?locale=en")
    assert (english["service_name"], english["address"]) == ("health", "Khovd")
    one = _xml(client, f"/requests/{complaint.reference}.xml")
    assert [r.findtext("service_request_id") for r in one.findall("./request")] == [complaint.reference]


def test_only_consented_and_reviewed_complaints_are_public(client: TestClient, session: Session):
    shown = _public(session)
    not_consented = _public(session, broadcast_consent=False)
    machine_only = make_complaint(session)
    make_transcript(session, machine_only, source="machine", text="raw machine words")
    untranscribed = make_complaint(session)
    assert _ids(client) == [shown.reference]
    for hidden in (not_consented, machine_only, untranscribed):
        assert hidden.reference not in _ids(client, f"?service_request_id={hidden.reference}")
        errors = _json(client, f"/requests/{hidden.reference}.json", status=404)
        assert errors[0]["code"] == 404 and set(errors[0]) == {"code", "description"}
        root = _xml(client, f"/requests/{hidden.reference}.xml", status=404)
        assert root.tag == "errors" and root.find("./error/code").text == "404"  # type: ignore[union-attr]
        assert root.find("./error/description") is not None


def test_status_is_open_or_closed(client: TestClient, session: Session):
    by_status = {status: _public(session, status=status).reference for status in ("routed", "aired", "answered")}
    closed = {status: _public(session, status=status).reference for status in ("closed", "not_actionable", "duplicate")}
    assert sorted(_ids(client, "?status=open")) == sorted(by_status.values())
    assert sorted(_ids(client, "?status=closed")) == sorted(closed.values())
    assert len(_ids(client, "?status=open,closed")) == 6
    assert {item["status"] for item in _json(client, "/requests.json?status=closed")} == {"closed"}


def test_filters_by_service_code_and_dates_and_pages(client: TestClient, session: Session):
    day = datetime(2026, 3, 1, 12, tzinfo=UTC)
    made = [
        _public(session, sector="health" if n % 2 else "education", created_at=day + timedelta(days=n))
        for n in range(6)
    ]
    newest_first = [c.reference for c in reversed(made)]
    assert _ids(client) == newest_first
    assert _ids(client, "?service_code=education") == [c.reference for c in reversed(made) if c.sector == "education"]
    assert _ids(client, "?service_code=health,education") == newest_first
    assert _ids(client, "?start_date=2026-03-03T00:00:00Z&end_date=2026-03-05T00:00:00%2B00:00") == [
        made[3].reference,
        made[2].reference,
    ]
    assert _ids(client, "?start_date=2026-03-06") == [made[5].reference]  # no zone: UTC
    pages = [_ids(client, f"?page={page}&page_size=4") for page in (1, 2, 3)]
    assert pages == [newest_first[:4], newest_first[4:], []]


@pytest.mark.parametrize(
    "query",
    [
        "service_code=plumbing",
        "status=pending",
        "start_date=yesterday",
        "end_date=1999-01-01T00:00:00Z",
        "page=0",
        "page_size=201",
        "page=abc",
        "locale=fr",
        "service_request_id=12a",
    ],
)
def test_a_bad_parameter_is_a_spec_error_in_either_format(client: TestClient, query: str):
    errors = _json(client, f"/requests.json?{query}", status=400)
    assert errors[0]["code"] == 400 and errors[0]["description"]
    root = _xml(client, f"/requests.xml?{query}", status=400)
    assert root.tag == "errors" and [e.findtext("code") for e in root.findall("./error")] == ["400"]


def test_an_unknown_format_is_404(client: TestClient):
    assert client.get(f"{V2}/requests.csv").status_code == 404
    assert client.get(f"{V2}/services.html").status_code == 404


def test_services_are_the_deployments_sectors_named_in_the_locale(client: TestClient, settings: Settings):
    sectors = settings.deployment.sectors
    default = _json(client, "/services.json")
    assert [s["service_code"] for s in default] == [s.code for s in sectors]
    assert all(set(s) <= SPEC_SERVICE_FIELDS for s in default)
    assert [s["service_name"] for s in default] == [s.names["mn"] for s in sectors]
    english = _json(client, "/services.json?locale=en-US")
    assert [s["service_name"] for s in english] == [s.names["en"] for s in sectors]
    assert all(s["metadata"] is False for s in english)
    root = _xml(client, "/services.xml?locale=en")
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("./service")] == [s.code for s in sectors]
    assert root.find("./service/metadata").text == "false"  # type: ignore[union-attr]
    assert all({child.tag for child in s} <= SPEC_SERVICE_FIELDS for s in root)


def test_discovery_names_the_v2_endpoint(client: TestClient, settings: Settings):
    discovery = _json(client, "/discovery.json")
    [endpoint] = discovery["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"{settings.public_base_url}/open311/v2"
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}
    _w3c(discovery["changeset"])


def test_a_soum_is_the_finest_place_shown(client: TestClient, session: Session):
    complaint = _public(session, area="41", soum="4149")
    [item] = _json(client, "/requests.json?locale=en")
    assert item["address_id"] == "4149" and item["address"].startswith("Jargalant")
    assert complaint.reference == item["service_request_id"]


def test_no_caller_number_anywhere(client: TestClient, session: Session, settings: Settings):
    complaint = make_routed(session, make_provider(session))
    make_response(session, complaint, settings=settings, text="answered")
    digits = CALLER_NUMBER.lstrip("+")
    for path in ("/requests.json", "/requests.xml", f"/requests/{complaint.reference}.json", "/services.json"):
        body = client.get(V2 + path).text
        assert digits not in body and digits[-4:] not in body and "caller" not in body, path
