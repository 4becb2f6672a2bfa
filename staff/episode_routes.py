"""URL map (API and pages) of radio stations and weekly episodes, each route with who may use it.

Admins, staff and producers read stations and episodes; producers and admins draft and edit them. Every
segment of an episode is a complaint whose caller agreed to broadcast, so a producer sees nothing here that
the consent rule would hide from them elsewhere.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from hotline.access import roles
from hotline.models import VoiceTreatment
from hotline.models.radio import AnswerAirs
from hotline.models.users import Role
from staff import api_episodes
from staff.endpoint import Param, RouteDoc, api_route

READERS = roles(Role.ADMIN, Role.STAFF, Role.PRODUCER)
PRODUCERS = roles(Role.ADMIN, Role.PRODUCER)

EPISODE = "/api/episodes/{episode_id}"
NOT_FOUND = {404: "No episode with this id."}
_ID = {"type": "integer", "minimum": 1}
_NULLABLE_INDEX = {"type": ["integer", "null"], "minimum": 0}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


_SEGMENT_EDIT = _object(
    {
        "id": _ID,
        "trim": {
            "oneOf": [_object({"first": _NULLABLE_INDEX, "last": _NULLABLE_INDEX}, []), {"type": "null"}],
            "description": "first and last word (0-based) of the transcript's words; null ends = start / end",
        },
        "voice": {"enum": list(VoiceTreatment)},
        "host_lines": {"type": "string"},
        "answer": {
            "oneOf": [
                _object({"response_id": {"type": ["integer", "null"]}, "airs": {"enum": [*AnswerAirs, None]}}, []),
                {"type": "null"},
            ]
        },
    },
    ["id"],
)
_EDIT = _object(
    {
        "version": {**_ID, "description": "the version this edit was made on"},
        "title": {"type": "string"},
        "intro": {"type": "string"},
        "outro": {"type": "string"},
        "chosen": {"type": "array", "items": _ID, "description": "segment ids to air, in show order"},
        "segments": {"type": "array", "items": _SEGMENT_EDIT},
    },
    ["version"],
)

routes: list[BaseRoute] = [
    api_route("/api/stations", api_episodes.stations, READERS),
    api_route(
        "/api/episodes",
        api_episodes.episodes,
        READERS,
        doc=RouteDoc(
            query=(
                Param("station", "a station code: that station's episodes only"),
                Param("week", "an ISO week such as 2026-W48: that week's episodes only"),
            ),
            responses={400: "No such station, or not an ISO week."},
        ),
    ),
    api_route(
        "/api/episodes",
        api_episodes.create_episode,
        PRODUCERS,
        methods=("POST",),
        doc=RouteDoc(
            body=_object(
                {"station": {"type": "string"}, "week": {"type": "string", "example": "2026-W48"}}, ["station"]
            ),
            responses={
                201: "The drafted episode (drafting an existing draft re-ranks it and keeps the producer's edits).",
                400: "No such station, or not an ISO week.",
                409: "The week's episode is already built or published.",
            },
        ),
    ),
    api_route(EPISODE, api_episodes.episode, READERS, doc=RouteDoc(responses=NOT_FOUND)),
    api_route(
        f"{EPISODE}/build",
        api_episodes.build,
        PRODUCERS,
        methods=("POST",),
        doc=RouteDoc(
            responses={
                202: "The build is queued (or already under way); the body is its progress.",
                400: "No chosen segment to build.",
                **NOT_FOUND,
                409: "The episode is published: its package is what aired.",
            },
        ),
    ),
    api_route(
        f"{EPISODE}/package",
        api_episodes.package,
        READERS,
        doc=RouteDoc(
            responses={
                200: "The package (application/zip): clips, rough cut, script, cue sheets, manifest.json.",
                **NOT_FOUND,
                409: "Not built yet: the body is the build's progress.",
            },
            media_type="application/zip",
        ),
    ),
    api_route(
        EPISODE,
        api_episodes.change_episode,
        PRODUCERS,
        methods=("PATCH",),
        doc=RouteDoc(
            body=_EDIT,
            responses={
                400: "A trim outside the transcript's words, an unknown voice or segment, or an answer it cannot air.",
                **NOT_FOUND,
                409: "The episode changed since `version`, or is no longer a draft; nothing was written.",
            },
        ),
    ),
]
