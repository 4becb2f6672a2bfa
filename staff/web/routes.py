"""URL map of the staff web pages, each with who may use it, and the static files they load.

Anyone may open the login form and the static files; everything else needs a signed-in user with a
listed role. The complaint pages (`/`, `/complaints/...`) join this table from their own modules.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from hotline.access import PUBLIC, declare, roles
from hotline.models.users import Role
from staff.web import account, audit_page, complaint_routes, episode_page_routes, inbox, login, users
from staff.web.page import page_route, public_page_route

STATIC_DIR = Path(__file__).resolve().parent / "static"

EVERYONE_SIGNED_IN = roles(Role.ADMIN, Role.STAFF, Role.PRODUCER, Role.PROVIDER)
ADMINS = roles(Role.ADMIN)
POST = ("POST",)

routes: list[BaseRoute] = [
    public_page_route("/login", login.login_form),
    public_page_route("/login", login.login, methods=POST),
    public_page_route("/language", login.choose_language, methods=POST),
    page_route("/logout", login.logout, EVERYONE_SIGNED_IN, methods=POST),
    page_route("/account/password", account.password_form, EVERYONE_SIGNED_IN),
    page_route("/account/password", account.change_password, EVERYONE_SIGNED_IN, methods=POST),
    page_route("/account/language", account.choose_language, EVERYONE_SIGNED_IN, methods=POST),
    page_route("/admin/users", users.users_page, ADMINS),
    page_route("/admin/users", users.add_user, ADMINS, methods=POST),
    page_route("/admin/users/{user_id:int}/role", users.change_role, ADMINS, methods=POST),
    page_route("/admin/users/{user_id:int}/deactivate", users.deactivate, ADMINS, methods=POST),
    page_route("/admin/users/{user_id:int}/reactivate", users.reactivate, ADMINS, methods=POST),
    page_route("/admin/users/{user_id:int}/password", users.reset_password, ADMINS, methods=POST),
    page_route("/admin/audit", audit_page.audit_page, ADMINS),
    *inbox.routes,
    *complaint_routes.routes,
    *episode_page_routes.routes,
    declare(PUBLIC, Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static")),
]
