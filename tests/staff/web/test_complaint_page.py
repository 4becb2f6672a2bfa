"""The complaint page through the real app: listen, read, correct, tag, move, note, reveal — and who may."""

from __future__ import annotations

import io
import math
import re
import struct
import wave
from html import unescape

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from hotline.audio_store import AudioStore
from hotline.models import AuditEvent, Call, Complaint, Feedback, Note, StatusChange, Tag, Transcript, User
from hotline.privacy import mask_number, protector_for
from hotline.settings import Settings
from tests.conftest import reread
from tests.factories import CALLER_NUMBER, make_complaint, make_tag, make_transcript
from tests.staff.web.conftest import csrf_of, log_in, make_user

AUDIO_KEY = "2026/11/24/RE-page-test.wav"


def _wav(seconds: float = 2.0, rate: int = 8000) -> bytes:
    """A real, decodable WAV: a 440 Hz tone."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = int(seconds * rate)
        out.writeframes(
            b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(frames))
        )
    return buffer.getvalue()


@pytest.fixture
def complaint(session: Session, settings: Settings) -> Complaint:
    """A decoded complaint with its audio really in the store, a suggested tag and the machine's version."""
    AudioStore(settings.audio_dir).put(AUDIO_KEY, _wav())
    made = make_complaint(
        session, recording={"storage_key": AUDIO_KEY, "audio_format": "wav/pcm_s16le 8000 Hz 1ch"}, status="transcribed"
    )
    make_transcript(session, made)
    make_tag(session, made, kind="sector", code="education", source="transcript", suggested=True, score=0.6)
    return made


def _open(client: TestClient, reference: str) -> str:
    page = client.get(f"/complaints/{reference}")
    assert page.status_code == 200, page.text
    return page.text


def _post(client: TestClient, reference: str, action: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    token = csrf_of(_open(client, reference))
    return client.post(f"/complaints/{reference}/{action}", data={"csrf_token": token, **data}, follow_redirects=False)


def test_staff_read_the_words_with_their_timings_and_confidence(
    client: TestClient, staff_user: User, complaint: Complaint
) -> None:
    log_in(client, staff_user.email)
    html = _open(client, complaint.reference)
    words = re.findall(r'<span class="word conf-(\w+)" data-start="([\d.]+)"[^>]*>([^<]+)</span>', html)
    assert words == [("high", "0.40", "эмнэлэгт"), ("medium", "1.20", "эм"), ("high", "1.50", "байхгүй")]
    assert f'src="/complaints/{complaint.reference}/audio"' in html
    assert CALLER_NUMBER not in html and mask_number(CALLER_NUMBER) in html  # masked, never clear


def test_the_player_streams_the_audio_with_ranges_to_signed_in_readers_only(
    client: TestClient, staff_user: User, complaint: Complaint
) -> None:
    url = f"/complaints/{complaint.reference}/audio"
    anonymous = client.get(url, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    log_in(client, staff_user.email)
    whole = client.get(url)
    assert whole.status_code == 200 and whole.headers["content-type"] == "audio/wav"
    assert whole.content == _wav() and whole.headers["accept-ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{len(whole.content)}"
    assert part.content == whole.content[100:200]
    assert client.get(url, headers={"Range": f"bytes={len(whole.content) + 10}-"}).status_code == 416


def test_saving_a_correction_makes_version_2_with_its_diff_and_keeps_version_1(
    client: TestClient, session: Session, staff_user: User, complaint: Complaint
) -> None:
    log_in(client, staff_user.email)
    saved = _post(
        client, complaint.reference, "transcript", {"text": "эмнэлэгт эм тариа байхгүй", "based_on_version": "1"}
    )
    assert saved.status_code == 303
    html = _open(client, complaint.reference)
    assert "<ins>тариа</ins>" in html
    reread(session)
    versions = session.exec(
        select(Transcript).where(Transcript.complaint_id == complaint.id).order_by(Transcript.version)
    ).all()  # type: ignore[arg-type]
    assert [(v.version, v.source, v.text) for v in versions] == [
        (1, "machine", "эмнэлэгт эм байхгүй"),
        (2, "staff", "эмнэлэгт эм тариа байхгүй"),
    ]
    assert versions[1].author_id == staff_user.id
    assert session.get(Complaint, complaint.id).reviewed  # type: ignore[union-attr]


def test_a_save_based_on_an_outdated_version_is_refused_and_keeps_what_was_typed(
    client: TestClient, session: Session, staff_user: User, complaint: Complaint
) -> None:
    log_in(client, staff_user.email)
    token = csrf_of(_open(client, complaint.reference))
    first = client.post(
        f"/complaints/{complaint.reference}/transcript",
        data={"csrf_token": token, "text": "нэгдүгээр засвар", "based_on_version": "1"},
        follow_redirects=False,
    )
    assert first.status_code == 303
    late = client.post(
        f"/complaints/{complaint.reference}/transcript",
        data={"csrf_token": token, "text": "хоёрдугаар засвар", "based_on_version": "1"},
        follow_redirects=False,
    )
    assert late.status_code == 409
    assert "хоёрдугаар засвар</textarea>" in late.text  # nothing typed is lost
    reread(session)
    assert len(session.exec(select(Transcript).where(Transcript.complaint_id == complaint.id)).all()) == 2


def test_hostile_transcript_text_renders_inert(
    client: TestClient, session: Session, staff_user: User, complaint: Complaint
) -> None:
    hostile = '<script>alert(1)</script> "><img src=x onerror=alert(2)>'
    make_transcript(session, complaint, version=2, source="staff", text=hostile, words=None)
    log_in(client, staff_user.email)
    html = _open(client, complaint.reference)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_status_moves_follow_the_lifecycle_with_history(
    client: TestClient, session: Session, staff_user: User, complaint: Complaint
) -> None:
    log_in(client, staff_user.email)
    moved = _post(client, complaint.reference, "status", {"status": "in_review", "reason": "checking"})
    assert moved.status_code == 303
    illegal = _post(client, complaint.reference, "status", {"status": "aired", "reason": ""})
    assert illegal.status_code == 409
    reread(session)
    changes = session.exec(select(StatusChange).where(StatusChange.complaint_id == complaint.id)).all()
    assert [(c.from_status, c.to_status, c.actor_id) for c in changes] == [("transcribed", "in_review", staff_user.id)]
    assert "checking" in _open(client, complaint.reference)


def test_tags_are_accepted_and_set_by_staff(
    client: TestClient, session: Session, staff_user: User, complaint: Complaint
) -> None:
    suggestion = session.exec(select(Tag).where(Tag.complaint_id == complaint.id, Tag.code == "education")).one()
    log_in(client, staff_user.email)
    accepted = _post(client, complaint.reference, "tags", {"tag_id": str(suggestion.id), "decision": "accepted"})
    assert accepted.status_code == 303
    reread(session)
    assert session.get(Tag, suggestion.id).decision == "accepted"  # type: ignore[union-attr]
    assert session.get(Complaint, complaint.id).sector == "education"  # type: ignore[union-attr]
    set_area = _post(client, complaint.reference, "tags", {"kind": "area", "code": "11"})
    assert set_area.status_code == 303
    reread(session)
    assert session.get(Complaint, complaint.id).area == "11"  # type: ignore[union-attr]
    assert session.exec(select(Tag).where(Tag.complaint_id == complaint.id, Tag.source == "staff")).all()


def test_notes_are_for_staff_and_producers_see_only_consented_complaints(
    client: TestClient, session: Session, complaint: Complaint
) -> None:
    make_user(session, "producer@example.org", "producer")
    private = make_complaint(session, broadcast_consent=False)
    make_user(session, "writer@example.org", "staff")
    log_in(client, "writer@example.org")
    assert _post(client, complaint.reference, "notes", {"text": "called the clinic"}).status_code == 303
    client.cookies.clear()
    log_in(client, "producer@example.org")
    html = _open(client, complaint.reference)
    assert "called the clinic" not in html and 'name="text"' not in html
    assert client.get(f"/complaints/{private.reference}").status_code == 404
    refused = client.post(f"/complaints/{complaint.reference}/notes", data={"csrf_token": csrf_of(html), "text": "x"})
    assert refused.status_code == 403
    reread(session)
    assert [n.text for n in session.exec(select(Note))] == ["called the clinic"]


def test_only_an_admin_reveals_the_number_and_the_reveal_is_audited(
    client: TestClient, session: Session, settings: Settings, admin: User, staff_user: User, complaint: Complaint
) -> None:
    call = session.get(Call, complaint.call_id)
    assert call is not None  # encrypted with this deployment's key, as the call flow stores it
    call.caller_number_encrypted = protector_for(settings.SECRET_KEY.get_secret_value()).encrypt(CALLER_NUMBER)
    session.add(call)
    session.commit()
    log_in(client, staff_user.email)
    html = _open(client, complaint.reference)
    assert "Reveal number" not in html
    assert (
        client.post(f"/complaints/{complaint.reference}/reveal", data={"csrf_token": csrf_of(html)}).status_code == 403
    )
    client.cookies.clear()
    log_in(client, admin.email)
    revealed = _post(client, complaint.reference, "reveal", {})
    assert revealed.status_code == 200 and CALLER_NUMBER in unescape(revealed.text)
    assert "no-store" in revealed.headers["cache-control"]
    reread(session)
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "number_revealed")).all()
    assert [(e.actor_id, e.object_id) for e in events] == [(admin.id, complaint.reference)]
    assert all(CALLER_NUMBER not in e.before + e.after for e in session.exec(select(AuditEvent)))
    assert CALLER_NUMBER not in _open(client, complaint.reference)  # shown once, on that response only


def test_save_and_next_opens_the_next_complaint_waiting_for_a_person(
    client: TestClient, session: Session, staff_user: User
) -> None:
    first = make_complaint(session, status="needs_manual_transcription", language="en")
    second = make_complaint(session, status="needs_manual_transcription", language="en")
    log_in(client, staff_user.email)
    html = _open(client, first.reference)
    assert "Save and next" in html and "Alt+J" in html
    saved = _post(
        client,
        first.reference,
        "transcript",
        {"text": "no water in the school", "based_on_version": "0", "action": "save_next"},
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/complaints/{second.reference}?mode=manual&done=saved"
    reread(session)
    assert session.get(Complaint, first.id).reviewed  # type: ignore[union-attr]
    last = _post(
        client, second.reference, "transcript", {"text": "no road", "based_on_version": "0", "action": "save_next"}
    )
    assert last.headers["location"] == "/complaints?status=needs_manual_transcription&done=queue_empty"
    assert "No complaint is waiting for transcription." in client.get(last.headers["location"]).text


def test_a_soum_is_found_by_its_latin_name_and_set_by_staff(
    client: TestClient, session: Session, staff_user: User, complaint: Complaint
) -> None:
    log_in(client, staff_user.email)
    found = client.get(f"/complaints/{complaint.reference}", params={"place_q": "buyant"})
    assert found.status_code == 200
    # Both Buyant soums are offered, each with its aimag, so staff can tell them apart.
    assert "Buyant, Khovd (8410)" in found.text and "Buyant, Bayan-Ölgii (8319)" in found.text
    saved = _post(client, complaint.reference, "tags", {"kind": "soum", "code": "8410"})
    assert saved.status_code == 303
    reread(session)
    stored = session.get(Complaint, complaint.id)
    assert stored is not None and (stored.soum, stored.area) == ("8410", "84")


def test_staff_see_what_callers_said_about_the_answer(
    client: TestClient, session: Session, staff_user: User, complaint: Complaint
) -> None:
    log_in(client, staff_user.email)
    assert "satisfied" not in _open(client, complaint.reference)  # nothing said yet, nothing shown
    for n, satisfied in enumerate((True, True, False)):
        session.add(Feedback(complaint_id=complaint.id, twilio_call_sid=f"CA{n:032d}", satisfied=satisfied))
    session.commit()
    assert "2 satisfied, 1 not satisfied" in _open(client, complaint.reference)
