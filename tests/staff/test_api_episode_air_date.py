"""The air date through the API: an episode airs on its station's weekday and time (Khovd: Saturdays, 11:00 in
Ulaanbaatar) unless its producer moves it with PATCH "air_date" (a real date near its week, else 400; null puts
it back), with the version check and the audit of any edit; and asking for a build has its own audit action."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from hotline.models import AuditEvent
from tests.conftest import reread
from tests.episode_factories import CLINIC, reviewed
from tests.staff.review_api import bearer


def _drafted(client: TestClient, session: Session) -> tuple[dict[str, Any], dict[str, str]]:
    reviewed(session, CLINIC, day=1)
    headers = bearer(session, "producer")
    response = client.post("/api/episodes", json={"station": "khovd", "week": "2026-W48"}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json(), headers


def _audit(session: Session, action: str) -> list[AuditEvent]:
    reread(session)
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))))


def test_an_episode_airs_on_its_stations_weekday_at_its_time(client: TestClient, session: Session) -> None:
    document, headers = _drafted(client, session)
    assert (document["air_date"], document["airs_at"], document["air_date_override"]) == (
        "2026-11-28", "2026-11-28T03:00:00+00:00", None,
    )  # fmt: skip
    listed = client.get("/api/episodes?station=khovd", headers=headers).json()["items"]
    assert listed[0]["air_date"] == "2026-11-28"


def test_a_producer_moves_the_show_and_puts_it_back_with_the_version(client: TestClient, session: Session) -> None:
    document, headers = _drafted(client, session)
    url = f"/api/episodes/{document['id']}"
    moved = client.patch(url, json={"version": 1, "air_date": "2026-12-01"}, headers=headers)
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert (body["air_date"], body["air_date_override"], body["airs_at"], body["version"]) == (
        "2026-12-01", "2026-12-01", "2026-12-01T03:00:00+00:00", 2,
    )  # fmt: skip
    (event,) = _audit(session, "episode_edited")
    assert event.object_id == "khovd 2026-W48" and "air date 2026-12-01" in event.after

    stale = client.patch(url, json={"version": 1, "air_date": "2026-11-27"}, headers=headers)
    assert stale.status_code == 409 and "since version 1 (now 2)" in stale.json()["error"]
    assert client.get(url, headers=headers).json()["air_date"] == "2026-12-01", "the stale edit changed nothing"

    back = client.patch(url, json={"version": 2, "air_date": None}, headers=headers)
    assert back.status_code == 200, back.text
    assert (back.json()["air_date"], back.json()["air_date_override"]) == ("2026-11-28", None)
    assert "air date the station's weekday" in _audit(session, "episode_edited")[-1].after


def test_an_air_date_that_is_no_date_or_too_far_from_the_week_is_a_400(client: TestClient, session: Session) -> None:
    document, headers = _drafted(client, session)
    url = f"/api/episodes/{document['id']}"
    refusals = [
        ("2026-02-30", "not a date of the calendar"),
        ("28/11/2026", 'written "YYYY-MM-DD"'),
        (20261128, 'written "YYYY-MM-DD"'),
        ("2026-11-15", "can air from 2026-11-16 to 2026-12-06"),  # the day before the earliest
        ("2026-12-07", "can air from 2026-11-16 to 2026-12-06"),
    ]
    for value, message in refusals:
        refused = client.patch(url, json={"version": 1, "air_date": value}, headers=headers)
        assert refused.status_code == 400 and message in refused.json()["error"], (value, refused.text)
    for edge in ("2026-11-16", "2026-12-06"):  # a week either side is allowed
        read = client.get(url, headers=headers).json()
        accepted = client.patch(url, json={"version": read["version"], "air_date": edge}, headers=headers)
        assert accepted.status_code == 200 and accepted.json()["air_date"] == edge, accepted.text


def test_asking_for_a_build_is_audited_as_such(client: TestClient, session: Session) -> None:
    document, headers = _drafted(client, session)
    response = client.post(f"/api/episodes/{document['id']}/build", headers=headers)
    assert response.status_code == 202, response.text
    (event,) = _audit(session, "episode_build_requested")
    assert (event.object_id, event.after) == ("khovd 2026-W48", "package build requested")
    assert _audit(session, "episode_edited") == [], "a build request is not an edit"
