"""Jobs of the notices queue: send one notice to its provider, and the daily deadline pass.

Both are thin: the work is hotline.notice_outbox and hotline.deadlines. Raising makes RQ retry with the
back-off given at enqueue time; the outbox row already says what went wrong, for staff to see.
"""

from __future__ import annotations

import logging
from datetime import datetime

from hotline.db import write_session
from hotline.deadlines import sweep_deadlines
from hotline.models import utcnow
from hotline.notice_outbox import DeliveryOutcome, deliver_notice
from hotline.routing import hand_over_notice
from queue_workers.context import current_context
from queue_workers.jobs import is_last_try
from transcription.place_directory import gazetteer_places

log = logging.getLogger(__name__)


class NoticeNotSentError(RuntimeError):
    """This try failed; RQ retries, and after the last try the notice is marked failed."""


def send_notice(notice_id: int) -> str:
    """Mail one notice (or only record it when no SMTP server is configured)."""
    ctx = current_context()
    result = deliver_notice(
        engine=ctx.engine,
        settings=ctx.settings,
        notice_id=notice_id,
        last_try=is_last_try(),
        max_attempts=len(ctx.settings.NOTICE_RETRY_INTERVALS) + 1,
    )
    if result.outcome in (DeliveryOutcome.RETRY, DeliveryOutcome.FAILED):
        raise NoticeNotSentError(f"notice {notice_id}: {result.reason}")
    return str(result.outcome)


def deadline_sweep(now: datetime | str | None = None) -> str:
    """Remind providers of deadlines due soon and flag overdue complaints as of `now` (default: the clock)."""
    ctx = current_context()
    moment = datetime.fromisoformat(now) if isinstance(now, str) else now or utcnow()
    with write_session(ctx.engine) as session:
        report = sweep_deadlines(
            session, now=moment, settings=ctx.settings, places=gazetteer_places(ctx.settings.deployment)
        )
        session.commit()
    for notice_id in report.notice_ids:  # after the commit, so the send job finds its row
        hand_over_notice(ctx.dispatcher, notice_id)
    log.info("deadline pass at %s: %s", moment.isoformat(), report.summary())
    return report.summary()
