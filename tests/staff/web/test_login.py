"""Logging in and out through the real app: sessions, cookies, the login's own CSRF, `next`, rate limits."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.audit import AuditAction
from hotline.login_limits import FAILURE_WINDOW, MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS
from hotline.models import AuditEvent, User, WebSession, utcnow
from hotline.settings import Settings
from hotline.web_sessions import session_token_hash
from staff.web.sessions_cookie import SESSION_COOKIE, unsign
from tests.conftest import RecordingDispatcher, make_settings, reread
from tests.staff.web.conftest import PASSWORD, csrf_of, log_in, logged_in_csrf, make_user


def _events(session: Session, action: AuditAction) -> list[AuditEvent]:
    reread(session)
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))))


def _live_sessions(session: Session, user: User) -> list[WebSession]:
    reread(session)
    query = select(WebSession).where(WebSession.user_id == user.id, col(WebSession.revoked_at).is_(None))
    return list(session.exec(query))


# --- the happy path ------------------------------------------------------------------------------------


def test_login_form_has_labelled_email_and_password_fields(client: TestClient) -> None:
    page = client.get("/login?next=/admin/users")
    assert page.status_code == 200
    assert '<label for="email">' in page.text and 'id="email" name="email"' in page.text
    assert '<label for="password">' in page.text and 'id="password" name="password" type="password"' in page.text
    assert 'name="next" value="/admin/users"' in page.text
    assert csrf_of(page.text)


def test_log_in_and_out(client: TestClient, session: Session, settings: Settings, admin: User) -> None:
    response = log_in(client, "Admin@Example.org ", next_path="/admin/users")
    assert response.status_code == 303 and response.headers["location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200
    [row] = _live_sessions(session, admin)
    cookie = client.cookies[SESSION_COOKIE]
    token = unsign(cookie, settings=settings)
    assert token and row.token_hash == session_token_hash(token) and token not in row.token_hash
    [login] = _events(session, AuditAction.LOGIN)
    assert (login.actor, login.actor_id, login.object_id, login.address) == (
        "admin@example.org",
        admin.id,
        "admin@example.org",
        "testclient",
    )

    out = client.post("/logout", data={"csrf_token": logged_in_csrf(client)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert SESSION_COOKIE not in client.cookies  # the browser is told to forget it...
    assert _live_sessions(session, admin) == []
    assert [e.actor for e in _events(session, AuditAction.LOGOUT)] == ["admin@example.org"]
    client.cookies.set(SESSION_COOKIE, cookie)  # ...and a copy kept by a thief opens nothing either
    again = client.get("/admin/users", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/login?next=/admin/users"


def test_each_login_gets_a_new_session_and_ends_the_one_it_replaces(
    client: TestClient, session: Session, admin: User
) -> None:
    log_in(client, "admin@example.org")
    first = client.cookies[SESSION_COOKIE]
    log_in(client, "admin@example.org")
    second = client.cookies[SESSION_COOKIE]
    assert first != second  # no fixation: a session id known before login is never the one after
    assert len(_live_sessions(session, admin)) == 1


# --- failures ------------------------------------------------------------------------------------------


def test_wrong_password_is_refused_and_audited(client: TestClient, session: Session, admin: User) -> None:
    response = log_in(client, "admin@example.org", "not the password")
    assert response.status_code == 200 and "Wrong email or password." in response.text
    assert SESSION_COOKIE not in client.cookies
    [failed] = _events(session, AuditAction.LOGIN_FAILED)
    assert (failed.actor, failed.actor_id, failed.object_type, failed.object_id, failed.address) == (
        "anonymous",
        None,
        "user",
        "admin@example.org",
        "testclient",
    )
    assert "not the password" not in (failed.before + failed.after)


def test_unknown_email_reads_like_a_wrong_password(client: TestClient, session: Session, admin: User) -> None:
    unknown = log_in(client, "nobody@example.org")
    wrong = log_in(client, "admin@example.org", "not the password")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.text.replace("nobody@example.org", "X") == wrong.text.replace("admin@example.org", "X").replace(
        csrf_of(wrong.text), csrf_of(unknown.text)
    )
    assert [e.object_id for e in _events(session, AuditAction.LOGIN_FAILED)] == [
        "nobody@example.org",
        "admin@example.org",
    ]


def test_deactivated_user_cannot_log_in(client: TestClient, session: Session) -> None:
    make_user(session, "gone@example.org", "staff", is_active=False)
    assert "Wrong email or password." in log_in(client, "gone@example.org").text


def test_login_without_its_csrf_token_or_from_another_site_is_refused(
    client: TestClient, session: Session, admin: User
) -> None:
    form = client.get("/login")
    fields = {"email": "admin@example.org", "password": PASSWORD, "next": "/"}
    refused = client.post("/login", data=fields, follow_redirects=False)
    assert refused.status_code == 403 and "did not come from this site" in refused.text
    forged = client.post("/login", data={**fields, "csrf_token": "0" * 64}, follow_redirects=False)
    assert forged.status_code == 403
    cross = client.post(
        "/login",
        data={**fields, "csrf_token": csrf_of(form.text)},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert cross.status_code == 403
    assert _events(session, AuditAction.LOGIN) == [] and SESSION_COOKIE not in client.cookies


# --- where a login leads -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "next_path",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_next_never_leaves_the_site(client: TestClient, admin: User, next_path: str) -> None:
    response = log_in(client, "admin@example.org", next_path=next_path)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_next_keeps_a_local_path_with_its_query(client: TestClient, admin: User) -> None:
    response = log_in(client, "admin@example.org", next_path="/admin/audit?action=login")
    assert response.headers["location"] == "/admin/audit?action=login"


# --- the cookie ----------------------------------------------------------------------------------------


def _set_cookie_header(response_headers: list[tuple[str, str]], name: str) -> str:
    [header] = [value for key, value in response_headers if key == "set-cookie" and value.startswith(name + "=")]
    return header.lower()


def test_session_cookie_is_httponly_lax_and_secure_on_https(client: TestClient, admin: User) -> None:
    header = _set_cookie_header(log_in(client, "admin@example.org").headers.multi_items(), SESSION_COOKIE)
    assert "httponly" in header and "samesite=lax" in header and "secure" in header and "path=/" in header


def test_session_cookie_is_not_secure_on_a_plain_http_base_url(
    tmp_path: Path, database_url: str, engine: Engine, session: Session
) -> None:
    settings = make_settings(tmp_path, database_url, PUBLIC_BASE_URL="http://127.0.0.1:8000")
    make_user(session, "admin@example.org", "admin")
    app = create_app(settings, jobs=RecordingDispatcher(), engine=engine)
    with TestClient(app, base_url="http://127.0.0.1:8000") as plain:
        header = _set_cookie_header(log_in(plain, "admin@example.org").headers.multi_items(), SESSION_COOKIE)
        assert "httponly" in header and "samesite=lax" in header and "secure" not in header
        assert plain.get("/admin/users").status_code == 200


# --- rate limits ---------------------------------------------------------------------------------------


def _age_failures(engine: Engine, by: timedelta) -> None:
    """Move every failed login back in time, as waiting would (the limits count the audit log)."""
    with Session(engine) as s:
        s.exec(  # type: ignore[call-overload]
            update(AuditEvent)
            .where(col(AuditEvent.action) == AuditAction.LOGIN_FAILED)
            .values(created_at=utcnow() - by)
        )
        s.commit()


def test_failures_per_account_are_limited_then_the_window_passes(
    client: TestClient, session: Session, engine: Engine, admin: User
) -> None:
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert log_in(client, "admin@example.org", "guess").status_code == 200
    limited = log_in(client, "admin@example.org")  # even the right password is not checked now
    assert limited.status_code == 429 and "Too many failed logins" in limited.text
    assert 0 < int(limited.headers["Retry-After"]) <= FAILURE_WINDOW.total_seconds()
    assert SESSION_COOKIE not in client.cookies
    # Another account from the same address is not locked by this one's failures.
    make_user(session, "other@example.org", "staff")
    assert log_in(client, "other@example.org").status_code == 303

    _age_failures(engine, FAILURE_WINDOW - timedelta(minutes=1))
    assert log_in(client, "admin@example.org").status_code == 429
    _age_failures(engine, FAILURE_WINDOW + timedelta(seconds=1))
    assert log_in(client, "admin@example.org").status_code == 303


def test_failures_per_address_are_limited_across_accounts(
    client: TestClient, session: Session, engine: Engine, admin: User
) -> None:
    for n in range(MAX_FAILURES_PER_ADDRESS):
        assert log_in(client, f"guess{n}@example.org", "guess").status_code == 200
    limited = log_in(client, "admin@example.org")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    _age_failures(engine, FAILURE_WINDOW + timedelta(seconds=1))
    assert log_in(client, "admin@example.org").status_code == 303


def test_limits_hold_across_web_processes(
    client: TestClient, tmp_path: Path, database_url: str, engine: Engine, admin: User
) -> None:
    """Two apps (as two uvicorn workers) share the count, because it lives in the database."""
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        log_in(client, "admin@example.org", "guess")
    other_app = create_app(make_settings(tmp_path, database_url), jobs=RecordingDispatcher(), engine=engine)
    with TestClient(other_app, base_url=str(client.base_url)) as other:
        assert log_in(other, "admin@example.org").status_code == 429


def test_an_unknown_email_costs_the_same_scrypt_work_as_a_known_one() -> None:
    """Response time must not tell which accounts exist: the stand-in hash has the real cost parameters."""
    from hotline import login_limits, passwords

    scheme, n, r, p, _, _ = login_limits._dummy_hash().split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", passwords.SCRYPT_N, passwords.SCRYPT_R, passwords.SCRYPT_P)
