"""When a browser session ends: deactivation, password change, idling, its lifetime, a forged cookie."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline import accounts
from hotline.audit import Actor, AuditAction
from hotline.models import AuditEvent, User, WebSession, utcnow
from hotline.models.common import ensure_aware
from hotline.settings import Settings
from staff.web.sessions_cookie import SESSION_COOKIE, sign
from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher, make_settings, reread
from tests.staff.web.conftest import PASSWORD, log_in, logged_in_csrf

NEW_PASSWORD = "a much better passphrase"


def _second_browser(client: TestClient) -> TestClient:
    return TestClient(client.app, base_url=PUBLIC_BASE_URL)


def _opens(browser: TestClient, path: str = "/account/password") -> bool:
    response = browser.get(path, follow_redirects=False)
    assert response.status_code in (200, 303), response.text
    return response.status_code == 200


def test_deactivation_ends_every_session_of_the_user(client: TestClient, session: Session, staff_user: User) -> None:
    log_in(client, "staff@example.org")
    assert _opens(client)
    accounts.deactivate_user(session, email="staff@example.org", actor=Actor(user_id=None, label="test"))
    assert not _opens(client)
    reread(session)
    assert all(row.revoked_at is not None for row in session.exec(select(WebSession)))


def test_password_change_ends_the_other_sessions_only(client: TestClient, session: Session, staff_user: User) -> None:
    with _second_browser(client) as laptop:
        log_in(client, "staff@example.org")
        log_in(laptop, "staff@example.org")
        form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
        changed = client.post("/account/password", data={**form, "csrf_token": logged_in_csrf(client)})
        assert changed.status_code == 200 and "Your password has been changed" in changed.text
        assert _opens(client) and not _opens(laptop)
        assert log_in(laptop, "staff@example.org").status_code == 200  # the old password is gone
        assert log_in(laptop, "staff@example.org", NEW_PASSWORD).status_code == 303
    reread(session)
    [event] = session.exec(select(AuditEvent).where(AuditEvent.action == AuditAction.PASSWORD_CHANGED)).all()
    assert (event.actor, event.object_id) == ("staff@example.org", "staff@example.org")
    user = session.get(User, staff_user.id)
    assert user is not None and user.password_changed_at is not None and PASSWORD not in user.password_hash


def test_password_change_needs_the_current_password_and_the_same_new_one_twice(
    client: TestClient, session: Session, staff_user: User
) -> None:
    log_in(client, "staff@example.org")
    csrf = logged_in_csrf(client)
    wrong = {"current_password": "nope", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    assert (
        "current password is not correct" in client.post("/account/password", data={**wrong, "csrf_token": csrf}).text
    )
    differ = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD + "x"}
    assert "are not the same" in client.post("/account/password", data={**differ, "csrf_token": csrf}).text
    short = {"current_password": PASSWORD, "new_password": "short", "new_password_again": "short"}
    response = client.post("/account/password", data={**short, "csrf_token": csrf})
    assert response.status_code == 400 and "at least 12 characters" in response.text
    reread(session)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == AuditAction.PASSWORD_CHANGED)).all() == []
    assert log_in(client, "staff@example.org").status_code == 303


def _shift(engine: Engine, **columns: object) -> None:
    with Session(engine) as s:
        s.exec(update(WebSession).values(**columns))  # type: ignore[call-overload]
        s.commit()


def test_an_idle_session_ends(client: TestClient, engine: Engine, settings: Settings, staff_user: User) -> None:
    log_in(client, "staff@example.org")
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    _shift(engine, last_seen_at=utcnow() - idle + timedelta(minutes=2))
    assert _opens(client)  # ...and this visit counts as activity
    _shift(engine, last_seen_at=utcnow() - idle - timedelta(seconds=1))
    response = client.get("/admin/users", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/admin/users"


def test_a_session_ends_at_its_lifetime_however_busy(client: TestClient, engine: Engine, staff_user: User) -> None:
    log_in(client, "staff@example.org")
    _shift(engine, expires_at=utcnow() - timedelta(seconds=1))
    assert not _opens(client)


def test_lifetime_and_idle_come_from_settings(
    tmp_path: Path, database_url: str, engine: Engine, session: Session, staff_user: User
) -> None:
    settings = make_settings(tmp_path, database_url, SESSION_IDLE_MINUTES=5, SESSION_LIFETIME_HOURS=2)
    with TestClient(create_app(settings, jobs=RecordingDispatcher(), engine=engine), base_url=PUBLIC_BASE_URL) as c:
        response = log_in(c, "staff@example.org")
        assert "max-age=7200" in response.headers["set-cookie"].lower()
        reread(session)
        row = session.exec(select(WebSession)).one()
        created, expires = ensure_aware(row.created_at), ensure_aware(row.expires_at)
        assert created is not None and expires is not None and expires - created == timedelta(hours=2)
        _shift(engine, last_seen_at=utcnow() - timedelta(minutes=6))
        assert not _opens(c)


def test_last_seen_is_written_at_most_once_a_minute(
    client: TestClient, session: Session, engine: Engine, staff_user: User
) -> None:
    log_in(client, "staff@example.org")
    reread(session)
    first = session.exec(select(WebSession)).one().last_seen_at
    assert _opens(client)
    reread(session)
    assert session.exec(select(WebSession)).one().last_seen_at == first
    _shift(engine, last_seen_at=utcnow() - timedelta(minutes=2))
    assert _opens(client)
    reread(session)
    seen = ensure_aware(session.exec(select(WebSession)).one().last_seen_at)
    assert seen is not None and utcnow() - seen < timedelta(seconds=30)


def test_a_forged_or_unsigned_cookie_opens_nothing(
    client: TestClient, session: Session, settings: Settings, staff_user: User
) -> None:
    log_in(client, "staff@example.org")
    token, _, _ = client.cookies[SESSION_COOKIE].rpartition(".")
    for value in (token, token + ".0000", sign(token + "x", settings=settings), "", "." * 300):
        client.cookies.set(SESSION_COOKIE, value)
        assert not _opens(client), value
    client.cookies.set(SESSION_COOKIE, sign(token, settings=settings))
    assert _opens(client)
    reread(session)
    assert len(session.exec(select(WebSession).where(col(WebSession.revoked_at).is_(None))).all()) == 1
