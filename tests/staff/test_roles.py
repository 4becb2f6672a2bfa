"""Roles on the staff API: producers read only complaints whose callers agreed to broadcast, and a route's
declared roles are what its endpoint lets through."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from hotline import accounts, api_tokens
from hotline.access import PUBLIC, TWILIO, Access, declared_access, roles
from hotline.app_state import STATE_KEY, AppState
from hotline.models.users import Role
from hotline.settings import Settings
from staff.endpoint import ApiRequest, api_endpoint, api_route
from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher
from tests.factories import make_complaint

T0 = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)


def bearer(session: Session, role: str) -> dict[str, str]:
    accounts.create_user(session, email=f"{role}@example.org", role=role)
    return {"Authorization": f"Bearer {api_tokens.create_token(session, email=f'{role}@example.org').token}"}


def references(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["reference"] for item in response.json()["items"]]


# --- producers see consented complaints only -------------------------------------------------------


def test_producer_lists_only_consented_complaints(client: TestClient, session: Session) -> None:
    aired = make_complaint(session, broadcast_consent=True)
    private = make_complaint(session, broadcast_consent=False)
    producer = bearer(session, "producer")

    assert references(client.get("/api/complaints", headers=producer)) == [aired.reference]
    assert references(client.get("/api/complaints", headers=producer, params={"sector": "health"})) == [aired.reference]
    for role in ("staff", "admin"):
        listed = references(client.get("/api/complaints", headers=bearer(session, role)))
        assert sorted(listed) == sorted([aired.reference, private.reference])


def test_producer_gets_404_for_an_unconsented_complaint_exactly_as_for_an_unknown_one(
    client: TestClient, session: Session
) -> None:
    private = make_complaint(session, reference="1234566", broadcast_consent=False)
    producer = bearer(session, "producer")

    hidden = client.get(f"/api/complaints/{private.reference}", headers=producer)
    unknown = client.get("/api/complaints/7654321", headers=producer)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == {"error": f"no complaint with reference {private.reference}"}
    assert hidden.json()["error"].replace(private.reference, "X") == unknown.json()["error"].replace("7654321", "X")
    assert client.get(f"/api/complaints/{private.reference}", headers=bearer(session, "staff")).status_code == 200


def test_producer_sees_a_consented_complaint_in_full(client: TestClient, session: Session) -> None:
    aired = make_complaint(session, broadcast_consent=True)
    response = client.get(f"/api/complaints/{aired.reference}", headers=bearer(session, "producer"))
    assert response.status_code == 200
    assert response.json()["reference"] == aired.reference and response.json()["broadcast_consent"] is True


def test_producer_pages_are_full_because_the_filter_is_in_sql(client: TestClient, session: Session) -> None:
    """Filtering after the query would hand a producer short (even empty) pages when private complaints are newest."""
    aired = [make_complaint(session, broadcast_consent=True, created_at=T0 + timedelta(minutes=i)) for i in range(2)]
    for i in range(3):  # newer than the consented ones
        make_complaint(session, broadcast_consent=False, created_at=T0 + timedelta(hours=1, minutes=i))
    producer = bearer(session, "producer")

    first = client.get("/api/complaints", headers=producer, params={"limit": 1})
    assert references(first) == [aired[1].reference]
    second = client.get("/api/complaints", headers=producer, params={"limit": 1, "cursor": first.json()["next_cursor"]})
    assert references(second) == [aired[0].reference] and second.json()["next_cursor"] is None


# --- a route's declared roles are enforced by its endpoint -----------------------------------------


def _whoami(api: ApiRequest) -> dict[str, str]:
    return {"role": api.user.role}


@pytest.fixture
def admin_only(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    """A one-route app declared for admins only, wired like the real one."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, AppState]]:
        yield {STATE_KEY: AppState(settings=settings, engine=engine, jobs=RecordingDispatcher())}

    app = Starlette(routes=[api_route("/whoami", _whoami, roles(Role.ADMIN))], lifespan=lifespan)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        yield client


@pytest.mark.parametrize("role", ["staff", "producer"])
def test_a_role_the_route_does_not_list_is_403_json(admin_only: TestClient, session: Session, role: str) -> None:
    response = admin_only.get("/whoami", headers=bearer(session, role))
    assert response.status_code == 403
    assert response.json() == {"error": f"this route is for admin; your role is {role}"}


def test_a_listed_role_gets_through_and_anonymous_is_still_401(admin_only: TestClient, session: Session) -> None:
    assert admin_only.get("/whoami", headers=bearer(session, "admin")).json() == {"role": "admin"}
    assert admin_only.get("/whoami").status_code == 401


def test_api_route_records_the_access_it_enforces() -> None:
    access = roles(Role.STAFF)
    assert declared_access(api_route("/x", _whoami, access)) is access


@pytest.mark.parametrize("access", [PUBLIC, TWILIO])
def test_an_api_endpoint_cannot_be_declared_without_roles(access: Access) -> None:
    with pytest.raises(ValueError, match="API routes are for users with roles"):
        api_endpoint(_whoami, access=access)
