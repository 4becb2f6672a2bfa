"""The dashboard's figures: complaints per sector × area × week, time to answer, overdue and satisfaction.

Portable SQL only (SQLite and PostgreSQL alike). Weeks are ISO weeks (Monday to Sunday) in the deployment's
time zone: their boundaries are worked out here, in Python, and handed to the database as a CASE over
`created_at`, so the counting stays in SQL while neither database's week or time-zone functions (which
differ) are needed. Percentiles are computed in Python from the narrow list of durations: SQLite has no
percentile function, and one duration per answered complaint in the period is a small fetch.

Every function takes the moment it treats as "now", so a test (or a report for a past day) controls the clock.
Nothing here reads a caller's number or voice: the figures are counts and durations.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cached_property

from sqlalchemy import ColumnElement, and_, case, func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from hotline.complaint_queries import as_utc
from hotline.deadlines import overdue_by
from hotline.feedback import Satisfaction, satisfaction_by_provider
from hotline.models import Complaint, Response

DEFAULT_WEEKS = 12  # the current ISO week and the eleven before it
MAX_WEEKS = 106  # two years: a CASE branch per week, and a chart still readable


@dataclass(frozen=True)
class DashboardFilter:
    """The complaints the dashboard counts: created in [created_from, created_before), of these sectors and
    areas (empty: any). Times are aware."""

    created_from: datetime
    created_before: datetime
    sectors: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class Week:
    label: str  # ISO 8601 week, e.g. 2026-W47
    starts_on: date  # its Monday, in the deployment's time zone


@dataclass(frozen=True)
class PlaceWeeks:
    """One sector and area's complaints per week of the period (aligned with WeeklyCounts.weeks)."""

    sector: str | None
    area: str | None
    counts: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class WeeklyCounts:
    weeks: list[Week]
    rows: list[PlaceWeeks]  # most complaints first
    totals: tuple[int, ...]  # per week, every sector and area


@dataclass(frozen=True)
class AnswerTimes:
    """How long complaints waited for their first answer, for one provider or one sector."""

    key: int | str | None  # the provider's id, or the sector's code (None: no sector)
    answered: int
    median_seconds: float
    p90_seconds: float


@dataclass(frozen=True)
class OverdueCount:
    provider_id: int
    overdue: int
    oldest_deadline_at: datetime


@dataclass(frozen=True)
class ProviderSatisfaction:
    provider_id: int
    satisfied: int
    not_satisfied: int


@dataclass(frozen=True)
class Dashboard:
    weekly: WeeklyCounts
    by_provider: list[AnswerTimes]  # keys are provider ids (None: answered for no provider)
    by_sector: list[AnswerTimes]  # keys are sector codes
    overdue: list[OverdueCount]
    satisfaction: list[ProviderSatisfaction]


class DashboardFigures:
    """The dashboard's figures for one filter as of `now`, each read from the database on first use and then kept.

    The page and the API use every figure; a table's CSV file only its own, so it runs only its own queries.
    The two answer-time figures share one fetch of the durations.
    """

    def __init__(self, session: Session, *, filters: DashboardFilter, now: datetime, timezone: tzinfo) -> None:
        self.session, self.filters, self.now, self.timezone = session, filters, now, timezone

    @cached_property
    def weekly(self) -> WeeklyCounts:
        return weekly_counts(self.session, filters=self.filters, timezone=self.timezone)

    @cached_property
    def durations(self) -> list[tuple[int | None, str | None, float]]:
        return answer_durations(self.session, filters=self.filters)

    @cached_property
    def by_provider(self) -> list[AnswerTimes]:
        return answer_times((provider, seconds) for provider, _, seconds in self.durations)

    @cached_property
    def by_sector(self) -> list[AnswerTimes]:
        return answer_times((sector, seconds) for _, sector, seconds in self.durations)

    @cached_property
    def overdue(self) -> list[OverdueCount]:
        return overdue_counts(self.session, filters=self.filters, now=self.now)

    @cached_property
    def satisfaction(self) -> list[ProviderSatisfaction]:
        return satisfaction(self.session, filters=self.filters)


def build_dashboard(session: Session, *, filters: DashboardFilter, now: datetime, timezone: tzinfo) -> Dashboard:
    """Every figure of the dashboard for one filter, as of `now`."""
    figures = DashboardFigures(session, filters=filters, now=now, timezone=timezone)
    return Dashboard(
        weekly=figures.weekly,
        by_provider=figures.by_provider,
        by_sector=figures.by_sector,
        overdue=figures.overdue,
        satisfaction=figures.satisfaction,
    )


def default_period(now: datetime, timezone: tzinfo, *, weeks: int = DEFAULT_WEEKS) -> tuple[datetime, datetime]:
    """The last `weeks` ISO weeks up to `now`: from the first one's Monday midnight to the end of today (local)."""
    today = now.astimezone(timezone).date()
    monday = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    return _midnight(monday, timezone), _midnight(today + timedelta(days=1), timezone)


def weeks_of(filters: DashboardFilter, timezone: tzinfo) -> list[tuple[Week, datetime]]:
    """Each ISO week the period touches, with the moment its part of the period starts (the first may start
    mid-week, at the period's start)."""
    first = filters.created_from.astimezone(timezone).date()
    last = (filters.created_before - timedelta(microseconds=1)).astimezone(timezone).date()
    monday = first - timedelta(days=first.weekday())
    weeks: list[tuple[Week, datetime]] = []
    while monday <= last:
        year, number, _ = monday.isocalendar()
        start = max(_midnight(monday, timezone), filters.created_from)
        weeks.append((Week(label=f"{year}-W{number:02d}", starts_on=monday), start))
        monday += timedelta(days=7)
    return weeks


def weekly_counts(session: Session, *, filters: DashboardFilter, timezone: tzinfo) -> WeeklyCounts:
    """Complaints per sector × area × week of the period; only sector and area pairs that have any."""
    weeks = weeks_of(filters, timezone)
    if len(weeks) > MAX_WEEKS:
        raise ValueError(f"the period spans {len(weeks)} weeks; at most {MAX_WEEKS}")
    created = col(Complaint.created_at)
    # Latest week first: the first boundary a complaint is not before is its week.
    bucket = case(*((created >= as_utc(start), n) for n, (_, start) in reversed(list(enumerate(weeks)))), else_=-1)
    # Grouped outside a subquery: PostgreSQL would not see a CASE with bound parameters in SELECT and in
    # GROUP BY as one expression (each rendering gets its own placeholders).
    bucketed = (
        select_columns(col(Complaint.sector).label("sector"), col(Complaint.area).label("area"), bucket.label("week"))
        .where(*conditions(filters))
        .subquery("bucketed")
    )
    query = select_columns(bucketed.c.sector, bucketed.c.area, bucketed.c.week, func.count()).group_by(
        bucketed.c.sector, bucketed.c.area, bucketed.c.week
    )
    counts: dict[tuple[str | None, str | None], list[int]] = defaultdict(lambda: [0] * len(weeks))
    for sector, area, week, count in session.connection().execute(query):
        if 0 <= week < len(weeks):
            counts[(sector, area)][week] += int(count)
    rows = [PlaceWeeks(sector=s, area=a, counts=tuple(c), total=sum(c)) for (s, a), c in counts.items()]
    rows.sort(key=lambda row: (-row.total, row.sector or "", row.area or ""))
    totals = tuple(sum(row.counts[n] for row in rows) for n in range(len(weeks)))
    return WeeklyCounts(weeks=[week for week, _ in weeks], rows=rows, totals=totals)


def answer_durations(session: Session, *, filters: DashboardFilter) -> list[tuple[int | None, str | None, float]]:
    """(provider id, sector, seconds from the complaint to its first answer) for each answered complaint of the
    period. The first answer is the response's version 1, and the provider is the one it was given for."""
    query = (
        select_columns(
            col(Response.provider_id), col(Complaint.sector), col(Complaint.created_at), col(Response.created_at)
        )
        .join(Response, and_(col(Response.complaint_id) == col(Complaint.id), col(Response.version) == 1))
        .where(*conditions(filters))
    )
    return [
        (provider_id, sector, (as_utc(answered) - as_utc(created)).total_seconds())
        for provider_id, sector, created, answered in session.connection().execute(query)
    ]


def answer_times(durations: Iterable[tuple[int | str | None, float]]) -> list[AnswerTimes]:
    """Median and 90th percentile of (key, seconds) pairs grouped by key, most answers first."""
    groups: dict[int | str | None, list[float]] = defaultdict(list)
    for key, seconds in durations:
        groups[key].append(max(seconds, 0.0))  # a clock stepped back must not make a negative wait
    times = [
        AnswerTimes(key=k, answered=len(v), median_seconds=percentile(v, 0.5), p90_seconds=percentile(v, 0.9))
        for k, v in groups.items()
    ]
    return sorted(times, key=lambda t: (-t.answered, str(t.key)))


def percentile(values: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile by linear interpolation between the closest ranks: PostgreSQL's percentile_cont
    and numpy's default, so figures match what an analyst gets from either (median of 1, 2, 3, 10 is 2.5)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def overdue_counts(session: Session, *, filters: DashboardFilter, now: datetime) -> list[OverdueCount]:
    """Per provider, complaints overdue at `now` in the filter's sectors and areas, whenever they were made:
    a complaint left unanswered for months is the one to see, and it is older than any recent period."""
    query = (
        select_columns(col(Complaint.provider_id), func.count(), func.min(col(Complaint.response_deadline_at)))
        .where(overdue_by(as_utc(now)), *conditions(filters, with_dates=False))
        .group_by(col(Complaint.provider_id))
    )
    found = [
        OverdueCount(provider_id=int(provider_id), overdue=int(count), oldest_deadline_at=as_utc(oldest))
        for provider_id, count, oldest in session.connection().execute(query)
        if provider_id is not None and oldest is not None  # both always set on an overdue complaint
    ]
    return sorted(found, key=lambda row: (-row.overdue, row.provider_id))


def satisfaction(session: Session, *, filters: DashboardFilter) -> list[ProviderSatisfaction]:
    """Per provider, callers' answers on the status line about complaints of the period; most answers first."""
    counts: dict[int, Satisfaction] = satisfaction_by_provider(
        session.connection(), complaints_where=conditions(filters)
    )
    rows = [ProviderSatisfaction(p, s.satisfied, s.not_satisfied) for p, s in counts.items()]
    return sorted(rows, key=lambda row: (-(row.satisfied + row.not_satisfied), row.provider_id))


def conditions(filters: DashboardFilter, *, with_dates: bool = True) -> list[ColumnElement[bool]]:
    """The filter as conditions on the complaint table."""
    found: list[ColumnElement[bool]] = []
    if with_dates:
        found.append(col(Complaint.created_at) >= as_utc(filters.created_from))
        found.append(col(Complaint.created_at) < as_utc(filters.created_before))
    if filters.sectors:
        found.append(col(Complaint.sector).in_(filters.sectors))
    if filters.areas:
        found.append(col(Complaint.area).in_(filters.areas))
    return found


def _midnight(day: date, timezone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone)
