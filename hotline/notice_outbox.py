"""The notice outbox: claim a pending notice, mail it, and write what became of it where staff see it.

A claim is the increment of `attempts` conditional on the count the job read, so two jobs for the same
notice (a retry and a sweeper's re-enqueue) cannot both send. The send happens outside any transaction: a
slow SMTP server must not hold SQLite's write lock. A worker killed mid-send leaves the notice pending with
its attempt counted; the sweeper enqueues it again, and gives up once every attempt is used. A message may
then go out twice, never zero times without staff seeing "failed".
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hotline.db import write_session
from hotline.mailer import MailConfigError, build_message, configured_server, send_mail
from hotline.models import utcnow
from hotline.models.answers import Notice
from hotline.models.common import ensure_aware, saved_id
from hotline.notices import NoticeStatus
from hotline.settings import Settings

MAX_ERROR = 2000


class DeliveryOutcome(StrEnum):
    SENT = "sent"
    RECORDED = "recorded"
    RETRY = "retry"  # this try failed; the job raises so RQ tries again
    FAILED = "failed"  # the last try failed; the notice says so
    SKIPPED = "skipped"  # gone, already done, or another job holds it


@dataclass(frozen=True)
class Delivery:
    outcome: DeliveryOutcome
    reason: str = ""


@dataclass(frozen=True)
class NoticeView:
    """A notice as the complaint page and API show it (the body is the provider's copy, not repeated here)."""

    id: int
    kind: str
    recipient: str
    status: str
    attempts: int
    last_error: str
    deadline_at: datetime | None
    created_at: datetime
    sent_at: datetime | None


def deliver_notice(
    *, engine: Engine, settings: Settings, notice_id: int, last_try: bool, max_attempts: int
) -> Delivery:
    """One try at sending a notice; without SMTP_URL the notice is only marked recorded."""
    claimed = _claim(engine, notice_id, max_attempts)
    if claimed is None:
        return Delivery(DeliveryOutcome.SKIPPED)
    if isinstance(claimed, Delivery):
        return claimed
    try:
        server = configured_server(settings)
    except MailConfigError as exc:
        return _failed(engine, claimed, str(exc), last_try=True)
    if server is None:
        _finish(engine, saved_id(claimed), NoticeStatus.RECORDED)
        return Delivery(DeliveryOutcome.RECORDED)
    message = build_message(sender=settings.SMTP_FROM, recipient=claimed.recipient, subject=claimed.subject,
                            body=claimed.body)  # fmt: skip
    try:
        send_mail(server, message, timeout=settings.SMTP_TIMEOUT_SECONDS)
    except (smtplib.SMTPException, OSError) as exc:
        reason = f"{server.label}: {type(exc).__name__}: {exc}"
        return _failed(engine, claimed, reason, last_try=last_try or claimed.attempts >= max_attempts)
    _finish(engine, saved_id(claimed), NoticeStatus.SENT)
    return Delivery(DeliveryOutcome.SENT)


def pending_notices(session: Session, *, created_before: datetime, limit: int) -> list[Notice]:
    """Pending notices older than the cutoff, oldest first (served by ix_notice_status_created)."""
    return list(
        session.exec(
            select(Notice)
            .where(Notice.status == NoticeStatus.PENDING, col(Notice.created_at) < created_before)
            .order_by(col(Notice.created_at))
            .limit(limit)
        )
    )


def give_up_notice(session: Session, *, notice_id: int, reason: str) -> bool:
    """Mark a still-pending notice failed (no commit); False when it was sent or failed meanwhile."""
    changed = session.exec(
        update(Notice)
        .where(col(Notice.id) == notice_id, col(Notice.status) == NoticeStatus.PENDING)
        .values(status=NoticeStatus.FAILED, last_error=reason[:MAX_ERROR])
    ).rowcount
    return bool(changed)


def notices_of(session: Session, *, complaint_id: int) -> list[NoticeView]:
    rows = session.exec(
        select(Notice).where(Notice.complaint_id == complaint_id).order_by(col(Notice.created_at), col(Notice.id))
    )
    return [
        NoticeView(
            id=saved_id(n),
            kind=n.kind,
            recipient=n.recipient,
            status=n.status,
            attempts=n.attempts,
            last_error=n.last_error,
            deadline_at=ensure_aware(n.deadline_at),
            created_at=ensure_aware(n.created_at) or n.created_at,
            sent_at=ensure_aware(n.sent_at),
        )
        for n in rows
    ]


def _claim(engine: Engine, notice_id: int, max_attempts: int) -> Notice | Delivery | None:
    with write_session(engine) as session:
        notice = session.get(Notice, notice_id)
        if notice is None or notice.status != NoticeStatus.PENDING:
            return None
        if notice.attempts >= max_attempts:
            give_up_notice(session, notice_id=notice_id, reason=notice.last_error or "every attempt was used")
            session.commit()
            return Delivery(DeliveryOutcome.FAILED, notice.last_error)
        claimed = session.exec(
            update(Notice)
            .where(col(Notice.id) == notice_id, col(Notice.status) == NoticeStatus.PENDING,
                   col(Notice.attempts) == notice.attempts)
            .values(attempts=notice.attempts + 1)
        ).rowcount  # fmt: skip
        session.commit()
        if not claimed:
            return None
        session.refresh(notice)
        return notice


def _finish(engine: Engine, notice_id: int, status: NoticeStatus) -> None:
    with write_session(engine) as session:
        session.exec(
            update(Notice)
            .where(col(Notice.id) == notice_id, col(Notice.status) == NoticeStatus.PENDING)
            .values(status=status, sent_at=utcnow() if status is NoticeStatus.SENT else None, last_error="")
        )
        session.commit()


def _failed(engine: Engine, notice: Notice, reason: str, *, last_try: bool) -> Delivery:
    with write_session(engine) as session:
        values: dict[str, object] = {"last_error": reason[:MAX_ERROR]}
        if last_try:
            values["status"] = NoticeStatus.FAILED
        session.exec(
            update(Notice).where(col(Notice.id) == notice.id, col(Notice.status) == NoticeStatus.PENDING).values(values)
        )
        session.commit()
    return Delivery(DeliveryOutcome.FAILED if last_try else DeliveryOutcome.RETRY, reason)
