"""URL map of the complaint page and its forms, each with who may use it.

Everyone who reads complaints may open the page and hear the caller (producers: consented complaints only,
enforced by the query); only staff and admins change anything; only admins reveal a caller's number.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from hotline.access import roles
from hotline.models.users import Role
from staff.web import complaint_page as views
from staff.web.page import page_route

READERS = roles(Role.ADMIN, Role.STAFF, Role.PRODUCER)
REVIEWERS = roles(Role.ADMIN, Role.STAFF)
ADMINS = roles(Role.ADMIN)
POST = ("POST",)

routes: list[BaseRoute] = [
    page_route("/complaints/{reference}", views.complaint_page, READERS),
    page_route("/complaints/{reference}/audio", views.complaint_audio, READERS),
    page_route("/complaints/{reference}/transcript", views.save_transcript, REVIEWERS, methods=POST),
    page_route("/complaints/{reference}/status", views.change_complaint_status, REVIEWERS, methods=POST),
    page_route("/complaints/{reference}/tags", views.change_tags, REVIEWERS, methods=POST),
    page_route("/complaints/{reference}/notes", views.add_complaint_note, REVIEWERS, methods=POST),
    page_route("/complaints/{reference}/reveal", views.reveal_caller, ADMINS, methods=POST),
]
