"""URL map (API and pages) of the dashboard and the CSV exports, each route with who may use it.

Admins, staff and producers read the dashboard: its tables are counts and durations, with no caller in them.
The inbox's CSV lists complaints, so, like the inbox, it gives producers only those whose callers agreed to
broadcast (the core query decides). Provider logins reach none of these.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from hotline.access import roles
from hotline.models.users import Role
from staff import api_dashboard
from staff.endpoint import Param, RouteDoc, api_route
from staff.web import dashboard
from staff.web.page import page_route

READERS = roles(Role.ADMIN, Role.STAFF, Role.PRODUCER)

routes: list[BaseRoute] = [
    api_route(
        "/api/dashboard",
        api_dashboard.dashboard,
        READERS,
        doc=RouteDoc(
            query=(
                Param("from", "created on or after: ISO 8601 date (default: Monday of the 12th ISO week back)"),
                Param("to", "created on or before: ISO 8601 date, the whole day included (default: today)"),
                Param("sector", "a sector code", repeats=True),
                Param("area", "an area code", repeats=True),
            ),
            responses={200: "Tables weekly, providers, sectors, overdue and satisfaction: columns and rows."},
        ),
    ),
    page_route("/dashboard", dashboard.dashboard_page, READERS),
    page_route("/dashboard/{table}.csv", dashboard.table_csv_file, READERS),
    page_route("/complaints.csv", dashboard.complaints_csv_file, READERS),
]
