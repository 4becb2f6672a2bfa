"""The dashboard's figures as named tables of plain cells: one shape for the page, its CSV files and the JSON API.

Building every output from these tables is what keeps them in step: a column added here is in the page,
the CSV and `GET /api/dashboard` at once. Codes (provider id, sector, area) sit next to names in the reader's
language, so a spreadsheet can join on the code and a person reads the name. Durations are seconds here;
only the page turns them into hours and days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from hotline.dashboard_queries import AnswerTimes, Dashboard
from hotline.deployment import Deployment
from hotline.providers import list_providers
from staff.web.deployment_names import area_choices, sector_choices

Cell = str | int | float | datetime | None
TABLES = ("weekly", "providers", "sectors", "overdue", "satisfaction")
PROVIDER_COLUMNS = ("provider_id", "provider")
TIME_COLUMNS = ("answered", "median_seconds", "p90_seconds")


@dataclass(frozen=True)
class Table:
    name: str  # one of TABLES; also the CSV's file name
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


def names_for(session: Session, dashboard: Dashboard, *, deployment: Deployment, language: str) -> Names:
    """The deployment's sector and area names, and the providers' that the figures mention, in `language`."""
    ids = {t.key for t in dashboard.by_provider if isinstance(t.key, int)}
    ids |= {row.provider_id for row in dashboard.overdue} | {row.provider_id for row in dashboard.satisfaction}
    providers = list_providers(session, ids=sorted(ids)) if ids else []
    return Names(
        sectors=dict(sector_choices(deployment, language)),
        areas=dict(area_choices(deployment, language)),
        providers={p.id: p.name(language) for p in providers},
    )


def dashboard_tables(dashboard: Dashboard, names: Names) -> dict[str, Table]:
    """Every table of the dashboard, by name (in TABLES order)."""
    weekly = dashboard.weekly
    return {
        "weekly": Table(
            "weekly",
            ("sector", "sector_name", "area", "area_name", *(w.label for w in weekly.weeks), "total"),
            [
                (row.sector, names.sector(row.sector), row.area, names.area(row.area), *row.counts, row.total)
                for row in weekly.rows
            ],
        ),
        "providers": Table(
            "providers",
            (*PROVIDER_COLUMNS, *TIME_COLUMNS),
            [
                (t.key, names.provider(t.key if isinstance(t.key, int) else None), *_times(t))
                for t in dashboard.by_provider
            ],
        ),
        "sectors": Table(
            "sectors",
            ("sector", "sector_name", *TIME_COLUMNS),
            [(t.key, names.sector(t.key if isinstance(t.key, str) else None), *_times(t)) for t in dashboard.by_sector],
        ),
        "overdue": Table(
            "overdue",
            (*PROVIDER_COLUMNS, "overdue", "oldest_deadline_at"),
            [
                (r.provider_id, names.provider(r.provider_id), r.overdue, r.oldest_deadline_at)
                for r in dashboard.overdue
            ],
        ),
        "satisfaction": Table(
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
                for r in dashboard.satisfaction
            ],
        ),
    }


def _times(times: AnswerTimes) -> Sequence[Cell]:
    return (times.answered, round(times.median_seconds, 1), round(times.p90_seconds, 1))


def _share(yes: int, no: int) -> float | None:
    return round(yes / (yes + no), 3) if yes + no else None
