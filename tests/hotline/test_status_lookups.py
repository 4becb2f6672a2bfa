"""The status line's look-up limit and answer, on the real database (hotline.status_lookups)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hotline.models import StatusLookup, utcnow
from hotline.settings import Settings
from hotline.status_lookups import LOOKUP_WINDOW, look_up, lookups_since
from tests.answer_factories import make_response
from tests.answers import make_provider, make_routed
from tests.factories import make_complaint

CALLER = "a" * 64


def _look_up(engine: Engine, reference: str, *, call_sid: str = "CA1", attempt: int = 1, limit: int = 3, **kw):  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        return look_up(
            connection, caller_hash=CALLER, call_sid=call_sid, attempt=attempt, reference=reference, limit=limit, **kw
        )


def test_each_reference_typed_counts_found_or_not(engine: Engine, session: Session) -> None:
    complaint = make_complaint(session)
    assert _look_up(engine, "").found is None
    found = _look_up(engine, complaint.reference, attempt=2).found
    assert found is not None and found.reference == complaint.reference and found.answer is None
    rows = session.exec(select(StatusLookup).order_by(StatusLookup.id)).all()
    assert [row.found for row in rows] == [False, True] and {row.caller_hash for row in rows} == {CALLER}


def test_the_limit_counts_the_last_day_across_calls(engine: Engine, session: Session) -> None:
    complaint = make_complaint(session)
    old = utcnow() - LOOKUP_WINDOW - timedelta(minutes=1)
    session.add(StatusLookup(caller_hash=CALLER, twilio_call_sid="CAold", found=False, created_at=old))
    session.commit()
    for n in range(3):
        assert not _look_up(engine, "", call_sid=f"CA{n}").limited
    refused = _look_up(engine, complaint.reference, call_sid="CAnext")
    assert refused.limited and refused.found is None
    with engine.connect() as connection:
        assert lookups_since(connection, caller_hash=CALLER, since=utcnow() - LOOKUP_WINDOW) == 3
        assert lookups_since(connection, caller_hash="b" * 64, since=utcnow() - LOOKUP_WINDOW) == 0
    assert not _look_up(engine, "", call_sid="CAlater", now=utcnow() + LOOKUP_WINDOW).limited


def test_a_replayed_step_is_neither_counted_again_nor_refused_by_its_own_count(
    engine: Engine, session: Session
) -> None:
    complaint = make_complaint(session)
    for attempt in (1, 2):
        assert not _look_up(engine, "", attempt=attempt, limit=2).limited
    again = _look_up(engine, complaint.reference, attempt=2, limit=2)  # Twilio retried attempt 2
    assert not again.limited and again.found is not None
    assert len(session.exec(select(StatusLookup)).all()) == 2


def test_the_newest_response_is_the_answer(engine: Engine, session: Session, settings: Settings) -> None:
    complaint = make_routed(session, make_provider(session))
    make_response(session, complaint, settings=settings, text="first answer", version=1)
    newest = make_response(session, complaint, settings=settings, text="  corrected answer ", version=2)
    found = _look_up(engine, complaint.reference).found
    assert found is not None and found.status == "answered" and found.answer is not None
    assert (found.answer.response_id, found.answer.text, found.answer.audio_key) == (
        newest.id,
        "corrected answer",
        None,
    )


def test_an_empty_response_is_no_answer(engine: Engine, session: Session, settings: Settings) -> None:
    complaint = make_routed(session, make_provider(session))
    make_response(session, complaint, settings=settings, text="   ")
    found = _look_up(engine, complaint.reference).found
    assert found is not None and found.answer is None
