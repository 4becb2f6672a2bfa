"""Job of the radio queue after a publish: rewrite the station's feed, and upload the MP3s to AzuraCast if the
station has it.

Thin: the feed is radio_segments.station_feed, the upload radio_segments.azuracast, the rows hotline
.episode_publishing. The feed is rebuilt whole from every published episode of the station and replaces the
stored one atomically (AudioStore.put), so a retry or a second publish simply writes the current truth. A
failed try records its reason on the episode (delivery_error, shown with the episode) and raises, so RQ retries
with the back-off of queue_workers.dispatch; a successful try clears it and sets delivered_at. Each MP3 AzuraCast
accepts is noted on the episode at once (hotline.playout_uploads), so a retry sends only the files it lacks.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

from hotline.audio_store import AudioStore
from hotline.db import write_session
from hotline.episode_publishing import (
    episode_audio_path,
    feed_key,
    feed_path,
    published_episodes,
    record_delivery,
    rough_cut_key,
)
from hotline.models import Episode, EpisodeStatus, utcnow
from hotline.models.common import ensure_aware, saved_id
from hotline.playout_uploads import record_uploaded, uploaded_files
from hotline.settings import Settings
from hotline.stations import Station
from queue_workers.context import current_context
from radio_segments.azuracast import (
    AzuraCastStation,
    Upload,
    file_upload,
    package_uploads,
    still_to_send,
    upload_files,
)
from radio_segments.station_feed import PublishedEpisode, StationInfo, station_feed

log = logging.getLogger(__name__)

AZURACAST_FOLDER = "fixmyservice"  # the episodes' folder in the station's AzuraCast media library


class DeliveryFailedError(RuntimeError):
    """This try did not deliver; the reason is on the episode and RQ tries again."""


def after_publish(episode_id: int) -> str:
    """Write the station's feed and, for an AzuraCast station, upload the episode's MP3s."""
    ctx = current_context()
    with Session(ctx.engine) as session:
        episode = session.get(Episode, episode_id)
        if episode is None or episode.status != EpisodeStatus.PUBLISHED:
            return f"episode {episode_id} is not published: nothing to deliver"
        station = ctx.settings.deployment.station(episode.station)
        if station is None:
            return f"episode {episode_id}: station {episode.station!r} is no longer in the deployment"
        listed = [_published(e, ctx.store) for e in published_episodes(session, station=station.code)]
        week, package_key = episode.week, episode.package_key
    try:
        feed = station_feed(_station_info(ctx.settings, station), listed, audio_url=_audio_url(ctx.settings, station))
        ctx.store.put(feed_key(station.code), feed)
        summary = f"feed of {station.code}: {len(listed)} episodes"
        if station.azuracast is not None:
            target = AzuraCastStation(
                base_url=station.azuracast.base_url,
                station_id=station.azuracast.station_id,
                api_key=_api_key(station.azuracast.api_key_env),
            )
            folder = f"{AZURACAST_FOLDER}/{station.code}/{week}"
            summary += _upload(ctx.engine, target, episode_id, _uploads(ctx.store, episode_id, package_key, folder))
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        _record(ctx.engine, episode_id, reason)
        log.warning("delivering episode %s failed: %s", episode_id, reason)
        raise DeliveryFailedError(f"episode {episode_id}: {reason}") from exc
    _record(ctx.engine, episode_id, "")
    log.info("episode %s delivered: %s", episode_id, summary)
    return summary


def _upload(engine: Engine, target: AzuraCastStation, episode_id: int, uploads: list[Upload]) -> str:
    """Send what AzuraCast lacks, noting each accepted file at once; the summary's words for the job's result."""
    pending = still_to_send(uploads, uploaded_files(engine, episode_id=episode_id))

    def taken(upload: Upload) -> None:
        record_uploaded(engine, episode_id=episode_id, path=upload.path, sha256=upload.sha256)

    sent = upload_files(target, pending, on_uploaded=taken)
    kept = len(uploads) - len(pending)
    return f"; {len(sent)} MP3s uploaded to AzuraCast" + (f" ({kept} already there)" if kept else "")


def _record(engine: Engine, episode_id: int, error: str) -> None:
    with write_session(engine) as session:
        record_delivery(session, episode_id=episode_id, error=error, now=utcnow())
        session.commit()


def _published(episode: Episode, store: AudioStore) -> PublishedEpisode:
    episode_id = saved_id(episode)
    published_at = ensure_aware(episode.published_at)
    assert published_at is not None  # a published episode has its date (hotline.episode_publishing)
    return PublishedEpisode(
        episode_id=episode_id,
        guid=episode.feed_guid or f"fixmyservice:{episode.station}:{episode.week}:{episode_id}",
        title=episode.title,
        intro=episode.intro,
        week=episode.week,
        published_at=published_at,
        rough_cut=store.path(rough_cut_key(episode_id)),
    )


def _station_info(settings: Settings, station: Station) -> StationInfo:
    base = settings.public_base_url
    return StationInfo(
        code=station.code,
        name=station.name,
        language=station.language,
        site_url=f"{base}/",
        feed_url=base + feed_path(station.code),
    )


def _audio_url(settings: Settings, station: Station) -> Callable[[int], str]:
    base = settings.public_base_url
    return lambda episode_id: base + episode_audio_path(station.code, episode_id)


def _api_key(name: str) -> str:
    key = os.environ.get(name, "").strip()
    if not key:
        raise DeliveryFailedError(f"the AzuraCast API key is not set: environment variable {name} is empty")
    return key


def _uploads(store: AudioStore, episode_id: int, package_key: str | None, folder: str) -> list[Upload]:
    """The rough cut, and every other MP3 of the package (the clips), under the episode's folder."""
    rough_cut = store.path(rough_cut_key(episode_id))
    package = store.existing(package_key)
    clips = package_uploads(package, folder, besides=[rough_cut.name]) if package is not None else []
    return [file_upload(folder, rough_cut), *clips]
