"""`GET /api/dashboard`: the page's tables and filters as JSON, figures checked by hand, the same rows as the
CSV files, no caller anywhere, and who may call it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from hotline.models import Complaint, Feedback, Provider, utcnow
from hotline.privacy import mask_number
from hotline.settings import Settings
from tests.answer_factories import make_response
from tests.factories import CALLER_NUMBER, make_complaint
from tests.staff.review_api import bearer
from tests.staff.web.conftest import log_in, make_user

HOUR = 3600.0


def clinic(session: Session) -> int:
    row = Provider(names={"en": "Khovd hospital", "mn": "Ховд аймгийн нэгдсэн эмнэлэг"}, email="c@khovd.example.mn")
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


def answered(session: Session, settings: Settings, provider_id: int, hours: float, **fields: object) -> Complaint:
    created = utcnow() - timedelta(days=5)
    complaint = make_complaint(session, created_at=created, status="routed", provider_id=provider_id, **fields)
    make_response(
        session, complaint, settings=settings, text="Шийдвэрлэлээ.", created_at=created + timedelta(hours=hours)
    )
    return complaint


def rows_of(body: dict[str, Any], table: str) -> list[dict[str, Any]]:
    return body["tables"][table]["rows"]  # type: ignore[no-any-return]


@pytest.fixture
def figures(session: Session, settings: Settings) -> int:
    """A clinic answering health complaints in 1, 2, 4 and 9 hours, one education complaint overdue, and
    callers' answers on the status line (2 satisfied, 1 not)."""
    provider_id = clinic(session)
    done = [answered(session, settings, provider_id, hours) for hours in (1, 2, 4, 9)]
    make_complaint(
        session, status="routed", provider_id=provider_id, sector="education", area="11",
        response_deadline_at=utcnow() - timedelta(days=2), created_at=utcnow() - timedelta(days=400),
    )  # fmt: skip
    for n, satisfied in enumerate((True, True, False)):
        session.add(Feedback(complaint_id=done[n].id, twilio_call_sid=f"CA{n:032d}", satisfied=satisfied))
    session.commit()
    return provider_id


def test_the_tables_hold_hand_computed_figures(client: TestClient, session: Session, figures: int) -> None:
    response = client.get("/api/dashboard", headers=bearer(session, "staff"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body["tables"]) == {"weekly", "providers", "sectors", "overdue", "satisfaction"}
    [provider] = rows_of(body, "providers")
    # 1, 2, 4, 9 hours: median (2 + 4) / 2 = 3 h; 90th percentile at rank 2.7 = 4 + 0.7 × 5 = 7.5 h
    assert provider == {
        "provider_id": figures, "provider": "Khovd hospital", "answered": 4,
        "median_seconds": 3 * HOUR, "p90_seconds": 7.5 * HOUR,
    }  # fmt: skip
    assert [(r["sector"], r["answered"], r["median_seconds"]) for r in rows_of(body, "sectors")] == [
        ("health", 4, 3 * HOUR)
    ]
    [overdue] = rows_of(body, "overdue")  # made 400 days ago, outside the period, and still overdue now
    assert (overdue["provider_id"], overdue["overdue"]) == (figures, 1)
    [happy] = rows_of(body, "satisfaction")
    assert (happy["satisfied"], happy["not_satisfied"], happy["satisfied_share"]) == (2, 1, 0.667)
    [weekly] = rows_of(body, "weekly")
    assert (weekly["sector"], weekly["area"], weekly["total"]) == ("health", "84", 4)
    week_columns = body["tables"]["weekly"]["columns"][4:-1]
    assert len(week_columns) == 12 and sum(weekly[w] for w in week_columns) == 4
    text = response.text
    for secret in (CALLER_NUMBER, mask_number(CALLER_NUMBER), "audio"):
        assert secret not in text


def test_filters_narrow_every_table_and_bad_ones_are_400(client: TestClient, session: Session, figures: int) -> None:
    staff = bearer(session, "staff")
    education = client.get("/api/dashboard?sector=education", headers=staff).json()
    assert rows_of(education, "providers") == [] and rows_of(education, "weekly") == []
    assert [r["overdue"] for r in rows_of(education, "overdue")] == [1]
    today = utcnow().date()
    window = client.get(f"/api/dashboard?from={today - timedelta(days=1)}&to={today}", headers=staff).json()
    assert rows_of(window, "providers") == []  # the answered complaints were made five days ago
    assert window["filters"]["sector"] == [] and len(window["tables"]["weekly"]["columns"]) in (5, 6)
    for query in ("sector=plumbing", "from=31/01/2026", "from=2026-02-01&to=2026-01-01", "from=2020-01-01"):
        response = client.get(f"/api/dashboard?{query}", headers=staff)
        assert response.status_code == 400 and response.json()["error"], query


def test_the_json_rows_are_the_csv_rows(client: TestClient, session: Session, figures: int) -> None:
    body = client.get("/api/dashboard?area=84", headers=bearer(session, "producer")).json()
    make_user(session, "reader@example.org", "staff")
    log_in(client, "reader@example.org")
    for name, table in body["tables"].items():
        text = client.get(f"/dashboard/{name}.csv?area=84").content.decode("utf-8-sig")
        parsed = list(csv.reader(io.StringIO(text)))
        assert parsed[0] == table["columns"], name
        as_text = [["" if v is None else str(v) for v in row.values()] for row in table["rows"]]
        if name == "overdue":  # times: ISO 8601 in UTC in JSON, in Ulaanbaatar time in the CSV
            as_text = [row[:-1] for row in as_text]
            parsed = [parsed[0], *(row[:-1] for row in parsed[1:])]
        assert parsed[1:] == as_text, name


def test_readers_only(client: TestClient, session: Session) -> None:
    assert client.get("/api/dashboard").status_code == 401
    assert client.get("/api/dashboard", headers=bearer(session, "provider")).status_code == 403
    for role in ("admin", "staff", "producer"):
        assert client.get("/api/dashboard", headers=bearer(session, role)).status_code == 200, role
