"""URL map of the producer's episode pages, each route with who may use it.

Producers and admins only: staff review complaints and providers answer them, but what airs is the
producer's call. Every segment shown is a complaint whose caller agreed to broadcast (hotline.episode_queries).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from hotline.access import roles
from hotline.models.users import Role
from staff.web import episode_pages as views
from staff.web.page import page_route

PRODUCERS = roles(Role.ADMIN, Role.PRODUCER)
POST = ("POST",)

routes: list[BaseRoute] = [
    page_route("/episodes", views.episodes_page, PRODUCERS),
    page_route("/episodes", views.draft, PRODUCERS, methods=POST),
    page_route("/episodes/{episode_id}", views.episode_page, PRODUCERS),
    page_route("/episodes/{episode_id}", views.save_episode, PRODUCERS, methods=POST),
    page_route("/episodes/{episode_id}/build", views.build_episode, PRODUCERS, methods=POST),
    page_route("/episodes/{episode_id}/progress", views.progress, PRODUCERS),
    page_route("/episodes/{episode_id}/package", views.package, PRODUCERS),
    page_route("/episodes/{episode_id}/publish", views.publish, PRODUCERS, methods=POST),
]
