"""The dashboard page (`/dashboard`), its tables as CSV (`/dashboard/{table}.csv`) and the filtered inbox as CSV
(`/complaints.csv`).

The page and its files read the same parameters as `GET /api/dashboard` (staff.api_dashboard), and show the
same tables (staff.dashboard_tables): each with a bar chart drawn on the server (staff.web.svg_charts) and
the table itself beside it as the accessible alternative. Durations are shown in hours and days here; the
CSV and JSON keep seconds. The inbox CSV takes the inbox page's own filters (staff.api_inbox.inbox_filter).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from markupsafe import Markup
from starlette.responses import Response

from hotline.access import sees_only_consented
from hotline.dashboard_queries import DashboardFilter
from hotline.models import utcnow
from staff.api_dashboard import dashboard_filter, inbox_csv, table_csv
from staff.api_inbox import inbox_filter
from staff.api_output import ApiError
from staff.csv_export import csv_response
from staff.dashboard_tables import TABLES, Cell, Table, tables_for
from staff.web.deployment_names import area_choices, sector_choices
from staff.web.i18n import N_
from staff.web.page_request import PageError, PageRequest
from staff.web.svg_charts import Bar, bar_chart, column_chart

FILTERS = ("from", "to", "sector", "area")
TITLES = {
    "weekly": N_("Complaints per sector, area and week"),
    "providers": N_("Time to first answer per provider"),
    "sectors": N_("Time to first answer per sector"),
    "overdue": N_("Overdue now per provider"),
    "satisfaction": N_("Callers' satisfaction per provider"),
}
HEADERS = {
    "sector_name": N_("Sector"),
    "area_name": N_("Area"),
    "provider": N_("Provider"),
    "answered": N_("Answered"),
    "median_seconds": N_("Median"),
    "p90_seconds": N_("90th percentile"),
    "overdue": N_("Overdue"),
    "oldest_deadline_at": N_("Oldest deadline"),
    "satisfied": N_("Satisfied"),
    "not_satisfied": N_("Not satisfied"),
    "satisfied_share": N_("Share satisfied"),
    "total": N_("Total"),
}
CODES = frozenset({"provider_id", "sector", "area"})  # in the files, not on the page (the names are)
DURATIONS = frozenset({"median_seconds", "p90_seconds"})
Gettext = Callable[..., str]


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    chart: Markup
    csv_url: str


def dashboard_page(page: PageRequest) -> Response:
    deployment = page.settings.deployment
    now = utcnow()
    filters = _filters(page, now)
    tables = tables_for(page.session, filters, deployment=deployment, language=page.language, now=now)
    kept = _kept(page)
    timezone = ZoneInfo(deployment.timezone)
    weeks_caption = page.gettext("Complaints per week")
    return page.render(
        "dashboard.html",
        sections=[_section(table, page, kept) for table in tables.values()],
        weeks_chart=column_chart(
            chart_id="chart-weeks",
            title=weeks_caption,
            bars=[Bar(week, total, str(total)) for week, total in _week_totals(tables["weekly"])],
        ),
        weeks_caption=weeks_caption,
        chosen={name: page.query.get(name, "") for name in FILTERS},
        shown_from=filters.created_from.astimezone(timezone).date(),
        shown_to=(filters.created_before - timedelta(microseconds=1)).astimezone(timezone).date(),
        sectors=sector_choices(deployment, page.language),
        areas=area_choices(deployment, page.language),
    )


def table_csv_file(page: PageRequest) -> Response:
    name = str(page.path_params["table"])
    if name not in TABLES:
        raise PageError(404, page.gettext("There is no such table."))
    deployment = page.settings.deployment
    now = utcnow()
    filters = _filters(page, now)
    tables = tables_for(page.session, filters, deployment=deployment, language=page.language, now=now, only=(name,))
    return csv_response(table_csv(tables[name], deployment=deployment), filename=f"{name}-{_today(page)}.csv")


def complaints_csv_file(page: PageRequest) -> Response:
    deployment = page.settings.deployment
    try:
        filters = inbox_filter(page.query, deployment)
    except ApiError as exc:
        raise PageError(400, page.gettext("This filter is not valid: %(detail)s", detail=exc.message)) from None
    chunks = inbox_csv(
        page.session.get_bind().engine,
        filters,
        consented_only=sees_only_consented(page.user.role),
        deployment=deployment,
        language=page.language,
    )
    return csv_response(chunks, filename=f"complaints-{_today(page)}.csv")


def readable_duration(seconds: float, gettext: Gettext) -> str:
    """A wait as people say it: "45 s", "12 min", "2 h 5 min", "3 d 4 h" (rounded to the unit shown last)."""
    if round(seconds) < 60:
        return gettext("%(seconds)d s", seconds=round(seconds))
    minutes = round(seconds / 60)
    if minutes < 60:
        return gettext("%(minutes)d min", minutes=minutes)
    if minutes < 24 * 60:
        hours, minutes = divmod(minutes, 60)
        if minutes == 0:
            return gettext("%(hours)d h", hours=hours)
        return gettext("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)
    days, hours = divmod(round(seconds / 3600), 24)
    if hours == 0:
        return gettext("%(days)d d", days=days)
    return gettext("%(days)d d %(hours)d h", days=days, hours=hours)


def _filters(page: PageRequest, now: datetime) -> DashboardFilter:
    try:
        return dashboard_filter(page.query, page.settings.deployment, now=now)
    except ApiError as exc:
        raise PageError(400, page.gettext("This filter is not valid: %(detail)s", detail=exc.message)) from None


def _section(table: Table, page: PageRequest, kept: list[tuple[str, str]]) -> Section:
    shown = [n for n, column in enumerate(table.columns) if column not in CODES]
    headers = [page.gettext(HEADERS[c]) if c in HEADERS else c for c in (table.columns[n] for n in shown)]
    rows = [[_cell(table.columns[n], row[n], page) for n in shown] for row in table.rows]
    title = page.gettext(TITLES[table.name])
    return Section(
        name=table.name,
        title=title,
        headers=headers,
        rows=rows,
        chart=bar_chart(
            chart_id=f"chart-{table.name}",
            title=title,
            bars=_bars(table, page),
            maximum=1.0 if table.name == "satisfaction" else None,  # a share: a full bar is everyone satisfied
        ),
        csv_url=f"/dashboard/{table.name}.csv" + (f"?{urlencode(kept)}" if kept else ""),
    )


def _bars(table: Table, page: PageRequest) -> list[Bar]:
    """One bar per row: the row's total, median wait (with the 90th percentile as a tick), overdue count, or
    share of satisfied callers."""
    column = {name: n for n, name in enumerate(table.columns)}

    def value(row: Sequence[Cell], name: str) -> float:
        cell = row[column[name]]
        return float(cell) if isinstance(cell, int | float) else 0.0

    bars = []
    for row in table.rows:
        label = " · ".join(str(row[column[c]] or "—") for c in ("sector_name", "area_name", "provider") if c in column)
        if table.name == "weekly":
            bars.append(Bar(label, value(row, "total"), str(row[column["total"]])))
        elif table.name in ("providers", "sectors"):
            median, p90 = value(row, "median_seconds"), value(row, "p90_seconds")
            p90_text = f"{page.gettext(HEADERS['p90_seconds'])}: {readable_duration(p90, page.gettext)}"
            bars.append(Bar(label, median, readable_duration(median, page.gettext), marker=p90, marker_text=p90_text))
        elif table.name == "overdue":
            bars.append(Bar(label, value(row, "overdue"), str(row[column["overdue"]])))
        else:
            share = value(row, "satisfied_share")
            bars.append(Bar(label, share, _cell("satisfied_share", row[column["satisfied_share"]], page)))
    return bars


def _cell(column: str, value: Cell, page: PageRequest) -> str:
    if value is None:
        return "—"
    if column in DURATIONS and isinstance(value, int | float):
        return readable_duration(float(value), page.gettext)
    if column == "satisfied_share" and isinstance(value, float):
        return f"{round(value * 100)} %"
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(page.settings.deployment.timezone)).strftime("%Y-%m-%d")
    return str(value) if value != "" else "—"


def _week_totals(weekly: Table) -> list[tuple[str, int]]:
    """(week, complaints) for each week column of the weekly table (those between the area's name and the total)."""
    first = weekly.columns.index("area_name") + 1
    weeks = weekly.columns[first:-1]
    return [(week, sum(_count(row[first + n]) for row in weekly.rows)) for n, week in enumerate(weeks)]


def _count(cell: Cell) -> int:
    return cell if isinstance(cell, int) else 0


def _kept(page: PageRequest) -> list[tuple[str, str]]:
    return [(name, value) for name, value in page.query.multi_items() if value and name in FILTERS]


def _today(page: PageRequest) -> date:
    return utcnow().astimezone(ZoneInfo(page.settings.deployment.timezone)).date()
