"""The status line's look-ups: what a caller may hear about a reference, and how many they may try.

References are 9 random digits, but a phone and patience could still walk them; so every reference typed
is counted against the caller's keyed number hash (never the number), and past the day's limit the
line answers nothing at all. The limit is per caller over the last 24 hours, across calls.

Twilio retries a webhook it did not hear back from. A status-check step is one menu attempt of one call,
so a look-up already recorded for that call and attempt is the same look-up again: it is neither counted
twice nor refused by the limit it itself reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Connection

from hotline.models import Complaint, Response, StatusLookup, utcnow

LOOKUP_WINDOW = timedelta(days=1)

_LOOKUPS: Table = StatusLookup.__table__  # type: ignore[attr-defined]
_COMPLAINTS: Table = Complaint.__table__  # type: ignore[attr-defined]
_RESPONSES: Table = Response.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SpokenAnswer:
    """A provider's newest response, as the phone plays it: recorded audio when there is some, else text."""

    response_id: int
    text: str
    audio_key: str | None


@dataclass(frozen=True)
class StatusAnswer:
    """What the status line tells a caller about one complaint."""

    complaint_id: int
    reference: str
    status: str
    answer: SpokenAnswer | None


@dataclass(frozen=True)
class LookupOutcome:
    """`limited`: the caller has used up the day's look-ups and nothing was looked up."""

    limited: bool
    found: StatusAnswer | None = None


def look_up(
    connection: Connection,
    *,
    caller_hash: str,
    call_sid: str,
    attempt: int,
    reference: str,
    limit: int,
    now: datetime | None = None,
) -> LookupOutcome:
    """Count the caller's look-ups, refuse past `limit`, else record this one and find the complaint."""
    now = now or utcnow()
    replayed = _recorded_in_call(connection, call_sid=call_sid) >= attempt
    if not replayed and lookups_since(connection, caller_hash=caller_hash, since=now - LOOKUP_WINDOW) >= limit:
        return LookupOutcome(limited=True)
    found = status_answer(connection, reference=reference) if reference else None
    if not replayed:
        connection.execute(
            insert(_LOOKUPS).values(
                caller_hash=caller_hash, twilio_call_sid=call_sid, found=found is not None, created_at=now
            )
        )
    return LookupOutcome(limited=False, found=found)


def lookups_since(connection: Connection, *, caller_hash: str, since: datetime) -> int:
    """How many references this caller typed since `since` (served by ix_statuslookup_caller_created)."""
    query = (
        select(func.count())
        .select_from(_LOOKUPS)
        .where(_LOOKUPS.c.caller_hash == caller_hash, _LOOKUPS.c.created_at >= since)
    )
    return int(connection.execute(query).scalar_one())


def _recorded_in_call(connection: Connection, *, call_sid: str) -> int:
    query = select(func.count()).select_from(_LOOKUPS).where(_LOOKUPS.c.twilio_call_sid == call_sid)
    return int(connection.execute(query).scalar_one())


def status_answer(connection: Connection, *, reference: str) -> StatusAnswer | None:
    """The complaint with this reference and its newest response, or None (not counted: see look_up)."""
    row = connection.execute(
        select(_COMPLAINTS.c.id, _COMPLAINTS.c.reference, _COMPLAINTS.c.status).where(
            _COMPLAINTS.c.reference == reference
        )
    ).first()
    if row is None:
        return None
    newest = connection.execute(
        select(_RESPONSES.c.id, _RESPONSES.c.text, _RESPONSES.c.audio_key)
        .where(_RESPONSES.c.complaint_id == row.id)
        .order_by(_RESPONSES.c.version.desc())
        .limit(1)
    ).first()
    answer = None
    if newest is not None and (newest.audio_key or newest.text.strip()):
        answer = SpokenAnswer(response_id=newest.id, text=newest.text.strip(), audio_key=newest.audio_key)
    return StatusAnswer(complaint_id=row.id, reference=row.reference, status=row.status, answer=answer)


def response_audio_key(connection: Connection, *, response_id: int) -> str | None:
    """Where a response's audio is stored, or None (no such response, or a text-only one)."""
    query = select(_RESPONSES.c.audio_key).where(_RESPONSES.c.id == response_id)
    return connection.execute(query).scalar_one_or_none()
