"""When an episode airs: the producer's date if they moved the show, else the station's weekday in its ISO week.

One rule for everything that names the day (the run sheet, the audio's bext and ID3 dates, the episode's
documents) and for the moment publishing records as each complaint's `aired_at`: that day at the station's
air time in the deployment's time zone. It depends only on stored data, never on the clock, so a package
built twice carries the same dates.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hotline.iso_weeks import parse_week
from hotline.models import Episode
from hotline.review_errors import Invalid
from hotline.stations import Station

MOVE_DAYS = 7  # how far outside its ISO week a producer may move a show
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def station_air_date(station: Station, week: str) -> date:
    """The station's weekday in the ISO week `week` ("2026-W48")."""
    return parse_week(week).monday() + timedelta(days=station.air_weekday - 1)


def air_date(episode: Episode, station: Station) -> date:
    """The day the episode airs: the producer's `air_date`, else the station's weekday in its week."""
    return episode.air_date or station_air_date(station, episode.week)


def air_moment(episode: Episode, station: Station, *, timezone: str) -> datetime:
    """The moment the episode airs (UTC, aware): its air date at the station's air time where it is heard."""
    local = datetime.combine(air_date(episode, station), station.air_clock(), tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


def parse_air_date(text: str) -> date:
    """A calendar date written "YYYY-MM-DD" that exists (Invalid otherwise)."""
    if not isinstance(text, str) or not _ISO_DATE.fullmatch(text.strip()):
        raise Invalid(f'an air date is written "YYYY-MM-DD", like 2026-11-29, got {text!r}')
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(f"{text.strip()} is not a date of the calendar") from None


def air_date_range(week: str) -> tuple[date, date]:
    """The first and last day an episode of `week` may air: its ISO week and MOVE_DAYS either side."""
    monday = parse_week(week).monday()
    return monday - timedelta(days=MOVE_DAYS), monday + timedelta(days=6 + MOVE_DAYS)


def check_air_date(day: date, week: str) -> None:
    """A show is moved at most MOVE_DAYS outside its ISO week (it still covers that week's calls)."""
    first, last = air_date_range(week)
    if not first <= day <= last:
        raise Invalid(
            f"the {week} episode can air from {first.isoformat()} to {last.isoformat()} "
            f"(its week, {MOVE_DAYS} days either side), not on {day.isoformat()}"
        )
