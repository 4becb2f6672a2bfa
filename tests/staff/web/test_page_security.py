"""Every state-changing page, found by walking the real app's route table, refuses a post without the CSRF
token or from another site; every page carries the security headers; what users typed renders inert.

(The walk refusing anonymous visitors and unlisted roles on every page: tests/fixmyservice/test_route_access.py.)"""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session
from starlette.routing import BaseRoute, Route
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.access import Access, AccessKind, declared_access
from hotline.models import Role, User
from hotline.settings import Settings
from staff.web.page import is_page_route
from staff.web.responses import SECURITY_HEADERS
from tests.fixmyservice.test_route_access import concrete, leaf_routes
from tests.staff.web.conftest import csrf_of, log_in, logged_in_csrf, make_user

Entry = tuple[str, str, Access]  # (path, method, access)


@pytest.fixture
def pages(settings: Settings) -> list[Entry]:
    """(path, method, access) for each method of each signed-in page of the real app."""
    app = create_app(settings)
    found = []
    for path, route in leaf_routes(app.routes):
        access = declared_access(route)
        if is_page_route(route) and access is not None and access.kind is AccessKind.ROLES:
            found.extend((path, method, access) for method in _methods(route))
    return found


def _methods(route: BaseRoute) -> list[str]:
    assert isinstance(route, Route)
    return sorted((route.methods or {"GET"}) - {"HEAD"})


def test_the_walk_sees_the_pages(pages: list[Entry]) -> None:
    paths = {(path, method) for path, method, _ in pages}
    assert {("/admin/users", "GET"), ("/admin/users", "POST"), ("/logout", "POST"), ("/admin/audit", "GET")} <= paths
    assert len(pages) >= 11


def test_every_post_page_refuses_a_missing_wrong_or_cross_site_csrf_token(
    client: TestClient, session: Session, pages: list[Entry]
) -> None:
    posts = [(path, access) for path, method, access in pages if method == "POST"]
    assert posts
    make_user(session, "admin@example.org", "admin")
    log_in(client, "admin@example.org")
    good = logged_in_csrf(client)
    for path, access in posts:
        assert access.admits(Role.ADMIN), path  # so the refusal below is the token's doing, not the role's
        url = concrete(path)
        for data, headers in [
            ({}, {}),
            ({"csrf_token": "0" * 64}, {}),
            ({"csrf_token": good}, {"Origin": "https://evil.example"}),
            ({"csrf_token": good}, {"Referer": "https://evil.example/page"}),
            ({"csrf_token": good}, {"Origin": "null"}),
        ]:
            response = client.post(url, data=data, headers=headers, follow_redirects=False)
            assert response.status_code == 403, (path, data, headers)
            assert "did not come from this site" in response.text
    # The header form the page's script uses is accepted, and the session is still live.
    data = {"language": "en", "next": "/admin/users"}
    response = client.post("/account/language", data=data, headers={"X-CSRF-Token": good}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/users"


def test_pages_carry_the_security_headers(client: TestClient, session: Session) -> None:
    make_user(session, "admin@example.org", "admin")
    responses = [client.get("/login"), client.get("/admin/users", follow_redirects=False)]
    log_in(client, "admin@example.org")
    responses += [client.get("/admin/users"), client.get("/admin/audit"), client.get("/admin/audit?after=junk")]
    for response in responses:
        for name, value in SECURITY_HEADERS.items():
            assert response.headers.get(name) == value, (response.url, name)
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "media-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_no_inline_script_in_any_page(client: TestClient, session: Session) -> None:
    make_user(session, "admin@example.org", "admin")
    pages = [client.get("/login").text]
    log_in(client, "admin@example.org")
    pages += [client.get(p).text for p in ("/admin/users", "/admin/audit", "/account/password")]
    for html in pages:
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
        assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers either
    assert client.get("/static/app.js").status_code == 200


def test_what_users_typed_renders_inert(client: TestClient, session: Session) -> None:
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    make_user(session, "admin@example.org", "admin", display_name=hostile)
    log_in(client, "admin@example.org")
    for path in ("/admin/users", "/account/password", f"/admin/audit?object_id={hostile}"):
        html = client.get(path).text
        assert "<script>alert(1)" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html, path


def test_a_control_character_in_a_form_is_refused(client: TestClient, session: Session) -> None:
    make_user(session, "admin@example.org", "admin")
    log_in(client, "admin@example.org")
    data = {"csrf_token": logged_in_csrf(client), "email": "x\x00@example.org", "role": "staff"}
    response = client.post("/admin/users", data=data)
    assert response.status_code == 400 and "control character" in response.text
    assert client.post("/admin/users", data={**data, "email": "ok@example.org"}).status_code == 200


def test_a_signed_in_user_can_still_open_the_login_form(client: TestClient, session: Session) -> None:
    user: User = make_user(session, "admin@example.org", "admin")
    log_in(client, user.email)
    assert csrf_of(client.get("/login").text)


def test_head_needs_a_session_but_no_csrf_token(client: TestClient, session: Session) -> None:
    make_user(session, "admin@example.org", "admin")
    assert client.head("/admin/users", follow_redirects=False).status_code == 303
    log_in(client, "admin@example.org")
    assert client.head("/admin/users").status_code == 200
