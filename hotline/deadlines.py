"""The daily deadline pass: remind providers a few days before a complaint's deadline, flag what is overdue.

Driven by the `now` it is given, so a test (or an operator replaying a missed day) controls the clock. It is
idempotent: a reminder or overdue notice exists at most once per complaint, provider and deadline (the
outbox's unique key), and a complaint is flagged overdue once (the update is conditional on the flag being
unset). Only complaints still waiting for an answer (status `routed`) are concerned; re-routing sets a new
deadline, so the new provider gets its own reminder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, update
from sqlmodel import Session, col, select

from hotline.models import Complaint, ComplaintStatus
from hotline.models.common import ensure_aware, saved_id
from hotline.notices import NoticeKind
from hotline.places import PlaceDirectory
from hotline.providers import ProviderView, list_providers
from hotline.routing import queue_notice
from hotline.settings import Settings

BATCH = 1000


@dataclass
class DeadlineReport:
    reminders: list[str] = field(default_factory=list)  # references reminded this pass
    overdue: list[str] = field(default_factory=list)  # references flagged this pass
    notice_ids: list[int] = field(default_factory=list)  # new notices to hand to the queue after commit

    def summary(self) -> str:
        return f"{len(self.reminders)} reminders, {len(self.overdue)} newly overdue"


def waiting_for_provider() -> ColumnElement[bool]:
    """Routed to a provider and not yet answered: the only complaints a deadline concerns."""
    return and_(col(Complaint.status) == ComplaintStatus.ROUTED, col(Complaint.provider_id).is_not(None))


def overdue_by(now: datetime) -> ColumnElement[bool]:
    """Overdue at `now`: still waiting for the provider with its deadline passed (what this pass flags, and
    what the dashboard counts live, whether or not today's pass has run yet)."""
    return and_(waiting_for_provider(), col(Complaint.response_deadline_at) <= now)


def sweep_deadlines(session: Session, *, now: datetime, settings: Settings, places: PlaceDirectory) -> DeadlineReport:
    """Queue due reminders and flag overdue complaints (no commit: the caller commits, then enqueues the notices)."""
    report = DeadlineReport()
    remind_from = now + timedelta(days=settings.REMINDER_DAYS_BEFORE)
    due = list(
        session.exec(  # served by ix_complaint_deadline
            select(Complaint)
            .where(waiting_for_provider())
            .where(col(Complaint.response_deadline_at) <= remind_from, col(Complaint.overdue_at).is_(None))
            .order_by(col(Complaint.response_deadline_at))
            .limit(BATCH)
        )
    )
    providers = {p.id: p for p in list_providers(session, ids=sorted({c.provider_id for c in due if c.provider_id}))}
    for complaint in due:
        provider = providers.get(complaint.provider_id or 0)
        deadline = ensure_aware(complaint.response_deadline_at)
        if provider is None or deadline is None:
            continue
        if deadline > now:
            if _routed_before_the_reminder_window(complaint, deadline, settings):
                _notify(session, NoticeKind.REMINDER, complaint, provider, deadline, settings, places, report)
        elif complaint.overdue_at is None:
            _flag_overdue(session, complaint, provider, deadline, now, settings, places, report)
    session.flush()
    return report


def _routed_before_the_reminder_window(complaint: Complaint, deadline: datetime, settings: Settings) -> bool:
    """A complaint routed with only a few days to answer got its routing notice just now: no reminder on top."""
    routed_at = ensure_aware(complaint.routed_at)
    return routed_at is None or routed_at < deadline - timedelta(days=settings.REMINDER_DAYS_BEFORE)


def _flag_overdue(
    session: Session,
    complaint: Complaint,
    provider: ProviderView,
    deadline: datetime,
    now: datetime,
    settings: Settings,
    places: PlaceDirectory,
    report: DeadlineReport,
) -> None:
    flagged = session.exec(
        update(Complaint)
        .where(col(Complaint.id) == saved_id(complaint), col(Complaint.overdue_at).is_(None))
        .where(col(Complaint.status) == ComplaintStatus.ROUTED)
        .values(overdue_at=now)
    ).rowcount
    if flagged:
        report.overdue.append(complaint.reference)
        _notify(session, NoticeKind.OVERDUE, complaint, provider, deadline, settings, places, report)


def _notify(
    session: Session,
    kind: NoticeKind,
    complaint: Complaint,
    provider: ProviderView,
    deadline: datetime,
    settings: Settings,
    places: PlaceDirectory,
    report: DeadlineReport,
) -> None:
    notice_id = queue_notice(session, kind=kind, complaint=complaint, provider=provider, deadline_at=deadline,
                             settings=settings, places=places)  # fmt: skip
    if notice_id is not None:
        report.notice_ids.append(notice_id)
        if kind is NoticeKind.REMINDER:
            report.reminders.append(complaint.reference)
