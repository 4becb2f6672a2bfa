"""The dashboard's figures as named tables of plain cells: one shape for the page, its CSV files and the JSON API.

Building every output from these tables is what keeps them in step: a column added here is in the page,
the CSV and `GET /api/dashboard` at once. Codes (provider id, sector, area) sit next to names in the reader's
language, so a spreadsheet can join on the code and a person reads the name. Durations are seconds here;
only the page turns them into hours and days. Each table is made on its own (TABLES) from lazily read figures,
so a CSV file of one table runs only that table's queries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from hotline.dashboard_queries import AnswerTimes, DashboardFigures, DashboardFilter
from hotline.deployment import Deployment
from hotline.providers import list_providers
from staff.web.deployment_names import area_choices, sector_choices

Cell = str | int | float | datetime | None
PROVIDER_COLUMNS = ("provider_id", "provider")
TIME_COLUMNS = ("answered", "median_seconds", "p90_seconds")


@dataclass(frozen=True)
class Table:
    name: str  # a key of TABLES
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]

    def records(self) -> list[dict[str, Cell]]:
        """Rows as column → cell objects, for JSON."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Names:
    """Names in one language for the codes the figures carry."""

    sectors: dict[str, str]
    areas: dict[str, str]
    providers: dict[int, str]

    def sector(self, code: str | None) -> str:
        return self.sectors.get(code or "", code or "")

    def area(self, code: str | None) -> str:
        return self.areas.get(code or "", code or "")

    def provider(self, provider_id: int | None) -> str:
        return self.providers.get(provider_id or 0, "")


@dataclass(frozen=True)
class TableKind:
    """How one table is made from the figures: the providers it names and its rows. Only the figures a table
    reads are fetched, so a table built alone (its CSV file) runs only its own queries."""

    provider_ids: Callable[[DashboardFigures], set[int]]
    build: Callable[[DashboardFigures, Names], Table]


def tables_for(
    session: Session,
    filters: DashboardFilter,
    *,
    deployment: Deployment,
    language: str,
    now: datetime,
    only: Sequence[str] = (),
) -> dict[str, Table]:
    """The tables named in `only` (empty: every table) for the filters, by name in TABLES order, with names in
    `language`. Only their own queries run, and the providers they mention are looked up together, once."""
    figures = DashboardFigures(session, filters=filters, now=now, timezone=ZoneInfo(deployment.timezone))
    kinds = {name: kind for name, kind in TABLES.items() if not only or name in only}
    ids = set().union(*(kind.provider_ids(figures) for kind in kinds.values()))
    names = names_for(session, ids, deployment=deployment, language=language)
    return {name: kind.build(figures, names) for name, kind in kinds.items()}


def names_for(session: Session, provider_ids: set[int], *, deployment: Deployment, language: str) -> Names:
    """The deployment's sector and area names, and these providers', in `language`."""
    providers = list_providers(session, ids=sorted(provider_ids)) if provider_ids else []
    return Names(
        sectors=dict(sector_choices(deployment, language)),
        areas=dict(area_choices(deployment, language)),
        providers={p.id: p.name(language) for p in providers},
    )


def _weekly(figures: DashboardFigures, names: Names) -> Table:
    weekly = figures.weekly
    return Table(
        "weekly",
        ("sector", "sector_name", "area", "area_name", *(w.label for w in weekly.weeks), "total"),
        [
            (row.sector, names.sector(row.sector), row.area, names.area(row.area), *row.counts, row.total)
            for row in weekly.rows
        ],
    )


def _providers(figures: DashboardFigures, names: Names) -> Table:
    return Table(
        "providers",
        (*PROVIDER_COLUMNS, *TIME_COLUMNS),
        [(t.key, names.provider(t.key if isinstance(t.key, int) else None), *_times(t)) for t in figures.by_provider],
    )


def _sectors(figures: DashboardFigures, names: Names) -> Table:
    return Table(
        "sectors",
        ("sector", "sector_name", *TIME_COLUMNS),
        [(t.key, names.sector(t.key if isinstance(t.key, str) else None), *_times(t)) for t in figures.by_sector],
    )


def _overdue(figures: DashboardFigures, names: Names) -> Table:
    return Table(
        "overdue",
        (*PROVIDER_COLUMNS, "overdue", "oldest_deadline_at"),
        [(r.provider_id, names.provider(r.provider_id), r.overdue, r.oldest_deadline_at) for r in figures.overdue],
    )


def _satisfaction(figures: DashboardFigures, names: Names) -> Table:
    return Table(
        "satisfaction",
        (*PROVIDER_COLUMNS, "satisfied", "not_satisfied", "satisfied_share"),
        [
            (
                r.provider_id,
                names.provider(r.provider_id),
                r.satisfied,
                r.not_satisfied,
                _share(r.satisfied, r.not_satisfied),
            )
            for r in figures.satisfaction
        ],
    )


def _no_providers(_figures: DashboardFigures) -> set[int]:
    return set()


TABLES: dict[str, TableKind] = {  # in the page's order; the key is also the CSV's file name
    "weekly": TableKind(_no_providers, _weekly),
    "providers": TableKind(lambda f: {t.key for t in f.by_provider if isinstance(t.key, int)}, _providers),
    "sectors": TableKind(_no_providers, _sectors),
    "overdue": TableKind(lambda f: {r.provider_id for r in f.overdue}, _overdue),
    "satisfaction": TableKind(lambda f: {r.provider_id for r in f.satisfaction}, _satisfaction),
}


def _times(times: AnswerTimes) -> Sequence[Cell]:
    return (times.answered, round(times.median_seconds, 1), round(times.p90_seconds, 1))


def _share(yes: int, no: int) -> float | None:
    return round(yes / (yes + no), 3) if yes + no else None
