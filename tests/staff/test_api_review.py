"""The review API through the real app: transcripts, status moves, tags and notes, each one transaction with
its audit event, refusals writing nothing, and roles: producers read, never write."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from hotline.models import AuditEvent, Complaint, ComplaintStatus, Note, StatusChange, Tag, Transcript
from tests.factories import make_complaint, make_tag, make_transcript
from tests.staff.review_api import bearer, count, post

S = ComplaintStatus


@pytest.fixture
def staff(session: Session) -> dict[str, str]:
    return bearer(session, "staff")


def _detail(client: TestClient, reference: str, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    response = client.get(f"/api/complaints/{reference}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


# --- transcripts -------------------------------------------------------------------------------------


def test_saving_a_version_answers_201_and_the_detail_shows_every_version(
    client: TestClient, session: Session, staff: dict[str, str]
) -> None:
    complaint = make_complaint(session, status=S.TRANSCRIBED)
    make_transcript(session, complaint)
    url = f"/api/complaints/{complaint.reference}/transcripts"

    saved = post(client, url, staff, {"text": "эмнэлэгт эмч байхгүй", "based_on_version": 1})

    assert saved.status_code == 201, saved.text
    assert saved.json()["version"] == 2 and saved.json()["author"] == "staff@example.org"
    detail = _detail(client, complaint.reference, staff)
    assert detail["transcript_version"] == 2 and detail["reviewed"] is True
    machine, edited = detail["transcripts"]
    assert (machine["version"], machine["source"], machine["author"]) == (1, "machine", None)
    assert machine["words"][0] == {"word": "эмнэлэгт", "start": 0.4, "end": 1.1, "conf": 0.92}
    assert (edited["version"], edited["source"], edited["author"], edited["words"]) == (
        2,
        "staff",
        "staff@example.org",
        None,
    )
    assert {"op": "insert", "words": ["эмч"]} in edited["diff"]
    confirmed = post(client, url, staff, {"confirm": True, "based_on_version": 2})
    assert confirmed.status_code == 201 and confirmed.json()["text"] == "эмнэлэгт эмч байхгүй"


def test_an_outdated_save_is_409_and_writes_nothing(
    client: TestClient, session: Session, staff: dict[str, str]
) -> None:
    complaint = make_complaint(session, status=S.IN_REVIEW)
    make_transcript(session, complaint)
    url = f"/api/complaints/{complaint.reference}/transcripts"
    assert post(client, url, staff, {"text": "first", "based_on_version": 1}).status_code == 201
    before = (count(session, Transcript), count(session, AuditEvent))

    late = post(client, url, staff, {"text": "second", "based_on_version": 1})

    assert late.status_code == 409 and "version 2" in late.json()["error"]
    assert (count(session, Transcript), count(session, AuditEvent)) == before
    version_one = session.exec(select(Transcript).where(Transcript.version == 1)).one()
    assert version_one.text == "эмнэлэгт эм байхгүй" and version_one.source == "machine"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": "x"}, "based_on_version"),
        ({"text": "x", "based_on_version": "1"}, "based_on_version"),
        ({"text": "x", "based_on_version": True}, "based_on_version"),
        ({"text": 5, "based_on_version": 0}, "text must be a string"),
        ({"txt": "x", "based_on_version": 0}, "unknown field txt"),
        (["x"], "JSON object"),
        ({"text": "x", "based_on_version": 0, "confirm": True}, "either text or confirm"),
        ({"text": "x" * 20_001, "based_on_version": 0}, "at most 20,000"),
    ],
)
def test_bad_transcript_bodies_are_400(
    client: TestClient, session: Session, staff: dict[str, str], body: object, message: str
) -> None:
    complaint = make_complaint(session, status=S.IN_REVIEW)
    response = post(client, f"/api/complaints/{complaint.reference}/transcripts", staff, body)
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]
    assert count(session, Transcript) == 0 and count(session, AuditEvent) == 0


def test_bodies_that_are_not_json_or_too_large_are_refused_before_the_core(
    client: TestClient, session: Session, staff: dict[str, str]
) -> None:
    complaint = make_complaint(session, status=S.IN_REVIEW)
    url = f"/api/complaints/{complaint.reference}/transcripts"
    as_form = client.post(url, data={"text": "x", "based_on_version": "0"}, headers=staff)
    assert as_form.status_code == 400 and "application/json" in as_form.json()["error"]
    broken = client.post(url, content=b'{"text": ', headers={**staff, "Content-Type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]
    empty = client.post(url, headers=staff)
    assert empty.status_code == 400 and "JSON object" in empty.json()["error"]
    huge = client.post(url, content=b" " * (64 * 1024 + 1), headers={**staff, "Content-Type": "application/json"})
    assert huge.status_code == 413
    assert count(session, Transcript) == 0


# --- status ------------------------------------------------------------------------------------------


def test_a_status_move_is_200_with_history_and_one_audit_event(
    client: TestClient, session: Session, staff: dict[str, str]
) -> None:
    complaint = make_complaint(session, status=S.TRANSCRIBED)
    url = f"/api/complaints/{complaint.reference}/status"
    moved = post(client, url, staff, {"status": "in_review", "reason": "taking it"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "in_review" and "routed" in moved.json()["allowed_statuses"]

    detail = _detail(client, complaint.reference, staff)
    assert detail["status"] == "in_review" and detail["status_reason"] == "taking it"
    [entry] = detail["status_history"]
    assert (entry["from_status"], entry["to_status"], entry["actor"]) == (
        "transcribed",
        "in_review",
        "staff@example.org",
    )
    assert [e.action for e in session.exec(select(AuditEvent)).all()] == ["status_changed"]


def test_an_illegal_move_is_409_and_writes_nothing(client: TestClient, session: Session, staff: dict[str, str]) -> None:
    complaint = make_complaint(session, status=S.TRANSCRIBED)
    response = post(client, f"/api/complaints/{complaint.reference}/status", staff, {"status": "aired"})
    assert response.status_code == 409
    assert "from transcribed to aired" in response.json()["error"] and "in_review" in response.json()["error"]
    assert count(session, StatusChange) == 0 and count(session, AuditEvent) == 0
    assert session.get(Complaint, complaint.id).status == "transcribed"  # type: ignore[union-attr]


def test_a_duplicate_names_an_existing_original(client: TestClient, session: Session, staff: dict[str, str]) -> None:
    original = make_complaint(session, status=S.IN_REVIEW)
    copy = make_complaint(session, status=S.IN_REVIEW)
    url = f"/api/complaints/{copy.reference}/status"
    assert post(client, url, staff, {"status": "duplicate", "duplicate_of": "999999999"}).status_code == 400
    assert post(client, url, staff, {"status": "duplicate"}).status_code == 400
    marked = post(client, url, staff, {"status": "duplicate", "duplicate_of": original.reference})
    assert marked.status_code == 200 and marked.json()["duplicate_of"] == original.reference
    detail = _detail(client, copy.reference, staff)
    assert detail["duplicate_of"] == original.reference
    assert detail["status_history"][-1]["duplicate_of"] == original.reference
    assert count(session, AuditEvent) == 1


# --- tags --------------------------------------------------------------------------------------------


def test_accepting_and_setting_tags_keeps_each_verdict_with_its_author(
    client: TestClient, session: Session, staff: dict[str, str]
) -> None:
    complaint = make_complaint(session, status=S.IN_REVIEW, sector="health", area="84")
    suggestion = make_tag(session, complaint, kind="sector", code="infrastructure", source="transcript", suggested=True)
    url = f"/api/complaints/{complaint.reference}/tags"

    accepted = post(client, url, staff, {"action": "accept", "tag_id": suggestion.id})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["sector"] == "infrastructure"
    assert post(client, url, staff, {"action": "set", "kind": "area", "code": "83"}).json()["area"] == "83"
    assert post(client, url, staff, {"action": "clear", "kind": "area"}).json()["area"] is None

    tags = {(t["kind"], t["code"], t["source"]): t for t in _detail(client, complaint.reference, staff)["tags"]}
    assert tags[("sector", "infrastructure", "transcript")]["decision"] == "accepted"
    assert tags[("sector", "infrastructure", "transcript")]["decided_by"] == "staff@example.org"
    assert tags[("area", "83", "staff")]["decision"] == "accepted" and tags[("area", "83", "staff")]["label"]
    assert [e.action for e in session.exec(select(AuditEvent)).all()] == ["tag_changed"] * 3


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"action": "set", "kind": "sector", "code": "space"}, 400),
        ({"action": "set", "kind": "area", "code": "99"}, 400),
        ({"action": "set", "kind": "soum", "code": "9999"}, 400),  # no such soum in the gazetteer
        ({"action": "set", "kind": "colour", "code": "red"}, 400),
        ({"action": "accept", "tag_id": 2_000_000}, 400),
        ({"action": "promote"}, 400),
    ],
)
def test_bad_tag_changes_are_refused_and_write_nothing(
    client: TestClient, session: Session, staff: dict[str, str], body: dict[str, object], status: int
) -> None:
    complaint = make_complaint(session, status=S.IN_REVIEW)
    response = post(client, f"/api/complaints/{complaint.reference}/tags", staff, body)
    assert response.status_code == status, response.text
    assert count(session, Tag) == 0 and count(session, AuditEvent) == 0


# --- notes -------------------------------------------------------------------------------------------


def test_notes_are_added_and_listed_for_staff_but_not_shown_to_producers(
    client: TestClient, session: Session, staff: dict[str, str]
) -> None:
    complaint = make_complaint(session, status=S.IN_REVIEW, broadcast_consent=True)
    url = f"/api/complaints/{complaint.reference}/notes"
    added = post(client, url, staff, {"text": "Called the clinic; they know."})
    assert added.status_code == 201 and added.json()["author"] == "staff@example.org"
    assert post(client, url, staff, {"text": "   "}).status_code == 400

    assert [n["text"] for n in _detail(client, complaint.reference, staff)["notes"]] == [
        "Called the clinic; they know."
    ]
    assert _detail(client, complaint.reference, bearer(session, "producer"))["notes"] == []
    assert [e.action for e in session.exec(select(AuditEvent)).all()] == ["note_added"]


# --- roles -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["producer", "provider"])
def test_producers_and_providers_cannot_write(client: TestClient, session: Session, role: str) -> None:
    complaint = make_complaint(session, status=S.TRANSCRIBED, broadcast_consent=True)
    make_transcript(session, complaint)
    headers = bearer(session, role)
    base = f"/api/complaints/{complaint.reference}"
    writes = {
        "/transcripts": {"text": "mine", "based_on_version": 1},
        "/status": {"status": "in_review"},
        "/tags": {"action": "set", "kind": "area", "code": "83"},
        "/notes": {"text": "hello"},
        "/reveal": {},
    }
    for suffix, body in writes.items():
        response = post(client, base + suffix, headers, body)
        assert response.status_code == 403, (suffix, response.text)
    assert (count(session, Transcript), count(session, StatusChange), count(session, Note)) == (1, 0, 0)
    assert count(session, AuditEvent) == 0
    reads = client.get(base, headers=headers).status_code
    assert reads == (200 if role == "producer" else 403)


def test_status_history_includes_the_system_moves(client: TestClient, session: Session, staff: dict[str, str]) -> None:
    from hotline.complaint_status import set_complaint_status

    complaint = make_complaint(session)
    set_complaint_status(session, complaint, S.FAILED, "recording failed: 404")
    session.commit()
    history = _detail(client, complaint.reference, staff)["status_history"]
    assert [(h["from_status"], h["to_status"], h["actor"]) for h in history] == [("received", "failed", None)]
    assert session.exec(select(StatusChange).order_by(col(StatusChange.id))).first() is not None


def test_related_lists_the_same_caller_and_similar_complaints_without_the_number(
    client: TestClient, session: Session, staff: dict[str, str]
) -> None:
    this = make_complaint(session, sector="health", area="84")
    again = make_complaint(session, sector="welfare", area="11", broadcast_consent=False)
    neighbour = make_complaint(session, sector="health", area="84", caller_number="+97688000001")
    response = client.get(f"/api/complaints/{this.reference}/related", headers=staff)
    assert response.status_code == 200, response.text
    assert [c["reference"] for c in response.json()["same_caller"]] == [again.reference]
    assert [c["reference"] for c in response.json()["similar"]] == [neighbour.reference]
    assert "99112233" not in response.text
    producer = client.get(f"/api/complaints/{this.reference}/related", headers=bearer(session, "producer"))
    assert producer.json()["same_caller"] == []  # the caller kept that one off the air


@pytest.mark.parametrize("suffix", ["/status", "/notes"])
def test_a_nul_in_typed_text_is_400_not_a_database_error(
    client: TestClient, session: Session, staff: dict[str, str], suffix: str
) -> None:
    complaint = make_complaint(session, status=S.IN_REVIEW)
    body = {"status": "closed", "reason": "done\x00"} if suffix == "/status" else {"text": "seen\x00"}
    response = post(client, f"/api/complaints/{complaint.reference}{suffix}", staff, body)
    assert response.status_code == 400 and "control characters" in response.json()["error"]
    assert count(session, AuditEvent) == 0
