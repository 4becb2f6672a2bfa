"""Build, download and publish from the episode page: the buttons' handlers and the progress the page polls.

The build and the publication are the core's (hotline.episode_builds, hotline.episode_publishing); each
handler commits its unit of work and only then hands the work to the queues, so a job never runs for a
request that rolled back. Should the queues refuse it (Redis unreachable), the request stays on the episode
and the page says so: pressing the button again asks again, which is harmless (a build already under way
is not doubled; publishing a published episode only asks for its delivery again).

The JSON API is for Bearer-token clients; the page's own small routes (progress, package) use the browser's
session, so the page's script polls `/episodes/{id}/progress`, not the API.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.responses import FileResponse, JSONResponse, Response

from hotline.audio_store import AudioStore
from hotline.audit import Actor
from hotline.episode_builds import build_progress, package_ready, request_build
from hotline.episode_publishing import aired_on_episode, publish_episode, request_delivery, rough_cut_missing
from hotline.models import Episode, utcnow
from hotline.review_errors import Conflict
from staff.api_output import jsonable
from staff.web.page import PageError, PageRequest

log = logging.getLogger(__name__)


def build(page: PageRequest, episode: Episode) -> Response:
    """Ask for the episode's package; the page then shows the build's progress."""
    request_build(page.session, episode=episode, actor=Actor.of(page.user, address=page.address), now=utcnow())
    page.session.commit()  # the request exists before the job may run
    done = "build"
    try:
        if page.jobs is not None:
            page.jobs.episode_build_requested(episode.id or 0)
    except Exception:
        log.exception("could not enqueue the build of episode %s", episode.id)
        done = "build_not_queued"
    return page.redirect(f"/episodes/{episode.id}?done={done}#build")


def publish(page: PageRequest, episode: Episode) -> Response:
    """Publish a built episode (its complaints are marked aired), then ask for its delivery (feed, playout)."""
    if rough_cut_missing(episode, AudioStore(page.settings.audio_dir)):
        raise Conflict(page.gettext("The package has no rough cut to publish: build the episode again."))
    publish_episode(
        page.session, episode=episode, deployment=page.settings.deployment,
        actor=Actor.of(page.user, address=page.address), now=utcnow(),
    )  # fmt: skip
    page.session.commit()  # the published rows exist before the delivery job may run
    queued = request_delivery(page.session, episode_id=episode.id or 0, jobs=page.jobs, now=utcnow())
    done = "published" if queued else "delivery_not_queued"
    return page.redirect(f"/episodes/{episode.id}?done={done}#build")


def progress(episode: Episode) -> Response:
    """The episode's status and its build's progress, for the page's poll (no caching: it changes)."""
    body = jsonable({"id": episode.id, "status": episode.status, "build": build_progress(episode)})
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def package(page: PageRequest, episode: Episode) -> Response:
    """The built package (zip) as a download."""
    path = AudioStore(page.settings.audio_dir).existing(episode.package_key) if package_ready(episode) else None
    if path is None:
        raise PageError(404, page.gettext("This episode has no built package yet."))
    name = f"{episode.station}-{episode.week}.zip"
    return FileResponse(path, media_type="application/zip", filename=name, headers={"Cache-Control": "no-store"})


def build_panel(page: PageRequest, episode: Episode) -> dict[str, Any]:
    """What the page's build and publish section shows."""
    return {
        "progress": build_progress(episode),
        "package_ready": package_ready(episode),
        "aired": aired_on_episode(page.session, episode_id=episode.id or 0),
        "delivery_error": episode.delivery_error,
        "delivered_at": episode.delivered_at,
        "published_at": episode.published_at,
    }
