"""Every route of the real app declares who may use it, and the declaration is what the route enforces.

The walk covers the app's whole table (descending into Mounts), so a route added without a declaration
fails here. Each declaration is then checked with real requests: API routes refuse anonymous callers
(401) and every role they do not list (403), pages send anonymous visitors to the login form (303) and
refuse every role they do not list (403), webhooks refuse unsigned posts, signed links refuse a missing or
forged token (403), public routes ask for nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from sqlmodel import Session
from starlette.routing import BaseRoute, Host, Mount, Route
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline import accounts, api_tokens
from hotline.access import PUBLIC, SIGNED_LINK, TWILIO, Access, AccessKind, declare, declared_access, roles
from hotline.models import User
from hotline.models.users import Role
from hotline.settings import Settings
from staff.web.csrf import session_csrf_token
from staff.web.page import is_page_route
from staff.web.sessions_cookie import SESSION_COOKIE, unsign
from tests.staff.review_api import a_provider
from tests.staff.web.conftest import csrf_of, log_in, make_user

# A role no route lists: proves refusal is by default, not by naming whom to keep out.
UNLISTED_ROLE = "unassigned"


def leaf_routes(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[tuple[str, BaseRoute]]:
    """(full path, route) for every route, inside Mounts and Hosts too; a Mount with its own declaration
    (say, static files) counts as one leaf."""
    for route in routes:
        if isinstance(route, Mount | Host) and declared_access(route) is None:
            path = prefix + route.path if isinstance(route, Mount) else prefix
            yield from leaf_routes(route.routes, path)
        else:
            yield prefix + getattr(route, "path", repr(route)), route


def undeclared(routes: Sequence[BaseRoute]) -> list[str]:
    return [path for path, route in leaf_routes(routes) if declared_access(route) is None]


def concrete(path: str) -> str:
    """A request path for a route pattern: each {parameter} filled with digits, which every pattern accepts."""
    return re.sub(r"\{[^}]+\}", "1234566", path)


@pytest.fixture
def table(settings: Settings) -> list[tuple[str, BaseRoute, Access]]:
    """(path, route, access) for every declared route of the real app."""
    app = create_app(settings)
    return [(path, route, access) for path, route in leaf_routes(app.routes) if (access := declared_access(route))]


def _method(route: BaseRoute) -> str:
    methods: set[str] = (route.methods if isinstance(route, Route) else None) or {"GET"}
    return sorted(methods - {"HEAD"})[0]


def _of_kind(
    table: list[tuple[str, BaseRoute, Access]], kind: AccessKind, *, pages: bool = False
) -> list[tuple[str, BaseRoute, Access]]:
    """Entries of one kind; role routes split into the API's (Bearer tokens) and the pages' (a login session)."""
    return [
        entry
        for entry in table
        if entry[2].kind is kind and (kind is not AccessKind.ROLES or is_page_route(entry[1]) == pages)
    ]


def _route_methods(route: BaseRoute) -> list[str]:
    methods: set[str] = (route.methods if isinstance(route, Route) else None) or {"GET"}
    return sorted(methods - {"HEAD"})


# --- the table --------------------------------------------------------------------------------------


def test_every_route_of_the_app_declares_who_may_use_it(settings: Settings) -> None:
    app = create_app(settings)
    assert undeclared(app.routes) == []
    assert len(list(leaf_routes(app.routes))) >= 15  # the walk saw the whole table, not an empty list


def test_the_walk_finds_an_undeclared_route_even_inside_a_mount() -> None:
    inner = [declare(PUBLIC, Route("/fine", lambda r: None)), Route("/forgotten", lambda r: None)]
    routes = [declare(TWILIO, Route("/hook", lambda r: None)), Mount("/admin", routes=inner)]
    assert undeclared(routes) == ["/admin/forgotten"]


def test_the_table_has_each_kind_where_expected(table: list[tuple[str, BaseRoute, Access]]) -> None:
    by_path = {path: access for path, _, access in table}
    assert by_path["/healthz"] is PUBLIC
    assert by_path["/ivr/prompts/{language}/{prompt}"] is PUBLIC
    assert by_path["/ivr/voice"] is TWILIO
    assert all(access.kind is AccessKind.ROLES for path, access in by_path.items() if path.startswith("/api/"))
    assert by_path["/ivr/answers/{response_id:int}.wav"] is SIGNED_LINK
    webhooks = [
        access
        for path, access in by_path.items()
        if path.startswith("/ivr/") and "/prompts/" not in path and "/answers/" not in path
    ]
    assert webhooks and all(access is TWILIO for access in webhooks)
    assert by_path["/login"] is PUBLIC and by_path["/static"] is PUBLIC
    assert by_path["/admin/users"] == roles(Role.ADMIN)
    # Every role route is either an API route (under /api/) or a page, never something in between.
    for path, route, access in table:
        if access.kind is AccessKind.ROLES:
            assert path.startswith("/api/") != is_page_route(route), path


# --- each declaration, enforced -------------------------------------------------------------------


def _token(session: Session, role: str) -> str:
    email = f"{role}@example.org"
    if role in set(Role):
        provider_id = a_provider(session) if role == Role.PROVIDER else None  # a provider login needs its provider
        accounts.create_user(session, email=email, role=role, provider_id=provider_id)
    else:  # accounts refuse unknown roles; a row written by hand stands for one added later
        session.add(User(email=email, role=role))
        session.commit()
    return api_tokens.create_token(session, email=email).token


def test_api_routes_refuse_anonymous_callers_and_unlisted_roles(
    client: TestClient, session: Session, table: list[tuple[str, BaseRoute, Access]]
) -> None:
    api_routes = _of_kind(table, AccessKind.ROLES)
    assert api_routes, "no API routes found"
    tokens = {role: _token(session, role) for role in [*Role, UNLISTED_ROLE]}
    refused_checked = 0
    for path, route, access in api_routes:
        method, url = _method(route), concrete(path)
        assert client.request(method, url).status_code == 401, path
        for role, token in tokens.items():
            response = client.request(method, url, headers={"Authorization": f"Bearer {token}"})
            if access.admits(role):
                assert response.status_code not in (401, 403), (path, role, response.text)
            else:
                assert response.status_code == 403, (path, role, response.text)
                assert role in response.json()["error"]
                refused_checked += 1
    assert refused_checked >= len(api_routes)  # every API route refused at least the unlisted role


def test_pages_send_anonymous_visitors_to_the_login_and_refuse_unlisted_roles(
    client: TestClient, session: Session, settings: Settings, table: list[tuple[str, BaseRoute, Access]]
) -> None:
    pages = [
        (path, method, access)
        for path, route, access in _of_kind(table, AccessKind.ROLES, pages=True)
        for method in _route_methods(route)
        if path != "/logout"
    ]  # logout would end the walking session
    assert len(pages) >= 10, "no pages found"
    for path, method, _ in pages:
        response = client.request(method, concrete(path), follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), (method, path)
    refused_checked = 0
    for role in [*Role, UNLISTED_ROLE]:
        make_user(session, f"{role}-page@example.org", role)
        log_in(client, f"{role}-page@example.org")
        # The session's CSRF token, so a post is judged on its role, not refused for a missing token.
        csrf = session_csrf_token(unsign(client.cookies[SESSION_COOKIE], settings=settings) or "", settings=settings)
        for path, method, access in pages:
            data = {"csrf_token": csrf} if method == "POST" else None
            response = client.request(method, concrete(path), data=data, follow_redirects=False)
            if access.admits(role):
                assert response.status_code not in (303, 401, 403), (path, method, role, response.status_code)
            else:
                assert response.status_code == 403, (path, method, role, response.status_code)
                assert f"({role})" in response.text
                refused_checked += 1
        client.cookies.clear()
    assert refused_checked >= len(pages)  # every page refused at least the unlisted role


def test_webhook_routes_refuse_unsigned_requests(
    client: TestClient, table: list[tuple[str, BaseRoute, Access]]
) -> None:
    webhooks = _of_kind(table, AccessKind.TWILIO)
    assert webhooks
    for path, route, _ in webhooks:
        response = client.request(_method(route), concrete(path), data={"CallSid": "CA" + "0" * 32})
        assert response.status_code == 403, path


def test_signed_link_routes_refuse_requests_without_a_valid_token(
    client: TestClient, table: list[tuple[str, BaseRoute, Access]]
) -> None:
    links = _of_kind(table, AccessKind.SIGNED_LINK)
    assert links
    for path, route, _ in links:
        for query in ("", "?token=", "?token=9999999999.00ff", "?token=not-a-token"):
            assert client.request(_method(route), concrete(path) + query).status_code == 403, (path, query)


def test_public_routes_ask_for_no_credentials(client: TestClient, table: list[tuple[str, BaseRoute, Access]]) -> None:
    # Public forms (log in, language) still need the CSRF token of the page they came from, as a browser sends.
    login_csrf = csrf_of(client.get("/login").text)
    for path, route, _ in _of_kind(table, AccessKind.PUBLIC):
        method = _method(route)
        data = {"csrf_token": login_csrf} if is_page_route(route) and method == "POST" else None
        response = client.request(method, concrete(path), data=data, follow_redirects=False)
        assert response.status_code not in (401, 403), path


# --- the declaration type ------------------------------------------------------------------------


def test_roles_admit_only_the_roles_listed() -> None:
    access = roles(Role.ADMIN, Role.STAFF)
    assert access.admits("admin") and access.admits(Role.STAFF)
    assert not access.admits("producer") and not access.admits(UNLISTED_ROLE) and not access.admits("ADMIN")
    assert not PUBLIC.admits("admin") and not TWILIO.admits("admin")
    assert str(access) == "roles: admin, staff"


@pytest.mark.parametrize("bad", [(), ("admin",)])
def test_roles_must_be_some_and_be_roles(bad: tuple[Any, ...]) -> None:
    with pytest.raises((ValueError, TypeError)):
        roles(*bad)


def test_a_route_is_declared_once() -> None:
    route = declare(PUBLIC, Route("/x", lambda r: None))
    assert declared_access(route) is PUBLIC
    with pytest.raises(ValueError, match="declare each route once"):
        declare(TWILIO, route)
    assert declared_access(Route("/y", lambda r: None)) is None
