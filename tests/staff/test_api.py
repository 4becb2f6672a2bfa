"""The staff JSON API through the real app: Bearer tokens, the menu, complaint lists and details."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from hotline import accounts, api_tokens
from hotline.models import Call, ComplaintStatus, RecordingStatus
from staff.params import parse_since
from tests.factories import CALLER_NUMBER, make_complaint, make_tag, make_transcript

ENDPOINTS = ["/api/menu", "/api/complaints", "/api/complaints/1234566"]
T0 = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)  # 11:00 in Ulaanbaatar


@pytest.fixture
def token(session: Session) -> str:
    accounts.create_user(session, email="staff@example.org", role="staff")
    return api_tokens.create_token(session, email="staff@example.org").token


@pytest.fixture
def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(client: TestClient, auth: dict[str, str]) -> Callable[..., Any]:
    """GET with a valid token; returns the response."""

    def get(path: str, **params: Any) -> Any:
        return client.get(path, params=params, headers=auth)

    return get


def references(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["reference"] for item in response.json()["items"]]


# --- authentication ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ENDPOINTS)
def test_missing_token_is_401_with_a_bearer_challenge(client: TestClient, path: str):
    response = client.get(path)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "invalid_token" not in response.headers["WWW-Authenticate"]
    assert "Bearer" in response.json()["error"]


@pytest.mark.parametrize("header", ["Bearer fms_not-a-real-token", "Bearer ", "Basic c3RhZmY6cGFzc3dvcmQ=", "fms_x"])
def test_wrong_token_or_scheme_is_401(client: TestClient, token: str, header: str):
    response = client.get("/api/complaints", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]


def test_revoked_token_is_401_while_others_still_work(client: TestClient, session: Session, token: str):
    other = api_tokens.create_token(session, email="staff@example.org")
    assert other.api_token.id is not None
    api_tokens.revoke_token(session, token_id=other.api_token.id)

    refused = client.get("/api/menu", headers={"Authorization": f"Bearer {other.token}"})
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
    assert refused.json() == {"error": "invalid or revoked token"}
    assert client.get("/api/menu", headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_token_of_a_deactivated_user_is_401(client: TestClient, session: Session, token: str):
    user = accounts.find_user(session, email="staff@example.org")
    assert user is not None
    user.is_active = False
    session.add(user)
    session.commit()
    assert client.get("/api/menu", headers={"Authorization": f"Bearer {token}"}).status_code == 401


@pytest.mark.parametrize("role", ["admin", "staff", "producer"])
def test_every_role_may_read(client: TestClient, session: Session, role: str):
    accounts.create_user(session, email=f"{role}@example.org", role=role)
    issued = api_tokens.create_token(session, email=f"{role}@example.org")
    response = client.get("/api/complaints", headers={"Authorization": f"Bearer {issued.token}"})
    assert response.status_code == 200
    session.refresh(issued.api_token)
    assert issued.api_token.last_used_at is not None


# --- menu --------------------------------------------------------------------------------------------


def test_menu_lists_the_mongolian_deployment(api: Any):
    response = api("/api/menu")
    assert response.status_code == 200
    menu = response.json()
    assert menu["deployment"] == "Mongolia" and menu["timezone"] == "Asia/Ulaanbaatar"
    assert [(lang["code"], lang["digit"]) for lang in menu["languages"]] == [("mn", "1"), ("en", "2")]
    assert menu["languages"][0]["name"] == "Монгол"

    sectors = {s["code"]: s for s in menu["sectors"]}
    assert len(menu["sectors"]) == 6
    assert sectors["health"]["digit"] == "1" and sectors["health"]["names"]["mn"] == "Эрүүл мэнд"
    assert sectors["other"]["digit"] == "9"

    areas = {a["code"]: a["names"] for a in menu["areas"]}
    assert len(menu["areas"]) == 22
    assert areas["84"]["mn"] == "Ховд" and areas["11"]["mn"] == "Улаанбаатар"
    assert "received" in menu["statuses"]


# --- complaint list ----------------------------------------------------------------------------------


def test_list_is_newest_first_with_summary_fields(api: Any, session: Session):
    old = make_complaint(session, created_at=T0)
    new = make_complaint(
        session,
        created_at=T0 + timedelta(hours=2),
        status=ComplaintStatus.FAILED,
        status_reason="audio could not be decoded",
        recording={"status": RecordingStatus.PENDING, "duration_seconds": None, "reported_duration_seconds": 17},
    )
    response = api("/api/complaints")
    assert references(response) == [new.reference, old.reference]
    body = response.json()
    assert body["next_cursor"] is None
    first = body["items"][0]
    assert first == {
        "reference": new.reference,
        "status": "failed",
        "status_reason": "audio could not be decoded",
        "language": "mn",
        "sector": "health",
        "area": "84",
        "broadcast_consent": True,
        "caller": first["caller"],
        "created_at": "2026-01-05T05:00:00+00:00",
        "recording": {"status": "pending", "duration_seconds": 17.0},
        "soum": None,
        "reviewed": False,
        "machine_confidence": None,
        "transcript_version": 0,
        "snippet": "",
    }
    assert first["caller"].endswith("33") and "•" in first["caller"]
    assert body["items"][1]["recording"] == {"status": "stored", "duration_seconds": 41.5}


def test_filters_by_status_sector_and_area(api: Any, session: Session):
    health_khovd = make_complaint(session, sector="health", area="84")
    school_ub = make_complaint(session, sector="education", area="11", status=ComplaintStatus.TRANSCRIBED)
    welfare_ub = make_complaint(session, sector="welfare", area="11", status=ComplaintStatus.ROUTED)

    assert references(api("/api/complaints", status="transcribed")) == [school_ub.reference]
    assert set(references(api("/api/complaints", status=["transcribed", "routed"]))) == {
        school_ub.reference,
        welfare_ub.reference,
    }
    assert references(api("/api/complaints", sector="health")) == [health_khovd.reference]
    assert set(references(api("/api/complaints", area="11"))) == {school_ub.reference, welfare_ub.reference}
    assert references(api("/api/complaints", area="11", sector="welfare")) == [welfare_ub.reference]
    assert references(api("/api/complaints", area="84", status="routed")) == []


def test_since_accepts_dates_in_local_time_and_datetimes_with_a_zone(
    api: Any, client: TestClient, auth: dict[str, str], session: Session
):
    # 23:00 on 4 January in Ulaanbaatar (UTC+8), and 01:00 on 5 January there.
    late_on_the_4th = make_complaint(session, created_at=datetime(2026, 1, 4, 15, 0, tzinfo=UTC))
    early_on_the_5th = make_complaint(session, created_at=datetime(2026, 1, 4, 17, 0, tzinfo=UTC))

    assert references(api("/api/complaints", since="2026-01-05")) == [early_on_the_5th.reference]
    assert references(api("/api/complaints", since="2026-01-04T15:00:00Z")) == [
        early_on_the_5th.reference,
        late_on_the_4th.reference,
    ]
    assert references(api("/api/complaints", since="2026-01-04T16:00:00+00:00")) == [early_on_the_5th.reference]
    assert references(api("/api/complaints", since="2026-01-05T02:00:00+08:00")) == []
    # A "+" left unencoded in the URL reaches us as a space; still read as the offset.
    raw = client.get("/api/complaints?since=2026-01-04T23:30:00+08:00", headers=auth)
    assert references(raw) == [early_on_the_5th.reference]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-05", datetime(2026, 1, 4, 16, 0, tzinfo=UTC)),
        ("2026-01-05 10:00", datetime(2026, 1, 5, 2, 0, tzinfo=UTC)),
        ("2026-01-05T10:00:00Z", datetime(2026, 1, 5, 10, 0, tzinfo=UTC)),
        ("2026-01-05T10:00:00 08:00", datetime(2026, 1, 5, 2, 0, tzinfo=UTC)),
        ("2026-01-05 10:00 01:00", datetime(2026, 1, 5, 9, 0, tzinfo=UTC)),
    ],
)
def test_parse_since(value: str, expected: datetime):
    assert parse_since(value, timezone=ZoneInfo("Asia/Ulaanbaatar")) == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "yesterday"}, "since must be an ISO 8601"),
        ({"since": "2026-13-01"}, "since must be an ISO 8601"),
        ({"status": "lost"}, "unknown status lost"),
        ({"sector": "police"}, "unknown sector police"),
        ({"area": "99"}, "unknown area 99"),
        ({"limit": "ten"}, "limit must be a whole number"),
        ({"limit": "0"}, "limit must be at least 1"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_parameters_are_400_with_a_message(api: Any, params: dict[str, str], message: str):
    response = api("/api/complaints", **params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_cursor_pages_through_everything_once(api: Any, session: Session):
    made = [make_complaint(session, created_at=T0 + timedelta(minutes=i)) for i in range(5)]
    # Two complaints at the same instant: the id breaks the tie, neither is skipped.
    made.append(make_complaint(session, created_at=T0 + timedelta(minutes=4)))
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = api("/api/complaints", **params)
        seen += references(response)
        pages += 1
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(c.reference for c in made) and len(seen) == len(set(seen))
    assert seen[:2] == [made[5].reference, made[4].reference]


# --- complaint detail --------------------------------------------------------------------------------


def test_detail_has_recording_newest_transcript_and_tags(api: Any, session: Session):
    complaint = make_complaint(
        session, created_at=T0, recording={"status": RecordingStatus.STORED, "attempts": 2, "last_error": "timeout"}
    )
    make_transcript(session, complaint, version=1, text="эмнэлэгт эм байхгүй")
    make_transcript(
        session,
        complaint,
        version=2,
        source="staff",
        text="Эмнэлэгт эм байхгүй байна.",
        words=None,
        mean_confidence=None,
    )
    make_tag(session, complaint, kind="sector", code="health", source="menu")
    make_tag(
        session,
        complaint,
        kind="area",
        code="84",
        label="Ховд",
        score=0.8,
        source="transcript",
        suggested=True,
        evidence={"matched": "ховд", "start": 2.1},
    )

    response = api(f"/api/complaints/{complaint.reference}")
    assert response.status_code == 200
    detail = response.json()
    assert detail["reference"] == complaint.reference and detail["status"] == "received"
    assert detail["created_at"] == "2026-01-05T03:00:00+00:00"
    assert detail["broadcast_consent"] is True
    assert detail["recording"] == {
        "status": "stored",
        "duration_seconds": 41.5,
        "reported_duration_seconds": 42,
        "last_error": "timeout",
        "attempts": 2,
    }
    transcript = detail["transcript"]
    assert (transcript["version"], transcript["versions"], transcript["source"]) == (2, 2, "staff")
    assert transcript["text"] == "Эмнэлэгт эм байхгүй байна." and transcript["words"] == []
    assert set(transcript) >= {"mean_confidence", "no_speech", "model", "audio_duration_seconds"}
    assert [(t["kind"], t["code"], t["source"], t["suggested"]) for t in detail["tags"]] == [
        ("area", "84", "transcript", True),
        ("sector", "health", "menu", False),
    ]
    assert detail["tags"][0]["evidence"] == {"matched": "ховд", "start": 2.1}
    assert detail["tags"][0]["label"] == "Ховд" and detail["tags"][0]["score"] == 0.8


def test_detail_of_a_machine_transcript_keeps_word_confidence(api: Any, session: Session):
    complaint = make_complaint(session)
    make_transcript(session, complaint)
    transcript = api(f"/api/complaints/{complaint.reference}").json()["transcript"]
    assert transcript["versions"] == 1 and transcript["model"] == "vosk-model-small-mn"
    assert [w["conf"] for w in transcript["words"]] == [0.92, 0.71, 0.88]
    assert transcript["mean_confidence"] == 0.84 and transcript["no_speech"] is False


def test_detail_before_transcription_has_null_transcript_and_no_tags(api: Any, session: Session):
    complaint = make_complaint(session, sector=None, area=None)
    detail = api(f"/api/complaints/{complaint.reference}").json()
    assert detail["transcript"] is None and detail["tags"] == []
    assert detail["sector"] is None and detail["area"] is None


def test_unknown_reference_is_404_json(api: Any, session: Session):
    make_complaint(session, reference="1234566")
    response = api("/api/complaints/7654321")
    assert response.status_code == 404
    assert response.json() == {"error": "no complaint with reference 7654321"}


# --- privacy -----------------------------------------------------------------------------------------


def test_caller_number_never_appears_in_any_response(api: Any, session: Session):
    complaint = make_complaint(session, caller_number="+976 9911-2233")
    make_transcript(session, complaint)
    make_tag(session, complaint)
    call = session.exec(select(Call)).one()
    secrets_of_the_caller = [
        CALLER_NUMBER,
        "97699112233",
        "99112233",
        "9911-2233",
        call.caller_number_encrypted,
        call.caller_hash,
    ]
    responses = [
        api("/api/complaints"),
        api("/api/complaints", area="84"),
        api(f"/api/complaints/{complaint.reference}"),
    ]
    for response in responses:
        assert response.status_code == 200
        for secret in secrets_of_the_caller:
            assert secret not in response.text
    assert responses[2].json()["caller"] == call.caller_masked


def test_json_is_utf8_not_escaped(client: TestClient, auth: dict[str, str]):
    """Cyrillic names arrive as themselves, so curl and staff tools show them readably."""
    response = client.get("/api/menu", headers=auth)
    assert response.headers["content-type"].startswith("application/json")
    assert "Ховд" in response.content.decode("utf-8")
    assert "\\u04" not in response.text
