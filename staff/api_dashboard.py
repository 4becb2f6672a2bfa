"""`GET /api/dashboard` and the dashboard's CSV files: the same filters and tables as the page.

`dashboard_filter` reads the parameters for the page, its CSV files and the API alike: `from` and `to`
(dates in the deployment's time zone; `to` includes its whole day), `sector` and `area` (repeatable).
Without dates the period is the last 12 ISO weeks. The tables hold counts and durations only, so every
reading role gets the same figures; the filtered inbox's CSV, which lists complaints, keeps the inbox's
rule that producers see only complaints whose callers agreed to broadcast.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.datastructures import QueryParams

from hotline.dashboard_queries import MAX_WEEKS, DashboardFilter, default_period, weeks_of
from hotline.deployment import Deployment
from hotline.inbox_export import export_pages
from hotline.inbox_queries import InboxFilter
from hotline.models import utcnow
from hotline.providers import list_providers
from staff.api_output import ApiError
from staff.csv_export import Value, csv_lines
from staff.dashboard_tables import Table, tables_for
from staff.endpoint import ApiRequest
from staff.params import choices, parse_moment

INBOX_COLUMNS = (
    "reference",
    "created_at",
    "status",
    "language",
    "sector",
    "area",
    "soum",
    "broadcast_consent",
    "reviewed",
    "provider_id",
    "provider",
    "response_deadline_at",
    "answered_at",
    "transcript",
)


def dashboard(api: ApiRequest) -> dict[str, Any]:
    """The dashboard's tables: complaints per sector, area and week; time to first answer (seconds) per
    provider and per sector; complaints overdue now per provider; callers' satisfaction per provider."""
    deployment = api.settings.deployment
    now = utcnow()
    filters = dashboard_filter(api.query, deployment, now=now)
    tables = tables_for(api.session, filters, deployment=deployment, language=api.user.language or "en", now=now)
    return {
        "filters": {
            "from": filters.created_from,
            "to": filters.created_before,
            "sector": list(filters.sectors),
            "area": list(filters.areas),
        },
        "now": now,
        "tables": {name: {"columns": list(t.columns), "rows": t.records()} for name, t in tables.items()},
    }


def dashboard_filter(query: QueryParams, deployment: Deployment, *, now: datetime) -> DashboardFilter:
    """The dashboard's filters from query parameters (ApiError 400 naming a bad one)."""
    timezone = ZoneInfo(deployment.timezone)
    default_from, default_to = default_period(now, timezone)
    start = parse_moment(query.get("from"), name="from", timezone=timezone) or default_from
    end = parse_moment(query.get("to"), name="to", timezone=timezone, end_of_day=True) or default_to
    if end <= start:
        raise ApiError(400, "to must be on or after from")
    filters = DashboardFilter(
        created_from=start,
        created_before=end,
        sectors=tuple(choices(query.getlist("sector"), name="sector", allowed=[s.code for s in deployment.sectors])),
        areas=tuple(choices(query.getlist("area"), name="area", allowed=[a.code for a in deployment.areas])),
    )
    if len(weeks_of(filters, timezone)) > MAX_WEEKS:
        raise ApiError(400, f"from and to may span at most {MAX_WEEKS} weeks")
    return filters


def table_csv(table: Table, *, deployment: Deployment) -> Iterator[str]:
    return csv_lines(table.columns, table.rows, timezone=ZoneInfo(deployment.timezone))


def inbox_csv(
    engine: Engine, filters: InboxFilter, *, consented_only: bool, deployment: Deployment, language: str
) -> Iterator[str]:
    """The filtered inbox as CSV chunks, read page by page in a session of its own: the response streams
    after the request's session has closed."""
    with Session(engine) as session:
        yield from csv_lines(
            INBOX_COLUMNS,
            _inbox_rows(session, filters, consented_only=consented_only, language=language),
            timezone=ZoneInfo(deployment.timezone),
        )


def _inbox_rows(
    session: Session, filters: InboxFilter, *, consented_only: bool, language: str
) -> Iterator[tuple[Value, ...]]:
    providers: dict[int, str] = {}
    for page in export_pages(session, filters=filters, consented_only=consented_only):
        missing = sorted({r.provider_id for r in page if r.provider_id is not None} - providers.keys())
        providers.update({p.id: p.name(language) for p in list_providers(session, ids=missing)} if missing else {})
        for r in page:
            provider = providers.get(r.provider_id) if r.provider_id is not None else None
            yield (
                r.reference,
                r.created_at,
                r.status,
                r.language,
                r.sector,
                r.area,
                r.soum,
                r.broadcast_consent,
                r.reviewed,
                r.provider_id,
                provider,
                r.response_deadline_at,
                r.answered_at,
                r.transcript,
            )
