"""The provider directory and routing API: the contract of issue 10 (`POST /api/providers`, `POST .../route`),
roles, validation, the routed complaint's document, and the notice handed to the queue after the commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from hotline.models import AuditEvent, Complaint, ComplaintStatus, Provider
from hotline.models.answers import Notice
from tests.conftest import RecordingDispatcher
from tests.factories import CALLER_NUMBER, make_complaint
from tests.staff.review_api import bearer, count

KHOVD_HOSPITAL = {
    "names": {"en": "Khovd hospital", "mn": "Ховд аймгийн нэгдсэн эмнэлэг"},
    "sectors": ["health"],
    "areas": ["84"],
    "email": "clinic@khovd.example.mn",
    "phone": "+976 7043 2000",
    "agreement_signed_on": "2026-01-31",
}


def add(client: TestClient, session: Session, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/providers", json=body, headers=bearer(session, "admin"))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_admins_add_providers_as_the_contract_says_and_staff_read_them(client: TestClient, session: Session) -> None:
    made = add(client, session, KHOVD_HOSPITAL)
    assert made["id"] >= 1 and made["names"] == KHOVD_HOSPITAL["names"] and made["areas"] == ["84"]
    assert made["agreement_signed"] is True and made["agreement_signed_on"] == "2026-01-31" and made["active"]

    staff = bearer(session, "staff")
    listing = client.get("/api/providers", headers=staff).json()["items"]
    assert [p["id"] for p in listing] == [made["id"]]
    assert client.get(f"/api/providers/{made['id']}", headers=staff).json()["email"] == "clinic@khovd.example.mn"
    assert client.get("/api/providers/999", headers=staff).status_code == 404
    assert client.get("/api/providers/abc", headers=staff).status_code == 400

    assert client.post("/api/providers", json=KHOVD_HOSPITAL, headers=staff).status_code == 403
    assert client.patch(f"/api/providers/{made['id']}", json={"active": False}, headers=staff).status_code == 403
    assert client.get("/api/providers", headers=bearer(session, "producer")).status_code == 403
    added = session.exec(select(AuditEvent).where(AuditEvent.action == "provider_added")).one()
    assert added.object_id == str(made["id"]) and added.actor == "admin@example.org"


def test_patch_changes_only_what_it_names_and_deactivates(client: TestClient, session: Session) -> None:
    made = add(client, session, KHOVD_HOSPITAL)
    admin = bearer(session, "admin")
    changed = client.patch(f"/api/providers/{made['id']}", json={"areas": ["84", "8410"], "phone": ""}, headers=admin)
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["areas"] == ["84", "8410"] and body["phone"] == "" and body["names"] == KHOVD_HOSPITAL["names"]
    off = client.patch(f"/api/providers/{made['id']}", json={"active": False}, headers=admin).json()
    assert off["active"] is False
    assert client.get("/api/providers?active=yes", headers=admin).json()["items"] == []
    assert [p["id"] for p in client.get("/api/providers?active=no", headers=admin).json()["items"]] == [made["id"]]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({**KHOVD_HOSPITAL, "sectors": ["plumbing"]}, "unknown sector"),
        ({**KHOVD_HOSPITAL, "areas": ["84010101"]}, "unknown place"),
        ({**KHOVD_HOSPITAL, "names": "Khovd"}, "names must be an object"),
        ({**KHOVD_HOSPITAL, "areas": "84"}, "areas must be a list"),
        ({**KHOVD_HOSPITAL, "agreement_signed_on": "31/01/2026"}, "ISO 8601 date"),
        ({**KHOVD_HOSPITAL, "website": "x"}, "unknown field website"),
        ({**KHOVD_HOSPITAL, "email": "nobody"}, "not a valid email"),
    ],
)
def test_bad_provider_bodies_are_400_and_write_nothing(
    client: TestClient, session: Session, body: dict[str, Any], message: str
) -> None:
    response = client.post("/api/providers", json=body, headers=bearer(session, "admin"))
    assert response.status_code == 400 and message in response.json()["error"], response.text
    assert count(session, Provider) == 0


def test_suggestions_and_routing_through_the_api(
    client: TestClient, session: Session, jobs: RecordingDispatcher
) -> None:
    national = add(client, session, {**KHOVD_HOSPITAL, "names": {"en": "Ministry"}, "areas": []})
    local = add(client, session, {**KHOVD_HOSPITAL, "areas": ["8410"]})
    complaint = make_complaint(session, status=ComplaintStatus.IN_REVIEW, soum="8410", transcript_text="эм алга")
    staff = bearer(session, "staff")
    base = f"/api/complaints/{complaint.reference}"

    suggested = client.get(base + "/providers/suggested", headers=staff).json()["items"]
    assert [(s["provider"]["id"], s["match"]) for s in suggested] == [
        (local["id"], "soum"),
        (national["id"], "nationwide"),
    ]

    before = datetime.now(UTC)
    routed = client.post(base + "/route", json={"provider_id": local["id"]}, headers=staff)
    assert routed.status_code == 200, routed.text
    doc = routed.json()
    assert doc["reference"] == complaint.reference and doc["status"] == "routed"
    assert doc["provider"]["id"] == local["id"] and doc["overdue_at"] is None
    deadline = datetime.fromisoformat(doc["response_deadline_at"])
    assert before + timedelta(days=30) <= deadline <= datetime.now(UTC) + timedelta(days=30)
    [notice] = doc["notices"]
    assert notice["kind"] == "routed" and notice["status"] == "pending" and notice["recipient"] == local["email"]
    assert jobs.notices == [notice["id"]]  # handed over after the commit
    assert client.get(base + "/routing", headers=staff).json() == doc

    stored = session.exec(select(Notice)).one()
    assert CALLER_NUMBER not in stored.body and complaint.reference in stored.body
    session.expire_all()
    row = session.get(Complaint, complaint.id)
    assert row is not None and row.status == "routed" and row.provider_id == local["id"]


def test_route_refusals(client: TestClient, session: Session, jobs: RecordingDispatcher) -> None:
    provider = add(client, session, KHOVD_HOSPITAL)
    fresh = make_complaint(session, status=ComplaintStatus.TRANSCRIBED)
    in_review = make_complaint(session, status=ComplaintStatus.IN_REVIEW)
    staff = bearer(session, "staff")

    def route(complaint: Complaint, body: Any) -> Any:
        return client.post(f"/api/complaints/{complaint.reference}/route", json=body, headers=staff)

    assert route(fresh, {"provider_id": provider["id"]}).status_code == 409
    assert route(in_review, {"provider_id": 12345}).status_code == 400
    assert route(in_review, {"provider_id": "1"}).status_code == 400
    assert route(in_review, {"provider_id": provider["id"], "deadline": "2020-01-01"}).status_code == 400
    assert route(in_review, {"provider_id": provider["id"], "deadline": "soon"}).status_code == 400
    assert route(in_review, {"provider_id": provider["id"], "urgent": True}).status_code == 400
    missing = client.post("/api/complaints/99999999/route", json={"provider_id": provider["id"]}, headers=staff)
    assert missing.status_code == 404
    producer = bearer(session, "producer")
    assert (
        client.post(
            f"/api/complaints/{in_review.reference}/route", json={"provider_id": provider["id"]}, headers=producer
        ).status_code
        == 403
    )
    assert count(session, Notice) == 0 and jobs.notices == []

    given = route(in_review, {"provider_id": provider["id"], "deadline": "2099-01-01"})
    assert given.status_code == 400 and "at most a year" in given.json()["error"]
    soon = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    ok = route(in_review, {"provider_id": provider["id"], "deadline": soon})
    assert ok.status_code == 200 and ok.json()["response_deadline_at"].startswith(soon)
