"""The scheduler process: sweep for stuck work every SWEEP_EVERY_SECONDS, ask for the deadline pass
(reminders, overdue flags) at start and every DEADLINE_SWEEP_EVERY_SECONDS, and for the stations' weekly
episode drafts at start and each new day where the listeners live; workers run those passes."""

from __future__ import annotations

import logging
import threading
import time
from zoneinfo import ZoneInfo

from hotline.db import make_engine
from hotline.models import utcnow
from hotline.settings import Settings
from queue_workers.connection import redis_connection
from queue_workers.dispatch import RQDispatcher
from queue_workers.sweeper import sweep_stuck_work

log = logging.getLogger(__name__)


def run_scheduler(settings: Settings, *, once: bool = False, stop: threading.Event | None = None) -> int:
    engine = make_engine(settings.database_url)
    dispatcher = RQDispatcher(redis_connection(settings), settings)
    stop = stop or threading.Event()
    next_deadline_pass = 0.0  # at once: the pass is idempotent, so a restart costs nothing
    drafts_asked_for = ""  # the local day the episode drafts were last asked for
    while True:
        try:
            report = sweep_stuck_work(engine=engine, dispatcher=dispatcher, settings=settings)
            log.info("sweep: %s", report.summary())
            if time.monotonic() >= next_deadline_pass:
                dispatcher.deadlines_due(utcnow().strftime("%Y-%m-%dT%H%M"))
                next_deadline_pass = time.monotonic() + settings.DEADLINE_SWEEP_EVERY_SECONDS
            today = utcnow().astimezone(ZoneInfo(settings.deployment.timezone)).date().isoformat()
            if today != drafts_asked_for:  # the week's drafts fill up as the week's calls are reviewed
                dispatcher.episodes_due(today)
                drafts_asked_for = today
        except Exception:  # a database or Redis hiccup must not end the scheduler
            log.exception("sweep failed; will try again")
        if once or stop.wait(settings.SWEEP_EVERY_SECONDS):
            return 0
