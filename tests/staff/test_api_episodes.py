"""The stations and episodes API on the real app, as a station's automation and a producer use it: list the
stations, draft a week (201, chosen and candidate segments with references, never a complaint without
consent, never a caller's number or a place finer than soum), read, edit with the version (409 when stale),
and draft again without losing the edits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session
from starlette.testclient import TestClient

from hotline.iso_weeks import week_of
from hotline.models import Call, utcnow
from hotline.privacy import mask_number
from tests.episode_factories import CLINIC, SCHOOL, WEEK_START, reviewed
from tests.factories import CALLER_NUMBER, make_complaint, make_transcript
from tests.staff.review_api import bearer


def _draft(client: TestClient, session: Session, week: str = "2026-W48", role: str = "producer") -> Any:
    return client.post("/api/episodes", json={"station": "khovd", "week": week}, headers=bearer(session, role))


def _all_segments(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [*document["chosen"], *document["candidates"]]


def test_stations_are_listed_for_readers_only(client: TestClient, session: Session) -> None:
    expected = [
        {"code": "khovd", "name": "Ховд орон нутгийн радио", "language": "mn"},
        {"code": "ulaanbaatar", "name": "Улаанбаатарын иргэдийн радио", "language": "mn"},
    ]
    for role in ("admin", "staff", "producer"):
        response = client.get("/api/stations", headers=bearer(session, role))
        assert response.status_code == 200 and response.json() == expected, role
    assert client.get("/api/stations", headers=bearer(session, "provider")).status_code == 403


def test_a_producer_drafts_a_week_without_any_complaint_lacking_consent(client: TestClient, session: Session) -> None:
    consented = [reviewed(session, CLINIC, day=d, soum="8410") for d in (1, 2)]
    school = reviewed(session, SCHOOL, sector="education", day=3)
    refused = reviewed(session, CLINIC, day=2, consent=False)
    response = _draft(client, session)
    assert response.status_code == 201, response.text
    document = response.json()
    assert (document["station"], document["week"], document["status"], document["version"]) == (
        "khovd", "2026-W48", "draft", 1,
    )  # fmt: skip
    assert isinstance(document["id"], int) and document["feed_url"] is None and document["build"]["status"] is None
    references = {s["reference"] for s in _all_segments(document)}
    assert references == {c.reference for c in [*consented, school]} and refused.reference not in response.text
    assert [s["position"] for s in document["chosen"]] == [1, 2]
    lead = next(s for s in document["chosen"] if s["reference"] in {c.reference for c in consented})
    assert lead["reasons"]["recurrence"] == 2 and lead["host_lines"].startswith("Ховд: 2 иргэн")
    assert (lead["area_name"], lead["soum_name"], lead["sector_name"]) == ("Ховд", "Буянт", "Эрүүл мэнд")
    assert lead["words"] == CLINIC.split() and lead["trim"] == {"first": None, "last": None}
    # Nothing that identifies a caller, and no audio link.
    call = session.get(Call, refused.call_id)
    assert call is not None and call.caller_hash
    for secret in (CALLER_NUMBER, mask_number(CALLER_NUMBER), call.caller_hash, "/audio"):
        assert secret not in response.text


def test_the_week_defaults_to_this_week_and_bad_input_is_refused(client: TestClient, session: Session) -> None:
    headers = bearer(session, "admin")
    response = client.post("/api/episodes", json={"station": "khovd"}, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["week"] == str(week_of(utcnow(), "Asia/Ulaanbaatar"))
    refusals = [
        ({"station": "khovd", "week": "2026-W60"}, "has no ISO week 60"),
        ({"station": "khovd", "week": "48"}, "written like 2026-W48"),
        ({"station": "nope", "week": "2026-W48"}, "no station 'nope'"),
        ({"station": "khovd", "week": "2026-W48", "extra": 1}, "unknown field extra"),
        ({"week": "2026-W48"}, "station is required"),
    ]
    for body, message in refusals:
        refused = client.post("/api/episodes", json=body, headers=headers)
        assert refused.status_code == 400 and message in refused.json()["error"], (body, refused.text)
    assert _draft(client, session, role="staff").status_code == 403


def test_episodes_are_listed_and_read(client: TestClient, session: Session) -> None:
    reviewed(session)
    made = _draft(client, session).json()
    headers = bearer(session, "staff")
    listed = client.get("/api/episodes?station=khovd", headers=headers)
    assert listed.status_code == 200 and [e["id"] for e in listed.json()["items"]] == [made["id"]]
    assert "chosen" not in listed.json()["items"][0]  # lists are summaries
    assert client.get("/api/episodes?station=ulaanbaatar", headers=headers).json()["items"] == []
    assert client.get("/api/episodes?station=nope", headers=headers).status_code == 400
    one_week = client.get("/api/episodes?station=khovd&week=2026-W48", headers=headers).json()["items"]
    assert [e["id"] for e in one_week] == [made["id"]]
    assert client.get("/api/episodes?week=2026-W47", headers=headers).json()["items"] == []
    assert client.get("/api/episodes?week=W47", headers=headers).status_code == 400
    read = client.get(f"/api/episodes/{made['id']}", headers=headers)
    assert read.status_code == 200 and read.json() == made
    assert client.get("/api/episodes/999999", headers=headers).status_code == 404
    assert client.get("/api/episodes/abc", headers=headers).status_code == 400


def test_a_producer_edits_with_the_version_and_a_stale_edit_is_a_409(client: TestClient, session: Session) -> None:
    first, second = reviewed(session, CLINIC, day=1), reviewed(session, SCHOOL, sector="education", day=2)
    made = _draft(client, session).json()
    ids = {s["reference"]: s["id"] for s in _all_segments(made)}
    headers = bearer(session, "producer")
    edit = {
        "version": 1,
        "intro": "Сайн байна уу, сонсогчид аа!",
        "chosen": [ids[first.reference], ids[second.reference]],
        "segments": [
            {
                "id": ids[first.reference],
                "trim": {"first": 2, "last": 5},
                "voice": "disguised",
                "host_lines": "Шинэ мөр",
            },
            {"id": ids[second.reference], "trim": None, "voice": "revoiced"},
        ],
    }
    response = client.patch(f"/api/episodes/{made['id']}", json=edit, headers=headers)
    assert response.status_code == 200, response.text
    edited = response.json()
    assert edited["version"] == 2 and edited["intro"] == "Сайн байна уу, сонсогчид аа!"
    assert [s["reference"] for s in edited["chosen"]] == [first.reference, second.reference]
    one = edited["chosen"][0]
    assert (one["trim"], one["voice"], one["host_lines"], one["edited"]) == (
        {"first": 2, "last": 5}, "disguised", "Шинэ мөр", True,
    )  # fmt: skip

    stale = client.patch(f"/api/episodes/{made['id']}", json={**edit, "intro": "Өөр"}, headers=headers)
    assert stale.status_code == 409 and "since version 1 (now 2)" in stale.json()["error"]
    refusals = [
        ({"version": 2, "segments": [{"id": ids[first.reference], "trim": {"first": 0, "last": 40}}]}, "outside"),
        ({"version": 2, "segments": [{"id": ids[first.reference], "voice": "chipmunk"}]}, "voice must be one of"),
        ({"version": 2, "chosen": [ids[first.reference], 999999]}, "not in this episode"),
        ({"version": 2, "segments": [{"id": ids[first.reference], "answer": {"response_id": 1, "airs": "text"}}]},
         "not an answer to its complaint"),
        ({"chosen": []}, "version is required"),
        ({"version": 2, "chosen": "all"}, "chosen must be a list"),
    ]  # fmt: skip
    for body, message in refusals:
        refused = client.patch(f"/api/episodes/{made['id']}", json=body, headers=headers)
        assert refused.status_code == 400 and message in refused.json()["error"], (body, refused.text)
    after = client.get(f"/api/episodes/{made['id']}", headers=headers).json()
    assert after == edited  # nothing written by the refusals
    assert client.patch(f"/api/episodes/{made['id']}", json=edit, headers=bearer(session, "staff")).status_code == 403

    redrafted = _draft(client, session)
    assert redrafted.status_code == 201 and redrafted.json()["version"] == 3
    again = redrafted.json()["chosen"]
    assert [s["reference"] for s in again] == [first.reference, second.reference]
    assert again[0]["trim"] == {"first": 2, "last": 5} and again[0]["host_lines"] == "Шинэ мөр"
    assert redrafted.json()["intro"] == "Сайн байна уу, сонсогчид аа!"


def test_a_trim_gives_the_clip_points_from_the_machines_word_timings(client: TestClient, session: Session) -> None:
    complaint = make_complaint(session, status="in_review", created_at=WEEK_START + timedelta(days=1))
    make_transcript(session, complaint)  # the machine heard "эмнэлэгт" 0.4-1.1, "эм" 1.2-1.4, "байхгүй" 1.5-2.0
    make_transcript(session, complaint, version=2, source="staff", text="Эмнэлэгт эм байхгүй байна.", words=None)
    made = _draft(client, session).json()
    [segment] = made["chosen"]
    assert segment["clip"] == {"start": 0.25, "end": 41.5}  # the whole recording: to its end, past the added word
    trim = {"version": 1, "segments": [{"id": segment["id"], "trim": {"first": 1, "last": 2}}]}
    edited = client.patch(f"/api/episodes/{made['id']}", json=trim, headers=bearer(session, "producer"))
    assert edited.status_code == 200, edited.text
    assert edited.json()["chosen"][0]["clip"] == {"start": 1.15, "end": 2.15}  # padded at most half way to a word
