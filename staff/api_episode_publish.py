"""Publishing an episode (producers, admins) and the stations' public feeds with their episodes' audio.

`POST /api/episodes/{id}/publish` publishes a built episode (hotline.episode_publishing), commits, then asks
the queues to deliver it (feed, AzuraCast); asking again for a published episode changes nothing but asks
for delivery again, which is how a producer retries a delivery that could not even be queued.

The feeds are public by design: podcast apps and playout automation fetch them without credentials. What they
serve was made public by a producer's publish and holds consented segments only (the feed is built by the
after-publish job from published episodes, hotline.episode_queries enforcing consent on every read); an
episode's MP3 is served only once it is published, so a built package cannot be fetched by guessing its id, and
no longer once a caller it aired withdraws consent (the next feed leaves the episode out too).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from hotline.app_state import app_state
from hotline.audio_store import AudioStore
from hotline.episode_publishing import (
    consent_withdrawn,
    feed_key,
    publish_episode,
    request_delivery,
    rough_cut_key,
    rough_cut_missing,
)
from hotline.models import Episode, EpisodeStatus, utcnow
from hotline.review_errors import Conflict
from hotline.stations import STATION_CODE, Station
from staff.api_episodes import api_document, find_episode
from staff.api_output import ApiError
from staff.endpoint import ApiRequest
from staff.params import parse_episode_id

RSS_TYPE = "application/rss+xml; charset=utf-8"
FEED_CACHE = "public, max-age=300"  # a new episode reaches podcast apps within minutes
AUDIO_CACHE = "public, max-age=86400"  # a published episode's audio does not change
_STATION = re.compile(STATION_CODE)


def publish(api: ApiRequest) -> dict[str, Any]:
    """Publish a built episode: its complaints are marked aired, and its station's feed is rewritten."""
    episode = find_episode(api, parse_episode_id(api.path_params["episode_id"]))
    if rough_cut_missing(episode, AudioStore(api.settings.audio_dir)):
        raise Conflict("the episode's package has no rough cut MP3 in the audio store: build it again")
    publish_episode(api.session, episode=episode, deployment=api.settings.deployment, actor=api.actor, now=utcnow())
    api.session.commit()  # the published rows exist before the delivery job may run
    jobs = api.services.jobs if api.services is not None else None
    request_delivery(api.session, episode_id=episode.id or 0, jobs=jobs, now=utcnow())
    api.session.refresh(episode)
    return api_document(api, episode)


def station_feed(request: Request) -> Response:
    """The station's RSS feed as the last delivery wrote it; 404 before its first publish."""
    station = str(request.path_params["station"])
    services = app_state(request)
    if not _known_station(station, services.settings.deployment.stations):
        return PlainTextResponse("no such station", status_code=404)
    path = AudioStore(services.settings.audio_dir).existing(feed_key(station))
    if path is None:
        return PlainTextResponse("this station has published no episode yet", status_code=404)
    return FileResponse(path, media_type=RSS_TYPE, headers={"Cache-Control": FEED_CACHE})


def episode_audio(request: Request) -> Response:
    """A published episode's rough cut, with its length and byte ranges (podcast apps resume downloads)."""
    station = str(request.path_params["station"])
    services = app_state(request)
    try:
        episode_id = parse_episode_id(request.path_params["episode_id"])
    except ApiError:
        return PlainTextResponse("no such episode", status_code=404)
    with Session(services.engine) as session:
        episode = session.get(Episode, episode_id)
        published = episode is not None and episode.status == EpisodeStatus.PUBLISHED and episode.station == station
        published = published and not consent_withdrawn(session, episode_ids=[episode_id])
    path = AudioStore(services.settings.audio_dir).existing(rough_cut_key(episode_id)) if published else None
    if path is None:
        return PlainTextResponse("no such published episode", status_code=404)
    return FileResponse(path, media_type="audio/mpeg", headers={"Cache-Control": AUDIO_CACHE})


def _known_station(code: str, stations: Sequence[Station]) -> bool:
    return bool(_STATION.fullmatch(code)) and any(s.code == code for s in stations)
