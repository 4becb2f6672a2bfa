"""The answers API on the real app: a provider answers (JSON text, multipart audio in several formats), staff
answer on its behalf and close; a broken or oversized upload is refused with nothing stored; a provider reads
its own list and complaint, and hears the caller only where the deployment allows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.answer_audio import MAX_UPLOAD_BYTES
from hotline.audio_store import AudioStore
from hotline.models import AuditEvent, Complaint
from hotline.models.answers import Response
from hotline.settings import Settings
from tests.answers import make_provider, make_provider_user, make_routed, spoken_answer, token_for
from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher, make_settings, reread
from tests.factories import CALLER_NUMBER
from tests.staff.web.conftest import make_user


@pytest.fixture(scope="module")
def audio_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("uploads")


def _responses_url(complaint: Complaint) -> str:
    return f"/api/complaints/{complaint.reference}/responses"


def _stored_answer_files(settings: Settings) -> list[Path]:
    root = settings.audio_dir / "responses"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_provider_answers_with_text_and_the_complaint_becomes_answered(client: TestClient, session: Session) -> None:
    provider = make_provider(session)
    user = make_provider_user(session, "nurse@clinic.example", provider)
    complaint = make_routed(session, provider)
    reply = client.post(_responses_url(complaint), json={"text": "Medicine arrived."}, headers=token_for(session, user))
    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert (body["version"], body["text"], body["status"], body["on_behalf"], body["author"]) == (
        1, "Medicine arrived.", "answered", False, None,
    )  # fmt: skip
    reread(session)
    saved = session.get(Complaint, complaint.id)
    assert saved is not None and saved.status == "answered" and saved.answered_at is not None


@pytest.mark.parametrize("extension", ["mp3", "ogg", "m4a", "webm", "wav"])
def test_provider_uploads_a_recorded_answer(
    client: TestClient, session: Session, settings: Settings, audio_files: Path, extension: str
) -> None:
    provider = make_provider(session)
    user = make_provider_user(session, "nurse@clinic.example", provider)
    complaint = make_routed(session, provider)
    source = spoken_answer(audio_files, extension)
    with source.open("rb") as fh:
        reply = client.post(
            _responses_url(complaint),
            data={"text": "Please listen."},
            files={"audio": (source.name, fh, "application/octet-stream")},
            headers=token_for(session, user),
        )
    assert reply.status_code == 201, reply.text
    assert reply.json()["audio"] is True and 2 < reply.json()["audio_duration_seconds"] < 10
    stored = _stored_answer_files(settings)
    assert len(stored) == 1 and stored[0].read_bytes()[:4] == b"RIFF"
    audio = client.get(
        f"{_responses_url(complaint)}/1/audio", headers={**token_for(session, user), "Range": "bytes=0-43"}
    )
    assert audio.status_code == 206 and audio.headers["content-type"] == "audio/wav"
    assert audio.content == stored[0].read_bytes()[:44]


def test_a_broken_upload_is_refused_and_nothing_is_stored(
    client: TestClient, session: Session, settings: Settings
) -> None:
    provider = make_provider(session)
    user = make_provider_user(session, "nurse@clinic.example", provider)
    complaint = make_routed(session, provider)
    reply = client.post(
        _responses_url(complaint),
        data={"text": "with a bad file"},
        files={"audio": ("answer.mp3", b"ID3" + b"garbage" * 300, "audio/mpeg")},
        headers=token_for(session, user),
    )
    assert reply.status_code == 400 and "cannot be used" in reply.json()["error"], reply.text
    reread(session)
    assert _stored_answer_files(settings) == []
    assert session.exec(select(Response)).all() == []
    assert session.get(Complaint, complaint.id).status == "routed"  # type: ignore[union-attr]


def test_an_oversized_upload_is_refused_before_it_is_read(client: TestClient, session: Session) -> None:
    provider = make_provider(session)
    user = make_provider_user(session, "nurse@clinic.example", provider)
    complaint = make_routed(session, provider)
    big = b"\0" * (MAX_UPLOAD_BYTES + 512 * 1024)
    reply = client.post(
        _responses_url(complaint), files={"audio": ("big.wav", big, "audio/wav")}, headers=token_for(session, user)
    )
    assert reply.status_code == 413, reply.text
    # Only an admitted user's upload is read at all: others are refused for who they are, not for the size.
    files = {"audio": ("big.wav", big, "audio/wav")}
    assert client.post(_responses_url(complaint), files=files, headers={"Authorization": "Bearer x"}).status_code == 401
    producer = make_user(session, "producer@example.org", "producer")
    assert client.post(_responses_url(complaint), files=files, headers=token_for(session, producer)).status_code == 403


def test_staff_answer_on_behalf_list_the_versions_and_close(client: TestClient, session: Session) -> None:
    provider = make_provider(session)
    staff = make_user(session, "staff@example.org", "staff")
    nurse = make_provider_user(session, "nurse@clinic.example", provider)
    complaint = make_routed(session, provider)
    staff_auth, nurse_auth = token_for(session, staff), token_for(session, nurse)
    assert (
        client.post(_responses_url(complaint), json={"text": "From their letter."}, headers=staff_auth).status_code
        == 201
    )
    assert (
        client.post(_responses_url(complaint), json={"text": "Our own words."}, headers=nurse_auth).status_code == 201
    )
    as_staff = client.get(_responses_url(complaint), headers=staff_auth).json()["items"]
    assert [(v["version"], v["on_behalf"], v["author"]) for v in as_staff] == [
        (2, False, "nurse@clinic.example"), (1, True, "staff@example.org"),
    ]  # fmt: skip
    as_nurse = client.get(_responses_url(complaint), headers=nurse_auth).json()["items"]
    assert [v["author"] for v in as_nurse] == [None, None]  # a provider sees no other user
    close_url = f"/api/complaints/{complaint.reference}/close"
    assert client.post(close_url, json={"closure": "fixed"}, headers=nurse_auth).status_code == 403
    assert client.post(close_url, json={"closure": "mended"}, headers=staff_auth).status_code == 400
    closed = client.post(close_url, json={"closure": "fixed", "reason": "checked by phone"}, headers=staff_auth)
    assert closed.status_code == 200 and closed.json() == {
        "reference": complaint.reference, "status": "closed", "closure": "fixed",
    }  # fmt: skip
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.object_id == complaint.reference).order_by(col(AuditEvent.id))
    ).all()
    assert actions == ["status_changed", "response_saved", "response_saved", "status_changed", "complaint_closed"]
    assert client.post(close_url, json={"closure": "fixed"}, headers=staff_auth).status_code == 409


def test_answering_needs_text_or_audio_and_a_routed_complaint(client: TestClient, session: Session) -> None:
    provider = make_provider(session)
    staff = make_user(session, "staff@example.org", "staff")
    complaint = make_routed(session, provider, status="in_review")
    auth = token_for(session, staff)
    assert client.post(_responses_url(complaint), json={"text": "x"}, headers=auth).status_code == 409
    assert client.post(_responses_url(complaint), json={"txt": "x"}, headers=auth).status_code == 400
    routed = make_routed(session, provider)
    assert client.post(_responses_url(routed), json={"text": " "}, headers=auth).status_code == 400
    assert client.post(_responses_url(routed), data={"text": ""}, files={}, headers=auth).status_code == 400


def test_provider_reads_its_list_and_complaint_without_any_caller_data(client: TestClient, session: Session) -> None:
    provider = make_provider(session)
    user = make_provider_user(session, "nurse@clinic.example", provider)
    older = make_routed(session, provider, days_left=-2)  # past its deadline
    newer = make_routed(session, provider)
    auth = token_for(session, user)
    listing = client.get("/api/provider/complaints", headers=auth)
    assert listing.status_code == 200
    items = listing.json()["items"]
    assert [(i["reference"], i["overdue"]) for i in items] == [(newer.reference, False), (older.reference, True)]
    detail = client.get(f"/api/provider/complaints/{newer.reference}", headers=auth)
    assert detail.status_code == 200
    body = detail.json()
    assert body["transcript"]["text"] == "эмнэлэгт эм байхгүй, тусламж хэрэгтэй" and body["audio_available"] is False
    assert set(body) >= {"sector", "area", "soum", "response_deadline_at", "responses"}
    for text in (listing.text, detail.text):
        assert CALLER_NUMBER not in text and "2233" not in text and "caller" not in text
    assert client.get(f"/api/provider/complaints/{newer.reference}/audio", headers=auth).status_code == 404
    page = client.get("/api/provider/complaints?limit=1", headers=auth).json()
    second = client.get(f"/api/provider/complaints?limit=1&cursor={page['next_cursor']}", headers=auth).json()
    assert [i["reference"] for i in page["items"] + second["items"]] == [newer.reference, older.reference]


@pytest.fixture
def hearing_client(tmp_path: Path, database_url: str, engine: Engine) -> Iterator[tuple[TestClient, Settings]]:
    """The app of a deployment whose agreements let providers hear the caller's recording."""
    settings = make_settings(tmp_path, database_url, PROVIDERS_HEAR_AUDIO=True)
    with TestClient(create_app(settings, jobs=RecordingDispatcher(), engine=engine), base_url=PUBLIC_BASE_URL) as c:
        yield c, settings


def test_provider_hears_the_caller_only_where_the_deployment_allows(
    hearing_client: tuple[TestClient, Settings], session: Session
) -> None:
    client, settings = hearing_client
    provider = make_provider(session)
    user = make_provider_user(session, "nurse@clinic.example", provider)
    complaint = make_routed(session, provider, recording={"storage_key": "calls/x.wav", "audio_format": "wav/pcm"})
    AudioStore(settings.audio_dir).put("calls/x.wav", b"RIFF-caller-audio")
    auth = token_for(session, user)
    assert client.get(f"/api/provider/complaints/{complaint.reference}", headers=auth).json()["audio_available"]
    audio = client.get(f"/api/provider/complaints/{complaint.reference}/audio", headers=auth)
    assert audio.status_code == 200 and audio.content == b"RIFF-caller-audio"
