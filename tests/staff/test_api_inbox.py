"""GET /api/complaints through the real app: search, the new filters, counts, and their 400s."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from hotline import accounts, api_tokens
from hotline.models import ComplaintStatus
from tests.factories import make_complaint, make_transcript

# 23:30 on 4 January and 00:30 on 5 January in Ulaanbaatar (UTC+8).
LATE_ON_THE_4TH = datetime(2026, 1, 4, 15, 30, tzinfo=UTC)
EARLY_ON_THE_5TH = datetime(2026, 1, 4, 16, 30, tzinfo=UTC)


def login(session: Session, role: str) -> dict[str, str]:
    email = f"{role}@example.org"
    accounts.create_user(session, email=email, role=role)
    return {"Authorization": f"Bearer {api_tokens.create_token(session, email=email).token}"}


@pytest.fixture
def get(client: TestClient, session: Session) -> Any:
    headers = login(session, "staff")

    def call(**params: Any) -> Any:
        return client.get("/api/complaints", params=params, headers=headers)

    return call


def refs(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["reference"] for item in response.json()["items"]]


@pytest.fixture
def two(session: Session) -> tuple[str, str]:
    """A reviewed, consented hospital complaint late on the 4th; a low-confidence private one early on the 5th."""
    hospital = make_complaint(session, created_at=LATE_ON_THE_4TH, status=ComplaintStatus.TRANSCRIBED)
    make_transcript(session, hospital, text="Эмнэлэгт эмч алга", mean_confidence=0.9)
    make_transcript(session, hospital, version=2, source="staff", text="Эмнэлэгт эмч алга байна")
    school = make_complaint(
        session, created_at=EARLY_ON_THE_5TH, broadcast_consent=False, language="en", sector="education", soum="1101"
    )
    make_transcript(session, school, text="school has no heating", mean_confidence=0.3)
    return hospital.reference, school.reference


def test_items_carry_the_transcript_fields(get: Any, two: tuple[str, str]):
    hospital = next(item for item in get().json()["items"] if item["reference"] == two[0])
    assert hospital["snippet"] == "Эмнэлэгт эмч алга байна"
    assert (hospital["reviewed"], hospital["transcript_version"], hospital["machine_confidence"]) == (True, 2, 0.9)
    assert "counts" not in get().json()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "ЭМНЭЛЭГ"}, [0]),
        ({"q": "heat"}, [1]),
        ({"q": "эмч school"}, []),
        ({"language": "en"}, [1]),
        ({"soum": "1101"}, [1]),
        ({"consent": "no"}, [1]),
        ({"consent": "yes"}, [0]),
        ({"reviewed": "yes"}, [0]),
        ({"reviewed": "false"}, [1]),
        ({"low_confidence": "yes"}, [1]),
        ({"low_confidence": "no"}, [1, 0]),
        ({"from": "2026-01-05"}, [1]),  # local midnight, 16:00 UTC on the 4th
        ({"to": "2026-01-04"}, [0]),  # all of the 4th, local time
        ({"from": "2026-01-04", "to": "2026-01-05"}, [1, 0]),
        ({"to": "2026-01-05T00:00:00+08:00"}, [0]),  # a datetime is an exclusive bound
        ({"from": "2026-01-04T16:00:00Z", "to": "2026-01-04T17:00:00Z"}, [1]),
        ({"q": "эмч", "status": "transcribed", "sector": "health", "area": "84"}, [0]),
    ],
)
def test_filters(get: Any, two: tuple[str, str], params: dict[str, str], expected: list[int]):
    assert refs(get(**params)) == [two[i] for i in expected]


def test_counts_per_status_keep_the_other_filters(get: Any, two: tuple[str, str]):
    body = get(counts="1", status="received", language="mn").json()
    assert body["items"] == []
    assert {k: v for k, v in body["counts"].items() if v} == {"transcribed": 1}
    assert sum(get(counts="yes").json()["counts"].values()) == 2


def test_producers_count_and_find_only_consented_complaints(client: TestClient, session: Session, two: Any):
    headers = login(session, "producer")
    body = client.get("/api/complaints", params={"counts": "1", "q": "school"}, headers=headers).json()
    assert body["items"] == [] and sum(body["counts"].values()) == 0
    everything = client.get("/api/complaints", params={"counts": "1"}, headers=headers).json()
    assert [item["reference"] for item in everything["items"]] == [two[0]]
    assert sum(everything["counts"].values()) == 1


def test_search_pages_by_cursor(get: Any, session: Session):
    made = []
    for i in range(5):
        complaint = make_complaint(session, created_at=LATE_ON_THE_4TH + timedelta(minutes=i))
        make_transcript(session, complaint, text=f"Өвчтөнүүд хүлээж байна {i}")
        made.append(complaint.reference)
    make_transcript(session, make_complaint(session), text="өөр зүйл")
    first = get(q="өвчтөн", limit=3).json()
    second = get(q="өвчтөн", limit=3, cursor=first["next_cursor"]).json()
    assert [i["reference"] for i in first["items"] + second["items"]] == made[::-1]
    assert second["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"language": "fr"}, "unknown language fr"),
        ({"consent": "maybe"}, "consent must be yes or no, got 'maybe'"),
        ({"reviewed": "2"}, "reviewed must be yes or no"),
        ({"low_confidence": "very"}, "low_confidence must be yes or no"),
        ({"counts": "please"}, "counts must be yes or no"),
        ({"soum": "84-01"}, "soum must be a gazetteer code"),
        ({"soum": "1" * 17}, "soum must be a gazetteer code"),
        ({"q": "э" * 201}, "q must be at most 200 characters"),
        ({"from": "tomorrow"}, "from must be an ISO 8601 date"),
        ({"to": "2026-02-30"}, "to must be an ISO 8601 date"),
        ({"to": "1999-12-30"}, "to must be between 2000-01-01 and 9999-12-31 in UTC"),
        ({"to": "9999-12-31"}, "to must be between"),  # its end is past the last representable instant
        ({"from": "2026-01-01", "since": "2026-01-01"}, "give from or since"),
    ],
)
def test_bad_filters_are_400_with_a_message(get: Any, params: dict[str, str], message: str):
    response = get(**params)
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]
