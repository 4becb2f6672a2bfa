"""Send a complaint to a provider: status `routed`, a response deadline, and the provider's notice queued.

All of it is one unit of work in the caller's session: the lifecycle move (hotline.lifecycle, with its
history row and audit event), the provider and deadline on the complaint, the routing audit event and the
notice row in the outbox. The caller commits, then hands the notice id to the queue; should that hand-over
be lost, the sweeper finds the pending notice. A complaint already routed may be routed again (another
provider, a new deadline) without a status move: its earlier notices stay on record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col

from hotline.audit import Actor, AuditAction, record
from hotline.db import insert_unless_exists
from hotline.lifecycle import change_status
from hotline.models import Complaint, ComplaintStatus, utcnow
from hotline.models.answers import Notice
from hotline.models.common import ensure_aware, saved_id
from hotline.notice_outbox import NoticeView, notices_of
from hotline.notices import NoticeKind, NoticeStatus, compose_notice
from hotline.places import PlaceDirectory
from hotline.ports import JobDispatcher
from hotline.providers import ProviderView, find_provider
from hotline.review_errors import Conflict, Invalid
from hotline.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Routed:
    complaint: Complaint
    provider: ProviderView
    deadline_at: datetime
    notice_id: int | None  # None when an identical notice was already queued


def route_complaint(
    session: Session,
    *,
    complaint: Complaint,
    provider_id: int,
    actor: Actor,
    settings: Settings,
    places: PlaceDirectory,
    deadline: date | None = None,
    now: datetime | None = None,
) -> Routed:
    """Route to an active provider; `deadline` is a local date (answer by the end of it), else the default."""
    now = now or utcnow()
    provider = find_provider(session, provider_id=provider_id)
    if provider is None:
        raise Invalid(f"no provider with id {provider_id}")
    if not provider.active:
        raise Invalid(f"provider {provider_id} is deactivated; choose an active provider")
    deadline_at = _deadline_at(deadline, now=now, settings=settings)
    previous = complaint.provider_id
    if complaint.status == ComplaintStatus.ROUTED:
        _touch_routed(session, complaint)
    else:
        change_status(session, complaint=complaint, to=ComplaintStatus.ROUTED, actor=actor,
                      reason=f"routed to {provider.name('en')}")  # fmt: skip
    complaint = _reloaded(session, complaint)
    complaint.provider_id = provider.id
    complaint.routed_at = now
    complaint.response_deadline_at = deadline_at
    complaint.overdue_at = None
    complaint.updated_at = now
    session.add(complaint)
    record(session, actor, AuditAction.COMPLAINT_ROUTED, object_type="complaint", object_id=complaint.reference,
           before=f"provider {previous}" if previous else "",
           after=f"provider {provider.id} ({provider.name('en')}), deadline {deadline_at.isoformat()}")  # fmt: skip
    session.flush()
    notice_id = queue_notice(
        session,
        kind=NoticeKind.ROUTED,
        complaint=complaint,
        provider=provider,
        deadline_at=deadline_at,
        settings=settings,
        places=places,
    )
    return Routed(complaint=complaint, provider=provider, deadline_at=deadline_at, notice_id=notice_id)


def queue_notice(
    session: Session,
    *,
    kind: NoticeKind,
    complaint: Complaint,
    provider: ProviderView,
    deadline_at: datetime,
    settings: Settings,
    places: PlaceDirectory,
) -> int | None:
    """Add a pending notice unless one of this kind for this complaint, provider and deadline exists (then None):
    the outbox's unique key makes the daily job and a repeated routing safe to run twice, even at once."""
    composed = compose_notice(
        kind=kind,
        complaint=complaint,
        provider=provider,
        deadline_at=deadline_at,
        deployment=settings.deployment,
        places=places,
        base_url=settings.public_base_url,
    )
    table = Notice.__table__  # type: ignore[attr-defined]
    statement = insert_unless_exists(session.get_bind().dialect.name, table, unique=None)
    inserted = session.execute(
        statement.values(
            complaint_id=saved_id(complaint),
            provider_id=provider.id,
            kind=kind.value,
            deadline_at=deadline_at,
            recipient=provider.email,
            subject=composed.subject,
            body=composed.body,
            status=NoticeStatus.PENDING.value,
            attempts=0,
            last_error="",
            created_at=utcnow(),
        ).returning(table.c.id)
    ).scalar()
    return int(inserted) if inserted is not None else None


def hand_over_notice(jobs: JobDispatcher | None, notice_id: int) -> None:
    """After the commit: give the notice to the queue. Should that fail (Redis unreachable), the notice stays
    pending and the sweeper enqueues it on its next pass, so the act that queued it still succeeds."""
    if jobs is None:
        return
    try:
        jobs.notice_ready(notice_id)
    except Exception:
        log.exception("could not enqueue notice %s; the sweeper will", notice_id)


def default_deadline(now: datetime, settings: Settings) -> datetime:
    return now + timedelta(days=settings.ROUTING_DEADLINE_DAYS)


def _deadline_at(deadline: date | None, *, now: datetime, settings: Settings) -> datetime:
    if deadline is None:
        return default_deadline(now, settings)
    zone = ZoneInfo(settings.deployment.timezone)
    end_of_day = datetime.combine(deadline + timedelta(days=1), time(), tzinfo=zone)
    if end_of_day <= now:
        raise Invalid(f"the deadline {deadline.isoformat()} has passed; give a date from today on")
    if end_of_day - now > timedelta(days=366):
        raise Invalid("the deadline is at most a year away")
    return end_of_day.astimezone(UTC)  # SQLite keeps a datetime's digits, not its zone: store UTC


def _touch_routed(session: Session, complaint: Complaint) -> None:
    """Re-routing keeps the status; the update still checks it, so a concurrent move is a Conflict."""
    changed = session.exec(
        update(Complaint)
        .where(col(Complaint.id) == saved_id(complaint), col(Complaint.status) == ComplaintStatus.ROUTED)
        .values(updated_at=utcnow())
    ).rowcount
    if not changed:
        session.expire(complaint)
        raise Conflict(
            f"complaint {complaint.reference} was moved by someone else meanwhile; it is now {complaint.status}"
        )


def _reloaded(session: Session, complaint: Complaint) -> Complaint:
    session.refresh(complaint)
    return complaint


@dataclass(frozen=True)
class RoutingState:
    """Where a complaint stands with its provider, for the complaint page and the API."""

    reference: str
    status: str
    provider: ProviderView | None
    routed_at: datetime | None
    response_deadline_at: datetime | None
    overdue_at: datetime | None
    answered_at: datetime | None
    notices: list[NoticeView]


def routing_state(session: Session, *, complaint: Complaint) -> RoutingState:
    session.refresh(complaint)
    provider = find_provider(session, provider_id=complaint.provider_id) if complaint.provider_id else None
    return RoutingState(
        reference=complaint.reference,
        status=complaint.status,
        provider=provider,
        routed_at=ensure_aware(complaint.routed_at),
        response_deadline_at=ensure_aware(complaint.response_deadline_at),
        overdue_at=ensure_aware(complaint.overdue_at),
        answered_at=ensure_aware(complaint.answered_at),
        notices=notices_of(session, complaint_id=saved_id(complaint)),
    )
