"""Jobs of the radio queue: the daily pass that drafts every station's episode for the current ISO week.

Thin: the work is hotline.episodes. A station's episode is created when its week has none, and drafted
again while no producer has touched it, so the shortlist fills as the week's calls are reviewed; a draft a
producer has edited, and an episode already built or published, are left exactly as they are.
"""

from __future__ import annotations

import logging
from datetime import datetime

from hotline.audit import SYSTEM
from hotline.episodes import draft_stations
from hotline.iso_weeks import week_of
from hotline.models import utcnow
from queue_workers.context import current_context

log = logging.getLogger(__name__)


def draft_week(now: datetime | str | None = None) -> str:
    """Draft the ISO week `now` falls in (default: the clock) for every station of the deployment."""
    ctx = current_context()
    moment = datetime.fromisoformat(now) if isinstance(now, str) else now or utcnow()
    deployment = ctx.settings.deployment
    outcomes = draft_stations(
        ctx.engine,
        deployment=deployment,
        codes=[station.code for station in deployment.stations],
        week=week_of(moment, deployment.timezone),
        now=moment,
        actor=SYSTEM,
        unless_edited=True,
    )
    summary = "; ".join(outcome.line for outcome in outcomes) or "no stations in this deployment"
    log.info("episode drafts at %s: %s", moment.isoformat(), summary)
    return summary
