"""Callers' satisfaction with an answer, said on the keypad of the status line.

One answer per call and complaint (a unique key): a caller who presses again, or a Twilio retry, changes
nothing, while a later call may say something different. Staff and the dashboard read the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, case, func, select
from sqlalchemy.engine import Connection

from hotline.db import insert_unless_exists
from hotline.models import Complaint, Feedback, utcnow

_FEEDBACK: Table = Feedback.__table__  # type: ignore[attr-defined]
_COMPLAINTS: Table = Complaint.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Satisfaction:
    satisfied: int
    not_satisfied: int


def record_feedback(connection: Connection, *, complaint_id: int, call_sid: str, satisfied: bool) -> bool:
    """Store the caller's answer; False when this call had already given one (the first one stands)."""
    statement = insert_unless_exists(connection.dialect.name, _FEEDBACK, unique=None)
    values = {"complaint_id": complaint_id, "twilio_call_sid": call_sid, "satisfied": satisfied, "created_at": utcnow()}
    return bool(connection.execute(statement, values).rowcount)


def satisfaction_by_provider(
    connection: Connection, *, complaints_where: Sequence[ColumnElement[bool]] = ()
) -> dict[int, Satisfaction]:
    """Provider id → how many callers said they were satisfied or not with its complaints' answers; the
    dashboard narrows the complaints counted (`complaints_where`, conditions on the complaint table)."""
    satisfied = func.sum(case((_FEEDBACK.c.satisfied, 1), else_=0))
    unsatisfied = func.sum(case((_FEEDBACK.c.satisfied, 0), else_=1))
    query = (
        select(_COMPLAINTS.c.provider_id, satisfied, unsatisfied)
        .join(_COMPLAINTS, _COMPLAINTS.c.id == _FEEDBACK.c.complaint_id)
        .where(_COMPLAINTS.c.provider_id.is_not(None), *complaints_where)
        .group_by(_COMPLAINTS.c.provider_id)
    )
    return {row[0]: Satisfaction(int(row[1]), int(row[2])) for row in connection.execute(query)}


def feedback_of_complaint(connection: Connection, *, complaint_id: int) -> Satisfaction:
    """A complaint's callers' answers, for the staff view."""
    query = select(_FEEDBACK.c.satisfied, func.count()).where(_FEEDBACK.c.complaint_id == complaint_id)
    counts: dict[bool, int] = {
        bool(row[0]): int(row[1]) for row in connection.execute(query.group_by(_FEEDBACK.c.satisfied))
    }
    return Satisfaction(satisfied=counts.get(True, 0), not_satisfied=counts.get(False, 0))
