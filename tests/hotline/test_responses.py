"""Answers in the core: versions, the routed → answered move with answered_at, closing with a closure, audit,
and the answer audio normalised from every common upload format (real files made with espeak-ng and ffmpeg)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hotline.answer_audio import SAMPLE_RATE, AudioRejected, normalise_answer_audio
from hotline.audio_probe import probe_audio
from hotline.audio_store import AudioStore
from hotline.audit import Actor, AuditAction
from hotline.models import AuditEvent, Complaint, StatusChange
from hotline.models.answers import Response
from hotline.responses import close_complaint, list_responses, save_response
from hotline.review_errors import Conflict, Invalid, NotPermitted
from tests.answers import UPLOAD_FORMATS, make_provider, make_provider_user, make_routed, spoken_answer
from tests.factories import make_complaint
from tests.staff.web.conftest import make_user


@pytest.fixture(scope="module")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("answer-audio")


def _events(session: Session, action: AuditAction, reference: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_id == reference)
    return list(session.exec(query.order_by(col(AuditEvent.id))))


def test_first_answer_makes_the_complaint_answered_and_later_versions_append(session: Session, tmp_path: Path) -> None:
    provider = make_provider(session)
    user = make_provider_user(session, "nurse@clinic.example", provider)
    complaint = make_routed(session, provider)
    actor = Actor.of(user)
    first = save_response(session, complaint=complaint, user=user, actor=actor, text="  We have medicine now. ")
    session.commit()
    assert (first.version, first.text, first.on_behalf, first.provider_id) == (
        1,
        "We have medicine now.",
        False,
        provider.id,
    )
    session.refresh(complaint)
    assert complaint.status == "answered" and complaint.answered_at is not None
    answered_at = complaint.answered_at
    moves = session.exec(select(StatusChange).where(StatusChange.complaint_id == complaint.id)).all()
    assert [(m.from_status, m.to_status, m.actor_id) for m in moves] == [("routed", "answered", user.id)]

    store = AudioStore(tmp_path / "audio")
    audio = normalise_answer_audio(spoken_answer(tmp_path, "mp3"))
    second = save_response(session, complaint=complaint, user=user, actor=actor, text="", audio=audio, store=store)
    session.commit()
    session.refresh(complaint)
    assert second.version == 2 and second.audio_key is not None and store.path(second.audio_key).is_file()
    assert complaint.status == "answered" and complaint.answered_at == answered_at  # the first answer's time stays
    assert [v.version for v in list_responses(session, complaint=complaint)] == [2, 1]
    events = _events(session, AuditAction.RESPONSE_SAVED, complaint.reference)
    assert [e.after.split(",")[0] for e in events] == ["version 1", "version 2"]
    assert events[0].actor == "nurse@clinic.example" and "complaint answered" in events[0].after
    assert "audio" in events[1].after


def test_two_first_answers_at_once_make_two_versions(session: Session, engine: Engine) -> None:
    """Both logins read the complaint as routed; the second to write becomes version 2, not a conflict."""
    provider = make_provider(session)
    one = make_provider_user(session, "one@clinic.example", provider)
    two = make_provider_user(session, "two@clinic.example", provider)
    complaint = make_routed(session, provider)
    stale = session.get(Complaint, complaint.id)
    assert stale is not None and stale.status == "routed"  # what the second request read
    with Session(engine, expire_on_commit=False) as other:
        fresh = other.get(Complaint, complaint.id)
        assert fresh is not None
        save_response(other, complaint=fresh, user=one, actor=Actor.of(one), text="first")
        other.commit()
    second = save_response(session, complaint=stale, user=two, actor=Actor.of(two), text="second")
    session.commit()
    assert second.version == 2
    moves = session.exec(select(StatusChange).where(StatusChange.complaint_id == complaint.id)).all()
    assert [(m.from_status, m.to_status) for m in moves] == [("routed", "answered")]


def test_staff_answer_on_the_providers_behalf(session: Session) -> None:
    provider = make_provider(session)
    staff = make_user(session, "staff@example.org", "staff")
    complaint = make_routed(session, provider)
    saved = save_response(session, complaint=complaint, user=staff, actor=Actor.of(staff), text="By letter: fixed.")
    session.commit()
    assert saved.on_behalf and saved.author_id == staff.id and saved.provider_id == provider.id
    assert list_responses(session, complaint=complaint)[0].author == "staff@example.org"


def test_refusals_write_nothing(session: Session, tmp_path: Path) -> None:
    mine, theirs = make_provider(session, "Mine"), make_provider(session, "Theirs")
    outsider = make_provider_user(session, "other@theirs.example", theirs)
    complaint = make_routed(session, mine)
    with pytest.raises(NotPermitted):
        save_response(session, complaint=complaint, user=outsider, actor=Actor.of(outsider), text="not ours")
    session.rollback()
    user = make_provider_user(session, "me@mine.example", mine)
    with pytest.raises(Invalid, match="needs text"):
        save_response(session, complaint=complaint, user=user, actor=Actor.of(user), text="   ")
    session.rollback()
    unrouted = make_complaint(session, status="in_review")
    staff = make_user(session, "staff@example.org", "staff")
    with pytest.raises(Conflict, match="only a routed complaint"):
        save_response(session, complaint=unrouted, user=staff, actor=Actor.of(staff), text="too early")
    session.rollback()
    assert session.exec(select(Response)).all() == []
    assert _events(session, AuditAction.RESPONSE_SAVED, complaint.reference) == []


def test_staff_close_an_answered_complaint_with_its_closure(session: Session) -> None:
    provider = make_provider(session)
    staff = make_user(session, "staff@example.org", "staff")
    complaint = make_routed(session, provider)
    save_response(session, complaint=complaint, user=staff, actor=Actor.of(staff), text="Done.")
    session.commit()
    with pytest.raises(Invalid, match="closure must be one of"):
        close_complaint(session, complaint=complaint, closure="solved", actor=Actor.of(staff))
    session.rollback()
    close_complaint(session, complaint=complaint, closure="not_responsible", actor=Actor.of(staff), reason="wrong soum")
    session.commit()
    session.refresh(complaint)
    assert (complaint.status, complaint.closure, complaint.status_reason) == ("closed", "not_responsible", "wrong soum")
    assert [e.after for e in _events(session, AuditAction.COMPLAINT_CLOSED, complaint.reference)] == ["not_responsible"]
    with pytest.raises(Conflict):  # closed is not answerable: reopen it first
        save_response(session, complaint=complaint, user=staff, actor=Actor.of(staff), text="late")


@pytest.mark.parametrize("extension", sorted(UPLOAD_FORMATS))
def test_every_common_upload_format_becomes_telephone_wav(audio_dir: Path, extension: str) -> None:
    source = spoken_answer(audio_dir, extension)
    audio = normalise_answer_audio(source)
    out = audio_dir / f"normalised-{extension}.wav"
    out.write_bytes(audio.wav)
    info = probe_audio(out)
    assert (info.format_name, info.codec, info.sample_rate, info.channels) == ("wav", "pcm_s16le", SAMPLE_RATE, 1)
    assert 2.0 < audio.duration_seconds < 10.0
    assert info.duration_seconds == pytest.approx(audio.duration_seconds, abs=0.05)
    assert audio.uploaded.format_name != "unknown"


def test_broken_empty_and_overlong_uploads_are_refused(audio_dir: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"ID3" + b"\x00not really an mp3" * 50)
    with pytest.raises(AudioRejected, match="not audio"):
        normalise_answer_audio(junk)
    empty = tmp_path / "empty.ogg"
    empty.write_bytes(b"")
    with pytest.raises(AudioRejected, match="empty"):
        normalise_answer_audio(empty)
    truncated = tmp_path / "truncated.m4a"
    truncated.write_bytes(spoken_answer(audio_dir, "m4a").read_bytes()[:600])
    with pytest.raises(AudioRejected):
        normalise_answer_audio(truncated)
    with pytest.raises(AudioRejected, match="at most 2 s"):
        normalise_answer_audio(spoken_answer(audio_dir, "mp3"), max_seconds=2)


def test_a_picture_is_not_an_answer(tmp_path: Path) -> None:
    picture = tmp_path / "photo.png"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=red:s=8x8", "-frames:v", "1", str(picture)], check=True
    )
    with pytest.raises(AudioRejected, match="no audio stream"):
        normalise_answer_audio(picture)
