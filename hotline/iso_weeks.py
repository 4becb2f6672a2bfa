"""ISO weeks ("2026-W48"), the unit a radio episode covers, read in the deployment's time zone.

A week starts on Monday at midnight where the listeners live, not in UTC: a complaint made on Monday
morning in Ulaanbaatar (Sunday evening UTC) belongs to the new week's show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline.review_errors import Invalid

_PATTERN = re.compile(r"([0-9]{4})-W([0-9]{2})")


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __str__(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """[start, end) of the week in UTC: Monday 00:00 to the next Monday 00:00 in `timezone`."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.monday(), time(0), tzinfo=zone)
        end = datetime.combine(self.monday() + timedelta(days=7), time(0), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)


def parse_week(text: str) -> IsoWeek:
    """An ISO week as "YYYY-Www" that exists (week 53 only in years that have one), from 2000 on."""
    match = _PATTERN.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise Invalid(f"a week is written like 2026-W48 (ISO 8601), got {text!r}")
    year, week = int(match.group(1)), int(match.group(2))
    if year < 2000:
        raise Invalid(f"no episode can cover a week before 2000, got {text!r}")
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise Invalid(f"{year} has no ISO week {week}, got {text!r}") from None
    return IsoWeek(year, week)


def week_of(moment: datetime, timezone: str) -> IsoWeek:
    """The ISO week `moment` falls in, where the deployment's listeners are."""
    local = moment.astimezone(ZoneInfo(timezone))
    year, week, _ = local.isocalendar()
    return IsoWeek(year, week)
