"""URL map of publishing: the publish action and the stations' public feeds, each route with who may use it.

Publishing is for producers and admins. The feeds and their episodes' MP3s are PUBLIC: podcast apps and
stations' playout automation fetch them without credentials, and they hold only what a producer published,
made of consented segments (see staff.api_episode_publish).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from hotline.access import PUBLIC, declare, roles
from hotline.models.users import Role
from staff import api_episode_publish
from staff.endpoint import RouteDoc, api_route

PRODUCERS = roles(Role.ADMIN, Role.PRODUCER)

routes: list[BaseRoute] = [
    api_route(
        "/api/episodes/{episode_id}/publish",
        api_episode_publish.publish,
        PRODUCERS,
        methods=("POST",),
        doc=RouteDoc(
            responses={
                200: "The published episode, with `feed_url` (publishing a published episode changes nothing but "
                "asks for its delivery again).",
                404: "No episode with this id.",
                409: "The episode is not built yet (or its package lacks the rough cut).",
            }
        ),
    ),
    declare(PUBLIC, Route("/feeds/{station}.xml", api_episode_publish.station_feed, methods=["GET"])),
    declare(
        PUBLIC,
        Route("/feeds/{station}/episodes/{episode_id}.mp3", api_episode_publish.episode_audio, methods=["GET"]),
    ),
]
