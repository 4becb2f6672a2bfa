"""The admins' provider pages (list, add, edit, deactivate) and routing a complaint from its routing panel."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from hotline import accounts
from hotline.models import Complaint, ComplaintStatus, User
from hotline.models.answers import Notice
from hotline.providers import list_providers
from tests.conftest import RecordingDispatcher, reread
from tests.factories import make_complaint
from tests.staff.web.conftest import log_in, logged_in_csrf


@pytest.fixture
def admin_client(client: TestClient, admin: User) -> TestClient:
    log_in(client, admin.email)
    return client


def _post(client: TestClient, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data={**data, "csrf_token": logged_in_csrf(client)}, follow_redirects=False)


HOSPITAL = {
    "name_mn": "Ховд аймгийн нэгдсэн эмнэлэг",
    "name_en": "Khovd hospital",
    "sectors": ["health"],
    "areas": ["84"],
    "soums": "8410",
    "email": "clinic@khovd.example.mn",
    "phone": "+976 7043 2000",
    "agreement_signed_on": "2026-01-31",
}


def test_an_admin_adds_edits_and_deactivates_a_provider(admin_client: TestClient, session: Session) -> None:
    empty = admin_client.get("/admin/providers")
    assert empty.status_code == 200 and "No providers yet." in empty.text
    assert 'name="sectors" value="health"' in empty.text and '<option value="84"' in empty.text

    added = _post(admin_client, "/admin/providers", HOSPITAL)
    assert added.status_code == 200 and "Added Khovd hospital." in added.text, added.text
    reread(session)
    [provider] = list_providers(session)
    assert provider.areas == ["84", "8410"] and provider.agreement_signed and provider.sectors == ["health"]
    assert provider.names == {"mn": HOSPITAL["name_mn"], "en": "Khovd hospital"}

    edit = admin_client.get(f"/admin/providers/{provider.id}")
    assert edit.status_code == 200 and 'value="8410"' in edit.text and "clinic@khovd.example.mn" in edit.text
    saved = _post(admin_client, f"/admin/providers/{provider.id}", {**HOSPITAL, "sectors": ["health", "welfare"]})
    assert saved.status_code == 200 and "Saved Khovd hospital." in saved.text
    off = _post(admin_client, f"/admin/providers/{provider.id}", {"action": "deactivate"})
    assert off.status_code == 200 and "Deactivated" in off.text
    reread(session)
    [changed] = list_providers(session)
    assert changed.sectors == ["health", "welfare"] and not changed.active and changed.areas == ["84", "8410"]
    assert admin_client.get("/admin/providers/999").status_code == 404


def test_a_refused_form_comes_back_with_the_reason_and_what_was_typed(
    admin_client: TestClient, session: Session
) -> None:
    page = _post(admin_client, "/admin/providers", {**HOSPITAL, "soums": "8410 123456"})
    assert page.status_code == 400 and "unknown place" in page.text and 'value="8410 123456"' in page.text
    bad_date = _post(admin_client, "/admin/providers", {**HOSPITAL, "agreement_signed_on": "31.01.2026"})
    assert bad_date.status_code == 400 and "YYYY-MM-DD" in bad_date.text
    reread(session)
    assert list_providers(session) == []


def test_only_admins_manage_providers(client: TestClient, staff_user: User) -> None:
    log_in(client, staff_user.email)
    assert client.get("/admin/providers").status_code == 403
    assert _post(client, "/admin/providers", HOSPITAL).status_code == 403


def test_staff_route_a_complaint_from_its_routing_panel(
    client: TestClient, admin: User, staff_user: User, session: Session, jobs: RecordingDispatcher
) -> None:
    log_in(client, admin.email)
    _post(client, "/admin/providers", HOSPITAL)
    _post(client, "/admin/providers", {**HOSPITAL, "name_en": "Ministry", "name_mn": "", "areas": [], "soums": ""})
    client.post("/logout", data={"csrf_token": logged_in_csrf(client)})
    log_in(client, staff_user.email)
    complaint = make_complaint(session, status=ComplaintStatus.IN_REVIEW, soum="8410", transcript_text="эм алга")
    reread(session)
    hospital, ministry = list_providers(session)

    panel = client.get(f"/complaints/{complaint.reference}/route")
    assert panel.status_code == 200 and "Not routed to a provider yet." in panel.text
    suggested = panel.text.split('label="Suggested"')[1].split("</optgroup>")[0]
    assert suggested.index("Khovd hospital") < suggested.index("Ministry")

    refused = _post(client, f"/complaints/{complaint.reference}/route", {"provider_id": str(hospital.id),
                                                                         "deadline": "2020-01-01"})  # fmt: skip
    assert refused.status_code == 400 and "has passed" in refused.text
    done = _post(client, f"/complaints/{complaint.reference}/route", {"provider_id": str(ministry.id)})
    assert done.status_code == 303 and done.headers["location"].endswith("/route?done=routed")

    after = client.get(done.headers["location"])
    assert "Ministry" in after.text and "pending" in after.text and "clinic@khovd.example.mn" in after.text
    complaint_page = client.get(f"/complaints/{complaint.reference}")  # the panel is on the complaint page too
    assert complaint_page.status_code == 200 and 'id="routing-heading"' in complaint_page.text
    assert "Ministry (clinic@khovd.example.mn)" in complaint_page.text
    reread(session)
    stored = session.get(Complaint, complaint.id)
    assert stored is not None and stored.status == "routed" and stored.provider_id == ministry.id
    notice = session.exec(select(Notice)).one()
    assert notice.kind == "routed" and jobs.notices == [notice.id]  # handed to the queue after the commit


def test_a_failed_notice_shows_its_reason_on_the_panel(client: TestClient, staff_user: User, session: Session) -> None:
    complaint = make_complaint(session, status=ComplaintStatus.ROUTED)
    session.add(Notice(complaint_id=complaint.id or 0, kind="routed", recipient="x@example.org", status="failed",
                       attempts=3, last_error="smtp://127.0.0.1:2525: ConnectionRefusedError"))  # fmt: skip
    session.commit()
    log_in(client, staff_user.email)
    page = client.get(f"/complaints/{complaint.reference}/route")
    assert page.status_code == 200 and "ConnectionRefusedError" in page.text and "notice-failed" in page.text


def test_an_admin_adds_a_provider_login_on_the_users_page(admin_client: TestClient, session: Session) -> None:
    _post(admin_client, "/admin/providers", HOSPITAL)
    reread(session)
    [provider] = list_providers(session)
    login = {"email": "nurse@khovd.example.mn", "display_name": "Nurse", "role": "provider", "password": ""}

    without = _post(admin_client, "/admin/users", login)
    assert without.status_code == 400 and "needs its provider" in without.text
    added = _post(admin_client, "/admin/users", {**login, "provider_id": str(provider.id)})
    assert added.status_code == 200 and "Added nurse@khovd.example.mn." in added.text
    assert "<small>Khovd hospital</small>" in added.text
    staff = _post(admin_client, "/admin/users", {**login, "email": "s@example.org", "role": "staff",
                                                 "provider_id": str(provider.id)})  # fmt: skip
    assert staff.status_code == 200  # the provider choice only counts for a provider's login
    reread(session)
    nurse = accounts.find_user(session, email="nurse@khovd.example.mn")
    other = accounts.find_user(session, email="s@example.org")
    assert nurse is not None and nurse.provider_id == provider.id and other is not None and other.provider_id is None


def test_a_staff_login_cannot_be_turned_into_a_provider_login_on_the_users_page(
    admin_client: TestClient, staff_user: User, session: Session
) -> None:
    page = _post(admin_client, f"/admin/users/{staff_user.id}/role", {"role": "provider"})
    assert page.status_code == 400 and "Only a login added with its provider" in page.text
    reread(session)
    assert accounts.find_user(session, email=staff_user.email).role == "staff"  # type: ignore[union-attr]
