"""The admins' users and audit pages, and that every account change (from a page or the CLI) is audited."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from hotline import accounts
from hotline.audit import AuditAction
from hotline.models import AuditEvent, User, WebSession, utcnow
from tests.conftest import PUBLIC_BASE_URL, reread
from tests.staff.test_accounts import cli_env, run_cli  # noqa: F401 - cli_env is a fixture
from tests.staff.web.conftest import PASSWORD, log_in, logged_in_csrf, make_user


@pytest.fixture
def admin_client(client: TestClient, admin: User) -> TestClient:
    log_in(client, admin.email)
    return client


def _post(client: TestClient, path: str, **data: str):
    return client.post(path, data={**data, "csrf_token": logged_in_csrf(client)})


def _audit(session: Session, action: AuditAction) -> list[AuditEvent]:
    reread(session)
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))))


def _user(session: Session, email: str) -> User:
    reread(session)
    user = accounts.find_user(session, email=email)
    assert user is not None
    return user


def test_admin_adds_a_user_with_a_password(admin_client: TestClient, session: Session) -> None:
    page = _post(
        admin_client, "/admin/users", email="Bat@Example.org", display_name="Бат", role="staff", password=PASSWORD
    )
    assert page.status_code == 200 and "Added bat@example.org." in page.text and "Бат" in page.text
    user = _user(session, "bat@example.org")
    assert (user.role, user.display_name, user.is_active) == ("staff", "Бат", True)
    [event] = _audit(session, AuditAction.USER_ADDED)
    assert (event.actor, event.object_id, event.after, event.address) == (
        "admin@example.org",
        "bat@example.org",
        "role=staff",
        "testclient",
    )
    assert PASSWORD not in event.before + event.after
    with TestClient(admin_client.app, base_url=PUBLIC_BASE_URL) as other:
        assert log_in(other, "bat@example.org").status_code == 303


def test_a_user_added_without_a_password_gets_a_temporary_one_shown_once(
    admin_client: TestClient, session: Session
) -> None:
    page = _post(admin_client, "/admin/users", email="new@example.org", role="producer", password="")
    match = re.search(r"<code>([^<]+)</code>", page.text)
    assert match and "shown only this once" in page.text
    temporary = match.group(1)
    assert temporary not in admin_client.get("/admin/users").text
    assert all(temporary not in e.before + e.after for e in _audit(session, AuditAction.USER_ADDED))
    with TestClient(admin_client.app, base_url=PUBLIC_BASE_URL) as other:
        assert log_in(other, "new@example.org", temporary).status_code == 303


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "admin@example.org", "role": "staff", "password": PASSWORD}, "already exists"),
        ({"email": "not-an-email", "role": "staff", "password": PASSWORD}, "valid email"),
        ({"email": "x@example.org", "role": "king", "password": PASSWORD}, "valid email address and one of the roles"),
        ({"email": "x@example.org", "role": "staff", "password": "short"}, "at least 12 characters"),
    ],
)
def test_adding_a_user_refuses_bad_input(
    admin_client: TestClient, session: Session, fields: dict[str, str], message: str
) -> None:
    page = _post(admin_client, "/admin/users", **fields)
    assert page.status_code == 400 and message in page.text
    assert _audit(session, AuditAction.USER_ADDED) == []


def test_deactivate_reactivate_and_change_role(admin_client: TestClient, session: Session, staff_user: User) -> None:
    with TestClient(admin_client.app, base_url=PUBLIC_BASE_URL) as theirs:
        log_in(theirs, "staff@example.org")
        assert theirs.get("/account/password").status_code == 200

        page = _post(admin_client, f"/admin/users/{staff_user.id}/deactivate")
        assert "Deactivated staff@example.org" in page.text
        assert theirs.get("/account/password", follow_redirects=False).status_code == 303
        assert not _user(session, "staff@example.org").is_active

        _post(admin_client, f"/admin/users/{staff_user.id}/reactivate")
        assert _user(session, "staff@example.org").is_active
        assert log_in(theirs, "staff@example.org").status_code == 303

        assert theirs.get("/admin/users").status_code == 403
        page = _post(admin_client, f"/admin/users/{staff_user.id}/role", role="admin")
        assert "staff@example.org is now: Admin." in page.text
        assert theirs.get("/admin/users").status_code == 200  # roles are read on every request

    assert [e.object_id for e in _audit(session, AuditAction.USER_DEACTIVATED)] == ["staff@example.org"]
    changes = [(e.before, e.after) for e in _audit(session, AuditAction.USER_CHANGED)]
    assert changes == [("inactive", "active"), ("role=staff", "role=admin")]


def test_reset_password_logs_the_user_out_and_shows_a_new_one_once(
    admin_client: TestClient, session: Session, staff_user: User
) -> None:
    with TestClient(admin_client.app, base_url=PUBLIC_BASE_URL) as theirs:
        log_in(theirs, "staff@example.org")
        page = _post(admin_client, f"/admin/users/{staff_user.id}/password")
        match = re.search(r"<code>([^<]+)</code>", page.text)
        assert match and "logged them out" in page.text
        assert theirs.get("/account/password", follow_redirects=False).status_code == 303
        assert log_in(theirs, "staff@example.org").status_code == 200  # the old password is gone
        assert log_in(theirs, "staff@example.org", match.group(1)).status_code == 303
    [event] = _audit(session, AuditAction.PASSWORD_RESET)
    assert (event.actor, event.object_id) == ("admin@example.org", "staff@example.org")
    assert match.group(1) not in event.before + event.after


def test_the_last_admin_can_be_neither_demoted_nor_deactivated(
    admin_client: TestClient, session: Session, admin: User
) -> None:
    for path, data in [
        (f"/admin/users/{admin.id}/role", {"role": "staff"}),
        (f"/admin/users/{admin.id}/deactivate", {}),
    ]:
        page = _post(admin_client, path, **data)
        assert page.status_code == 409 and "last active admin" in page.text
    assert _user(session, "admin@example.org").role == "admin"
    make_user(session, "second@example.org", "admin")
    assert _post(admin_client, f"/admin/users/{admin.id}/role", role="staff").status_code == 200


def test_an_unknown_user_or_role_is_refused(admin_client: TestClient, staff_user: User) -> None:
    assert _post(admin_client, "/admin/users/999999/deactivate").status_code == 404
    assert _post(admin_client, f"/admin/users/{staff_user.id}/role", role="king").status_code == 400


def test_cli_changes_are_audited_as_cli(
    cli_env: Path,  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
    session: Session,
    engine: Engine,
) -> None:
    assert run_cli(monkeypatch, ["users", "add", "ops@example.org", "--role", "admin"]) == 0
    assert run_cli(monkeypatch, ["tokens", "create", "ops@example.org", "--label", "laptop"]) == 0
    token_id = _token_id(session)
    assert run_cli(monkeypatch, ["tokens", "revoke", str(token_id)]) == 0
    assert run_cli(monkeypatch, ["users", "add", "bat@example.org"]) == 0
    assert run_cli(monkeypatch, ["users", "deactivate", "bat@example.org"]) == 0
    reread(session)
    events = session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    assert [(e.actor, e.action, e.object_id) for e in events] == [
        ("cli", "user_added", "ops@example.org"),
        ("cli", "token_issued", "ops@example.org"),
        ("cli", "token_revoked", str(token_id)),
        ("cli", "user_added", "bat@example.org"),
        ("cli", "user_deactivated", "bat@example.org"),
    ]


def _token_id(session: Session) -> int:
    from hotline.models import ApiToken

    reread(session)
    token = session.exec(select(ApiToken)).one()
    assert token.id is not None
    return token.id


# --- the audit page --------------------------------------------------------------------------------------


def test_audit_page_lists_newest_first_filters_and_pages(
    admin_client: TestClient, session: Session, engine: Engine, staff_user: User
) -> None:
    # The admin's login, 3 failed and 1 good login by staff, then 57 older failures: 62 events, two pages.
    with TestClient(admin_client.app, base_url=PUBLIC_BASE_URL) as other:
        for _ in range(3):
            log_in(other, "staff@example.org", "wrong")
        log_in(other, "staff@example.org")
    with Session(engine) as s:
        s.exec(
            update(AuditEvent)
            .where(col(AuditEvent.action) == "login_failed")
            .values(created_at=utcnow() - timedelta(hours=1))
        )  # type: ignore[call-overload]
        for n in range(57):
            s.add(
                AuditEvent(
                    actor="anonymous",
                    action="login_failed",
                    object_type="user",
                    object_id=f"g{n}@x.org",
                    created_at=utcnow() - timedelta(hours=2, seconds=n),
                )
            )
        s.commit()

    page = admin_client.get("/admin/audit")
    rows = re.findall(r"<tr>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>", page.text)
    assert len(rows) == 50
    assert [actor for _, actor, _ in rows[:3]] == ["staff@example.org", "admin@example.org", "anonymous"]
    times = [when for when, _, _ in rows]
    assert times == sorted(times, reverse=True)
    older = re.search(r'href="([^"]+)" rel="next"', page.text)
    assert older
    second = admin_client.get(older.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    rest = re.findall(r"<tr>\s*<td>([^<]+)</td>", second.text)
    assert len(rest) == 62 - 50 and 'rel="next"' not in second.text

    by_actor = admin_client.get("/admin/audit?actor=staff@example.org").text
    assert "Logged in" in by_actor and by_actor.count("<tr>") == 2  # header row and staff's one login
    failed = admin_client.get("/admin/audit?action=login_failed&object_type=user&object_id=staff@example.org").text
    assert failed.count("<tr>") == 1 + 3
    assert admin_client.get("/admin/audit?actor=nobody@example.org").text.count("<tr>") == 0
    assert admin_client.get("/admin/audit?action=dance").status_code == 400
    assert admin_client.get("/admin/audit?after=2026-01-01T00:00:00_x").status_code == 400


def test_the_radio_episode_actions_have_labels_and_filters(admin_client: TestClient, session: Session) -> None:
    for action in (AuditAction.EPISODE_EDITED, AuditAction.EPISODE_BUILD_REQUESTED):
        session.add(
            AuditEvent(actor="producer@example.org", action=action, object_type="episode", object_id="khovd 2026-W48")
        )
    session.commit()
    page = admin_client.get("/admin/audit?action=episode_build_requested")
    assert page.status_code == 200 and page.text.count("<tr>") == 1 + 1
    assert (
        "<td>Asked for a radio episode's package</td>" in page.text and "Edited a radio episode</td>" not in page.text
    )


def test_staff_cannot_open_the_admin_pages(client: TestClient, staff_user: User) -> None:
    log_in(client, "staff@example.org")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/users").status_code == 403
    assert "/admin/users" not in client.get("/account/password").text  # nor see them in the menu


def test_a_session_row_keeps_no_clear_token(admin_client: TestClient, session: Session) -> None:
    reread(session)
    [row] = session.exec(select(WebSession)).all()
    assert len(row.token_hash) == 64 and row.token_hash not in admin_client.cookies["fms_session"]
