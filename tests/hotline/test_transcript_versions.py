"""Transcript versions: appended by staff, never over a newer one, version 1 untouched, every save audited."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hotline.audit import Actor
from hotline.db import write_session
from hotline.models import AuditEvent, Complaint, ComplaintStatus, Transcript
from hotline.models.common import ensure_aware
from hotline.review_errors import Conflict, Invalid
from hotline.transcript_versions import (
    MAX_TRANSCRIPT_CHARS,
    OutdatedVersion,
    confirm,
    list_versions,
    save_version,
)
from tests.factories import make_complaint, make_transcript
from tests.hotline.review_helpers import audit_actions, reviewer


def _versions(session: Session, complaint: Complaint) -> list[tuple[int, str, str]]:
    session.expire_all()
    rows = session.exec(
        select(Transcript).where(Transcript.complaint_id == complaint.id).order_by(col(Transcript.version))
    )
    return [(t.version, t.source, t.text) for t in rows]


def test_a_save_appends_a_staff_version_that_becomes_current_and_is_audited(session: Session) -> None:
    user, actor = reviewer(session)
    complaint = make_complaint(session, status=ComplaintStatus.TRANSCRIBED)
    machine = make_transcript(session, complaint)

    saved = save_version(
        session, complaint=complaint, text="  эмнэлэгт эмч байхгүй \r\n", based_on_version=1, actor=actor
    )
    session.commit()

    assert saved.version == 2 and saved.author_id == user.id
    assert _versions(session, complaint) == [(1, "machine", machine.text), (2, "staff", "эмнэлэгт эмч байхгүй")]
    stored = session.get(Complaint, complaint.id)
    assert stored is not None and stored.transcript_version == 2 and stored.reviewed
    assert stored.transcript_text == "эмнэлэгт эмч байхгүй" and stored.machine_confidence == 0.84
    event = session.exec(select(AuditEvent)).one()
    assert (event.action, event.object_id, event.actor) == ("transcript_saved", complaint.reference, user.email)
    assert event.before == "version 1: 3 words" and event.after == "version 2: 3 words (1 removed, 1 added)"


def test_a_save_based_on_an_outdated_version_is_refused_and_writes_nothing(session: Session, engine: Engine) -> None:
    _, first = reviewer(session, email="first@example.org")
    _, second = reviewer(session, email="second@example.org")
    complaint = make_complaint(session, status=ComplaintStatus.IN_REVIEW)
    make_transcript(session, complaint)
    with Session(engine, expire_on_commit=False) as other:
        theirs = other.get(Complaint, complaint.id)
        assert theirs is not None
        save_version(other, complaint=theirs, text="their words", based_on_version=1, actor=first)
        other.commit()

    with pytest.raises(OutdatedVersion) as refused:
        save_version(session, complaint=complaint, text="my words", based_on_version=1, actor=second)
    session.rollback()
    assert refused.value.current == 2 and "version 2" in refused.value.message
    assert _versions(session, complaint)[1:] == [(2, "staff", "their words")]
    assert audit_actions(session) == ["transcript_saved"]  # theirs only


def test_version_one_is_never_changed_by_saves_or_confirmations(session: Session) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, status=ComplaintStatus.TRANSCRIBED)
    machine = make_transcript(session, complaint)
    before = (machine.text, machine.words, machine.mean_confidence, ensure_aware(machine.created_at))
    save_version(session, complaint=complaint, text="one", based_on_version=1, actor=actor)
    confirm(session, complaint=complaint, based_on_version=2, actor=actor)
    save_version(session, complaint=complaint, text="", based_on_version=3, actor=actor)
    session.commit()
    session.expire_all()
    first = session.exec(
        select(Transcript).where(Transcript.complaint_id == complaint.id, Transcript.version == 1)
    ).one()
    assert (first.text, first.words, first.mean_confidence, ensure_aware(first.created_at)) == before
    assert _versions(session, complaint)[1:] == [(2, "staff", "one"), (3, "staff", "one"), (4, "staff", "")]


def test_manual_transcription_starts_at_version_one_by_staff(session: Session) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, status=ComplaintStatus.NEEDS_MANUAL_TRANSCRIPTION)
    with pytest.raises(Invalid, match="no transcript to confirm"):
        confirm(session, complaint=complaint, based_on_version=0, actor=actor)
    save_version(session, complaint=complaint, text="Ховд аймагт зам эвдэрсэн", based_on_version=0, actor=actor)
    session.commit()
    versions = list_versions(session, complaint_id=complaint.id or 0)
    assert [(v.version, v.source, v.author, v.diff, v.words) for v in versions] == [
        (1, "staff", "staff@example.org", None, None)
    ]


def test_list_versions_carries_words_for_the_machine_and_diffs_for_the_rest(session: Session) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, status=ComplaintStatus.TRANSCRIBED)
    make_transcript(session, complaint)
    save_version(session, complaint=complaint, text="эмнэлэгт эмч байхгүй", based_on_version=1, actor=actor)
    session.commit()
    machine, staff = list_versions(session, complaint_id=complaint.id or 0)
    assert (
        machine.words
        and machine.words[0]["start"] == 0.4
        and machine.mean_confidence == 0.84
        and machine.author is None
    )
    assert staff.words is None and staff.diff is not None
    assert [(p.op, p.words) for p in staff.diff if p.op != "equal"] == [("delete", ["эм"]), ("insert", ["эмч"])]


@pytest.mark.parametrize("status", [ComplaintStatus.RECEIVED, ComplaintStatus.TRANSCRIBING])
def test_no_save_while_the_machine_may_still_write_version_one(session: Session, status: ComplaintStatus) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, status=status)
    with pytest.raises(Conflict, match="still being transcribed"):
        save_version(session, complaint=complaint, text="too early", based_on_version=0, actor=actor)
    session.rollback()
    assert _versions(session, complaint) == [] and audit_actions(session) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [("x" * (MAX_TRANSCRIPT_CHARS + 1), "at most 20,000"), ("bad\x00byte", "control"), ("bell\x07", "control")],
)
def test_bad_texts_are_refused(session: Session, text: str, message: str) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, status=ComplaintStatus.IN_REVIEW)
    with pytest.raises(Invalid, match=message):
        save_version(session, complaint=complaint, text=text, based_on_version=0, actor=actor)


def test_text_is_stored_in_nfc(session: Session) -> None:
    _, actor = reviewer(session)
    complaint = make_complaint(session, status=ComplaintStatus.IN_REVIEW)
    decomposed = "Ховд аймаг и\u0306"  # и + combining breve = й
    saved = save_version(session, complaint=complaint, text=decomposed, based_on_version=0, actor=actor)
    assert saved.text == "Ховд аймаг й"


def test_two_reviewers_saving_at_the_same_moment_get_one_version_and_one_refusal(
    session: Session, engine: Engine
) -> None:
    _, first = reviewer(session, email="first@example.org")
    _, second = reviewer(session, email="second@example.org")
    complaint = make_complaint(session, status=ComplaintStatus.IN_REVIEW)
    make_transcript(session, complaint)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(actor: Actor) -> None:
        start.wait(timeout=30)  # both ask at once; SQLite's writer lock then orders them, PostgreSQL's row lock too
        with write_session(engine) as own:
            mine = own.get(Complaint, complaint.id)
            assert mine is not None
            try:
                save_version(own, complaint=mine, text=f"by {actor.label}", based_on_version=1, actor=actor)
                own.commit()
                outcomes[actor.label] = "saved"
            except OutdatedVersion:
                own.rollback()
                outcomes[actor.label] = "refused"

    threads = [threading.Thread(target=save, args=(actor,)) for actor in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(label for label, outcome in outcomes.items() if outcome == "saved")
    assert _versions(session, complaint)[1:] == [(2, "staff", f"by {winner}")]
    assert audit_actions(session) == ["transcript_saved"]
