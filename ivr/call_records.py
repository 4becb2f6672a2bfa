"""Service functions that record what happened in a call. Every one is safe to replay.

Twilio retries webhooks and may deliver the recording callback before or after the <Record>
action; unique keys on Twilio's SIDs plus insert-or-read make any order converge on one row.
None of them commits: a webhook step is one unit of work, committed once by the edge, so a
failure half-way leaves nothing behind. Races on an insert are settled by `INSERT … ON CONFLICT
DO NOTHING` and a read of the row the other request made, with no savepoint round trips.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import ReturningInsert
from sqlmodel import Session, select

from hotline.db import insert_unless_exists
from hotline.models import Call, CallOutcome, Complaint, Recording, RecordingStatus, utcnow
from hotline.models.common import saved_id
from hotline.privacy import PhoneNumberProtector, mask_number
from hotline.references import issue_reference

# Twilio's final call statuses; anything else means the call is still going.
FINAL_CALL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
CALL_STATUSES = FINAL_CALL_STATUSES | {"queued", "initiated", "ringing", "in-progress"}


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


_COMPLAINTS: Table = Complaint.__table__  # type: ignore[attr-defined]
_RECORDINGS: Table = Recording.__table__  # type: ignore[attr-defined]
_COMPLAINT_OF_CALL = select(_COMPLAINTS.c.id, _COMPLAINTS.c.reference).where(
    _COMPLAINTS.c.call_id == bindparam("call_id")
)
_RECORDING_FIELDS = ("id", "complaint_id", "status", "source_url", "reported_duration_seconds")
_RECORDING_BY_SID = select(*(_RECORDINGS.c[name] for name in _RECORDING_FIELDS)).where(
    _RECORDINGS.c.twilio_recording_sid == bindparam("sid")
)


@dataclass(frozen=True)
class CallComplaint:
    """The call's one complaint, as the call flow needs it: to read its reference back to the caller."""

    id: int
    reference: str


def has_complaint(connection: Connection, call: CallRecord) -> bool:
    """Whether the call left a complaint, without loading it (the call-status callback asks at every hang-up)."""
    return complaint_of_call(connection, call) is not None


def complaint_of_call(connection: Connection, call: CallRecord) -> CallComplaint | None:
    row = connection.execute(_COMPLAINT_OF_CALL, {"call_id": call.id}).first()
    return CallComplaint(id=row.id, reference=row.reference) if row is not None else None


@cache
def _insert_complaint(dialect: str) -> ReturningInsert[Any]:
    # Either unique key may be taken: the call's (another webhook of this call made the complaint) or the
    # reference (a concurrent call drew the same number after our look-up). Both are settled by the caller.
    return insert_unless_exists(dialect, _COMPLAINTS, unique=None).returning(_COMPLAINTS.c.id)


@cache
def _insert_recording(dialect: str) -> ReturningInsert[Any]:
    return insert_unless_exists(dialect, _RECORDINGS, unique="twilio_recording_sid").returning(_RECORDINGS.c.id)


def attach_recording(
    session: Session, *, call: CallRecord, recording_sid: str, recording_url: str, reported_duration: int | None
) -> CallComplaint:
    """The caller's message exists: make (or find) the call's one complaint and the recording row.

    Plain `INSERT … ON CONFLICT DO NOTHING` and look-ups on the step's connection, no ORM objects: this
    step did six times the work of a menu step, most of it loading and flushing rows through the ORM. The
    session is used only to issue a new reference (hotline.references reads through one).
    """
    connection = session.connection()
    complaint = complaint_of_call(connection, call) or _new_complaint(session, connection, call)
    _attach(connection, call, complaint, recording_sid, recording_url, reported_duration)
    if call.outcome != CallOutcome.REPORTED:
        update_call(connection, call, outcome=CallOutcome.REPORTED)
    return complaint


def _new_complaint(session: Session, connection: Connection, call: CallRecord, *, tries: int = 5) -> CallComplaint:
    values = {
        "call_id": saved_id(call),
        "language": call.language or "",
        "sector": call.sector,
        "area": call.area,
        "broadcast_consent": bool(call.broadcast_consent),
    }
    for _ in range(tries):
        reference = issue_reference(session)
        new_id = connection.execute(_insert_complaint(connection.dialect.name), {**values, "reference": reference})
        if (complaint_id := new_id.scalar()) is not None:
            return CallComplaint(id=complaint_id, reference=reference)
        if (existing := complaint_of_call(connection, call)) is not None:
            return existing  # another webhook of this call made it first
        # Otherwise a concurrent call took this reference since the look-up: draw again.
    raise RuntimeError(f"could not insert or find the complaint of call {call.twilio_call_sid} after {tries} tries")


def _attach(
    connection: Connection,
    call: CallRecord,
    complaint: CallComplaint,
    recording_sid: str,
    recording_url: str,
    reported_duration: int | None,
) -> None:
    """The recording row, made with the complaint, or (made earlier by another callback) completed."""
    values = {
        "twilio_recording_sid": recording_sid,
        "call_id": saved_id(call),
        "complaint_id": complaint.id,
        "source_url": recording_url,
        "reported_duration_seconds": reported_duration,
    }
    if connection.execute(_insert_recording(connection.dialect.name), values).scalar() is not None:
        return
    existing = connection.execute(_RECORDING_BY_SID, {"sid": recording_sid}).one()
    changes: dict[str, object] = {}
    if existing.complaint_id is None or existing.status == RecordingStatus.ABSENT:
        # An "absent" report followed by real audio: trust the audio.
        changes["complaint_id"] = complaint.id
        if existing.status == RecordingStatus.ABSENT:
            changes["status"] = RecordingStatus.PENDING
    if recording_url and not existing.source_url:
        changes["source_url"] = recording_url
    if reported_duration and not existing.reported_duration_seconds:
        changes["reported_duration_seconds"] = reported_duration
    if changes:
        connection.execute(
            update(_RECORDINGS).where(_RECORDINGS.c.id == existing.id).values(**changes, updated_at=utcnow())
        )


def note_absent_recording(connection: Connection, *, call: CallRecord, recording_sid: str | None) -> None:
    """Twilio heard nothing: keep a trace on the call (and the SID) but never an empty complaint."""
    if has_complaint(connection, call):
        return  # a real recording already made the complaint; a stray "absent" changes nothing
    if recording_sid:
        values = {
            "twilio_recording_sid": recording_sid,
            "call_id": saved_id(call),
            "status": RecordingStatus.ABSENT,
            "last_error": "Twilio reported the recording as absent (no audio)",
        }
        connection.execute(_insert_recording(connection.dialect.name), values)  # an earlier row is left as it is
    update_call(connection, call, outcome=CallOutcome.NO_RECORDING)


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
