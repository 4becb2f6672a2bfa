"""`fixmyservice episodes draft --station S [--week 2026-W48]`: draft a station's week from the shell.

The same unit of work as `POST /api/episodes` (hotline.episodes), audited with the actor "cli". It migrates
first, like the account commands, so it works on a fresh data directory. A refusal (unknown station, a
week that does not exist, an episode already built) goes to stderr with exit status 1.
"""

from __future__ import annotations

import sys
from typing import TextIO

from hotline.db import make_engine, migrate
from hotline.episodes import draft_stations, station_of
from hotline.iso_weeks import parse_week, week_of
from hotline.models import utcnow
from hotline.review_errors import ReviewRefused
from hotline.settings import Settings
from staff.accounts_cli import CLI_ACTOR


def draft_episode_command(settings: Settings, *, station: str, week: str | None, stdout: TextIO) -> int:
    """Draft (or draft again) one station's episode for an ISO week, this week by default."""
    deployment = settings.deployment
    now = utcnow()
    try:
        code = station_of(deployment, station).code
        chosen_week = parse_week(week) if week else week_of(now, deployment.timezone)
    except ReviewRefused as refused:
        print(f"fixmyservice: {refused.message}", file=sys.stderr)
        return 1
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        [outcome] = draft_stations(
            engine, deployment=deployment, codes=[code], week=chosen_week, now=now, actor=CLI_ACTOR
        )
    finally:
        engine.dispose()
    if outcome.refused:
        print(f"fixmyservice: {outcome.line}", file=sys.stderr)
        return 1
    print(outcome.line, file=stdout)
    return 0
