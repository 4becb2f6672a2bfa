"""Revealing a caller's number (admins only, audited without the number) and reading the audit log."""

from __future__ import annotations

from sqlmodel import Session, select
from starlette.testclient import TestClient

from hotline.models import AuditEvent, Call, Complaint, ComplaintStatus
from hotline.privacy import protector_for
from hotline.settings import Settings
from tests.factories import CALLER_NUMBER, make_complaint
from tests.staff.review_api import bearer, count, post


def _readable_number(session: Session, settings: Settings, complaint: Complaint) -> None:
    """Encrypt the caller's number under the app's key (the factory uses a key of its own)."""
    call = session.get(Call, complaint.call_id)
    assert call is not None
    call.caller_number_encrypted = protector_for(settings.SECRET_KEY.get_secret_value()).encrypt(CALLER_NUMBER)
    session.add(call)
    session.commit()


def test_an_admin_reveals_the_number_and_the_log_records_the_fact_but_not_the_number(
    client: TestClient, session: Session, settings: Settings
) -> None:
    complaint = make_complaint(session)
    _readable_number(session, settings, complaint)
    admin = bearer(session, "admin")

    revealed = client.post(f"/api/complaints/{complaint.reference}/reveal", headers=admin)

    assert revealed.status_code == 200, revealed.text
    assert revealed.json() == {"reference": complaint.reference, "number": CALLER_NUMBER}
    event = session.exec(select(AuditEvent)).one()
    assert (event.action, event.actor, event.object_type, event.object_id) == (
        "number_revealed",
        "admin@example.org",
        "complaint",
        complaint.reference,
    )
    assert all(CALLER_NUMBER[-6:] not in field for field in (event.before, event.after, event.object_id))
    detail = client.get(f"/api/complaints/{complaint.reference}", headers=admin).json()
    assert CALLER_NUMBER[-6:] not in str(detail) and detail["caller"].endswith("33")


def test_staff_cannot_reveal_and_an_unreadable_number_reveals_and_logs_nothing(
    client: TestClient, session: Session
) -> None:
    complaint = make_complaint(session)  # encrypted under the factory's key: this app cannot read it
    refused = post(client, f"/api/complaints/{complaint.reference}/reveal", bearer(session, "staff"), {})
    assert refused.status_code == 403
    unreadable = client.post(f"/api/complaints/{complaint.reference}/reveal", headers=bearer(session, "admin"))
    assert unreadable.status_code == 409 and "no readable caller number" in unreadable.json()["error"]
    assert count(session, AuditEvent) == 0


def test_the_audit_log_filters_by_actor_action_and_object_and_pages_by_cursor(
    client: TestClient, session: Session
) -> None:
    first = make_complaint(session, status=ComplaintStatus.TRANSCRIBED)
    second = make_complaint(session, status=ComplaintStatus.TRANSCRIBED)
    staff, admin = bearer(session, "staff"), bearer(session, "admin")
    for complaint in (first, second):
        post(client, f"/api/complaints/{complaint.reference}/status", staff, {"status": "in_review"})
        post(client, f"/api/complaints/{complaint.reference}/notes", admin, {"text": "seen"})

    def events(**params: object) -> dict:  # type: ignore[type-arg]
        response = client.get("/api/audit", params=params, headers=admin)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    assert len(events()["items"]) == 4
    by_staff = events(actor="staff@example.org")["items"]
    assert {e["action"] for e in by_staff} == {"status_changed"} and len(by_staff) == 2
    assert [e["object_id"] for e in events(action="note_added", object_id=second.reference)["items"]] == [
        second.reference
    ]
    assert events(actor="nobody@example.org")["items"] == []
    page = events(limit=3)
    rest = events(limit=3, cursor=page["next_cursor"])
    assert len(page["items"]) == 3 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert {e["id"] for e in page["items"]}.isdisjoint({e["id"] for e in rest["items"]})
    assert client.get("/api/audit", params={"action": "sneeze"}, headers=admin).status_code == 400
    assert client.get("/api/audit", headers=staff).status_code == 403
