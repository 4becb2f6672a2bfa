"""Strange parameters are 400s with a message, never 500s, on SQLite and PostgreSQL alike.

Each case here once reached the database: PostgreSQL refuses NUL in text and ids beyond INTEGER, and a
far date overflowed while being moved to UTC. Run with TEST_DATABASE_URL to check the PostgreSQL side.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from hotline import accounts, api_tokens
from tests.factories import make_complaint

RANGE = "between 2000-01-01 and 9999-12-31 in UTC"


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.fixture
def auth(session: Session) -> dict[str, str]:
    accounts.create_user(session, email="staff@example.org", role="staff")
    make_complaint(session, reference="1234566")  # something for a broken query to trip over
    return {"Authorization": f"Bearer {api_tokens.create_token(session, email='staff@example.org').token}"}


def get(client: TestClient, auth: dict[str, str], url: str) -> Any:
    return client.get(url, headers=auth)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=0001-01-01", f"since must be {RANGE}, got '0001-01-01'"),
        ("since=1999-12-31T23:59:59Z", f"since must be {RANGE}"),
        ("since=2000-01-01T07:00:00%2B08:00", f"since must be {RANGE}"),  # 1999-12-31T23:00Z
        ("since=9999-12-31T23:00:00-08:00", f"since must be {RANGE}"),  # past year 9999 in UTC
        ("since=%00", "parameter 'since' contains a control character"),
        ("since=2026-01-01%00", "parameter 'since' contains a control character"),
        ("status=%00", "parameter 'status' contains a control character"),
        ("sector=health%0A", "parameter 'sector' contains a control character"),
        ("area=8%7F4", "parameter 'area' contains a control character"),
        ("limit=%00", "parameter 'limit' contains a control character"),
        ("cursor=%00", "parameter 'cursor' contains a control character"),
        ("unused%00=1", "parameter 'unused?' contains a control character"),
        ("unused=%C2%85", "parameter 'unused' contains a control character"),  # U+0085, a C1 control
        (f"cursor={cursor('2026-01-01T00:00:00+00:00|' + str(10**30))}", "its id is outside 1..2147483647"),
        (f"cursor={cursor('2026-01-01T00:00:00+00:00|2147483648')}", "its id is outside 1..2147483647"),
        (f"cursor={cursor('2026-01-01T00:00:00+00:00|0')}", "its id is outside 1..2147483647"),
        (f"cursor={cursor('2026-01-01T00:00:00+00:00|-5')}", "cursor is not one this API handed out"),
        (f"cursor={cursor('2026-01-01T00:00:00+00:00|' + '9' * 5000)}", "cursor is not one this API handed out"),
        (f"cursor={cursor('0001-01-01T00:00:00+00:00|5')}", f"its time is not {RANGE}"),
        (f"cursor={cursor('0001-01-01T00:00:00+08:00|5')}", f"its time is not {RANGE}"),
        (f"cursor={cursor('9999-12-31T23:00:00-08:00|5')}", f"its time is not {RANGE}"),
        (f"cursor={cursor('2026-01-01T00:00:00|5')}", "cursor is not one this API handed out"),
        ("limit=-1", "limit must be at least 1"),
        ("limit=1e3", "limit must be a whole number"),
    ],
)
def test_bad_list_parameters_are_400_with_a_message(
    client: TestClient, auth: dict[str, str], query: str, message: str
) -> None:
    response = get(client, auth, f"/api/complaints?{query}")
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("%00", "parameter 'reference' contains a control character"),
        ("123%004", "parameter 'reference' contains a control character"),
        ("12345678901234567", "reference must be 1 to 16 digits (0-9), got '12345678901234567'"),
        ("123abc", "reference must be 1 to 16 digits"),
        ("%D9%A1%D9%A2%D9%A3", "reference must be 1 to 16 digits"),  # Arabic-Indic digits are not ASCII
        ("%201234566", "reference must be 1 to 16 digits"),
        ("-1", "reference must be 1 to 16 digits"),
    ],
)
def test_bad_references_are_400_with_a_message(
    client: TestClient, auth: dict[str, str], reference: str, message: str
) -> None:
    response = get(client, auth, f"/api/complaints/{reference}")
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]


@pytest.mark.parametrize("reference", ["7", "7654321", "123456789", "1" * 16])
def test_well_formed_unknown_references_are_404(client: TestClient, auth: dict[str, str], reference: str) -> None:
    response = get(client, auth, f"/api/complaints/{reference}")
    assert response.status_code == 404
    assert response.json() == {"error": f"no complaint with reference {reference}"}


@pytest.mark.parametrize(
    "query",
    [
        "since=2000-01-01T00:00:00Z",
        "since=9999-12-31",
        f"cursor={cursor('9999-12-31T23:59:59+00:00|2147483647')}",
        f"cursor={cursor('2000-01-01T00:00:00+00:00|1')}",
        "limit=1000000000000000000000000000000",  # capped at the maximum, as before
    ],
)
def test_values_at_the_bounds_are_accepted(client: TestClient, auth: dict[str, str], query: str) -> None:
    assert get(client, auth, f"/api/complaints?{query}").status_code == 200


def test_the_known_reference_still_answers(client: TestClient, auth: dict[str, str]) -> None:
    assert get(client, auth, "/api/complaints/1234566").status_code == 200
