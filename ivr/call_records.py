"""Service functions that record what happened in a call. Every one is safe to replay.

Twilio retries webhooks and may deliver the recording callback before or after the <Record>
action; unique keys on Twilio's SIDs plus insert-or-read make any order converge on one row.
None of them commits: a webhook step is one unit of work, committed once by the edge, so a
failure half-way leaves nothing behind. Races on an insert are settled inside a savepoint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Table, bindparam, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel import Session, SQLModel, select

from hotline.db import insert_unless_exists
from hotline.models import Call, CallOutcome, Complaint, Recording, RecordingStatus, utcnow
from hotline.models.common import saved_id
from hotline.privacy import PhoneNumberProtector, mask_number
from hotline.recording_queries import find_recording
from hotline.references import issue_reference

T = TypeVar("T", bound=SQLModel)

# Twilio's final call statuses; anything else means the call is still going.
FINAL_CALL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
CALL_STATUSES = FINAL_CALL_STATUSES | {"queued", "initiated", "ringing", "in-progress"}


def insert_or_get(session: Session, make: Callable[[], T], find: Callable[[], T | None], *, tries: int = 5) -> T:
    """Insert a row unless a concurrent or earlier request already did; return the row either way.

    The insert runs in a savepoint, so losing a race (or drawing a taken reference) undoes only that
    insert, never the rest of the unit of work.
    """
    for _ in range(tries):
        existing = find()
        if existing is not None:
            return existing
        row = make()
        try:
            with session.begin_nested():
                session.add(row)
            return row
        except IntegrityError:
            continue
    existing = find()
    if existing is None:
        raise RuntimeError("could not insert or find the row after several tries")
    return existing


@dataclass(frozen=True)
class CallRecord:
    """What the call flow knows of a call. Read and written with plain SQL statements rather than ORM objects:
    every webhook step does this, and the ORM's bookkeeping cost more than the database work itself."""

    id: int
    twilio_call_sid: str
    called_number: str
    language: str | None
    sector: str | None
    area: str | None
    broadcast_consent: bool | None
    outcome: str
    ended_at: datetime | None


# Statements on the table itself, not the mapped class: the ORM would otherwise take its bulk-persistence path.
_CALLS: Table = Call.__table__  # type: ignore[attr-defined]
_COLUMNS = tuple(_CALLS.c[f.name] for f in fields(CallRecord))
_SELECT_CALL = select(*_COLUMNS).where(_CALLS.c.twilio_call_sid == bindparam("sid"))


@cache
def _insert_call(dialect: str) -> ReturningInsert[Any]:
    return insert_unless_exists(dialect, _CALLS, unique="twilio_call_sid").returning(_CALLS.c.id)


def get_or_create_call(
    connection: Connection,
    *,
    call_sid: str,
    from_number: str,
    to_number: str,
    protector: PhoneNumberProtector,
    expect_new: bool = False,
) -> CallRecord:
    """The call's row, made on first sight. Every step calls this; only the first (`expect_new`) usually inserts.

    The insert is one `INSERT … ON CONFLICT DO NOTHING RETURNING id` statement: a retried or concurrent
    webhook for the same CallSid finds the row instead of failing, without a savepoint round trip. Only the
    id comes back (the rest is what we just wrote): describing returned columns cost the drivers more.
    """
    if not expect_new and (existing := find_call(connection, call_sid=call_sid)) is not None:
        return existing
    now = utcnow()
    values = {
        "twilio_call_sid": call_sid,
        "caller_number_encrypted": protector.encrypt(from_number) if from_number else "",
        "caller_hash": protector.lookup_hash(from_number) if from_number else "",
        "caller_masked": mask_number(from_number),
        "called_number": to_number,
        "twilio_status": "in-progress",
        "outcome": CallOutcome.IN_MENU,
        "created_at": now,
        "updated_at": now,
    }
    new_id = connection.execute(_insert_call(connection.dialect.name), values).scalar()
    if new_id is not None:
        return CallRecord(
            id=new_id,
            twilio_call_sid=call_sid,
            called_number=to_number,
            language=None,
            sector=None,
            area=None,
            broadcast_consent=None,
            outcome=CallOutcome.IN_MENU,
            ended_at=None,
        )
    found = find_call(connection, call_sid=call_sid)
    if found is None:  # the conflicting row vanished between the two statements: nothing deletes calls
        raise RuntimeError(f"call {call_sid} neither inserted nor found")
    return found


def find_call(connection: Connection, *, call_sid: str) -> CallRecord | None:
    row = connection.execute(_SELECT_CALL, {"sid": call_sid}).first()
    return CallRecord(**row._mapping) if row is not None else None


def update_call(connection: Connection, call: CallRecord, **changes: Any) -> CallRecord:
    """Write the changed fields (one UPDATE) and return the call as it now is."""
    connection.execute(update(_CALLS).where(_CALLS.c.id == call.id).values(**changes, updated_at=utcnow()))
    known = {name: value for name, value in changes.items() if name in _FIELD_NAMES}
    return replace(call, **known)


_FIELD_NAMES = frozenset(f.name for f in fields(CallRecord))


def complaint_for_call(session: Session, call: CallRecord) -> Complaint | None:
    return session.exec(select(Complaint).where(Complaint.call_id == call.id)).first()


_COMPLAINTS: Table = Complaint.__table__  # type: ignore[attr-defined]
_CALL_HAS_COMPLAINT = select(_COMPLAINTS.c.id).where(_COMPLAINTS.c.call_id == bindparam("call_id")).limit(1)


def has_complaint(connection: Connection, call: CallRecord) -> bool:
    """Whether the call left a complaint, without loading it (the call-status callback asks at every hang-up)."""
    return connection.execute(_CALL_HAS_COMPLAINT, {"call_id": call.id}).first() is not None


def attach_recording(
    session: Session, *, call: CallRecord, recording_sid: str, recording_url: str, reported_duration: int | None
) -> tuple[Complaint, Recording]:
    """The caller's message exists: make (or find) the call's one complaint and the recording row."""
    call_id = saved_id(call)

    def make_complaint() -> Complaint:
        return Complaint(
            reference=issue_reference(session),
            call_id=call_id,
            language=call.language or "",
            sector=call.sector,
            area=call.area,
            broadcast_consent=bool(call.broadcast_consent),
        )

    complaint = insert_or_get(session, make_complaint, lambda: complaint_for_call(session, call))

    def make_recording() -> Recording:
        return Recording(
            twilio_recording_sid=recording_sid,
            call_id=call_id,
            complaint_id=complaint.id,
            source_url=recording_url,
            reported_duration_seconds=reported_duration,
        )

    recording = insert_or_get(session, make_recording, lambda: find_recording(session, recording_sid=recording_sid))
    changed = False
    if recording.complaint_id is None or recording.status == RecordingStatus.ABSENT:
        # An "absent" report followed by real audio: trust the audio.
        recording.complaint_id = complaint.id
        recording.status = RecordingStatus.PENDING if recording.status == RecordingStatus.ABSENT else recording.status
        changed = True
    if recording_url and not recording.source_url:
        recording.source_url, changed = recording_url, True
    if reported_duration and not recording.reported_duration_seconds:
        recording.reported_duration_seconds, changed = reported_duration, True
    if changed:
        recording.updated_at = utcnow()
        session.add(recording)
    if call.outcome != CallOutcome.REPORTED:
        update_call(session.connection(), call, outcome=CallOutcome.REPORTED)
    return complaint, recording


def note_absent_recording(session: Session, *, call: CallRecord, recording_sid: str | None) -> None:
    """Twilio heard nothing: keep a trace on the call (and the SID) but never an empty complaint."""
    call_id = saved_id(call)
    if complaint_for_call(session, call) is not None:
        return  # a real recording already made the complaint; a stray "absent" changes nothing
    if recording_sid:
        insert_or_get(
            session,
            lambda: Recording(
                twilio_recording_sid=recording_sid,
                call_id=call_id,
                status=RecordingStatus.ABSENT,
                last_error="Twilio reported the recording as absent (no audio)",
            ),
            lambda: find_recording(session, recording_sid=recording_sid),
        )
    update_call(session.connection(), call, outcome=CallOutcome.NO_RECORDING)


def record_call_status(connection: Connection, *, call: CallRecord, status: str, duration: int | None) -> CallRecord:
    changes: dict[str, object] = {"twilio_status": status if status in CALL_STATUSES else "unknown"}
    if status in FINAL_CALL_STATUSES:
        changes["ended_at"] = call.ended_at or utcnow()
        if duration is not None:
            changes["duration_seconds"] = duration
        if call.outcome in (CallOutcome.IN_MENU, CallOutcome.RECORDING) and not has_complaint(connection, call):
            changes["outcome"] = CallOutcome.HUNG_UP
    return update_call(connection, call, **changes)


def find_complaint(session: Session, *, reference: str) -> Complaint | None:
    return session.exec(select(Complaint).where(Complaint.reference == reference)).first()
