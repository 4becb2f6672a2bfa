"""A station's feed from its published episodes: each episode's rough cut measured on disk, so every enclosure
states the exact byte length and duration of the file the web serves at its URL.

Plain inputs (no database, no web): the after-publish job reads the published episodes and passes them here
with the addresses to use, and stores the bytes this returns. Only published episodes are ever passed, and an
episode airs consented segments only, so the feed names no caller by construction; item text is the
producer's title and intro, never a transcript.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hotline.audio_probe import probe_audio
from radio_segments.episode_feed import FeedChannel, FeedItem, episode_feed


@dataclass(frozen=True)
class StationInfo:
    code: str
    name: str
    language: str
    site_url: str  # the hotline's public address (the channel's link)
    feed_url: str  # this feed's own address


@dataclass(frozen=True)
class PublishedEpisode:
    episode_id: int
    guid: str
    title: str
    intro: str
    week: str
    published_at: datetime  # timezone-aware
    rough_cut: Path  # the MP3 the enclosure URL serves


def station_feed(
    station: StationInfo, episodes: Sequence[PublishedEpisode], *, audio_url: Callable[[int], str]
) -> bytes:
    """RSS 2.0 of the station's published episodes; `audio_url(episode_id)` is each enclosure's address.

    An episode whose rough cut is missing is an error, not a silent gap: the job fails, records why, and RQ
    retries, rather than publishing a feed that lost an episode listeners already have."""
    channel = FeedChannel(
        title=station.name,
        link=station.site_url,
        feed_url=station.feed_url,
        description=f"{station.name}: citizens' complaints and the answers of public services, every week",
        language=station.language,
        author=station.name,
    )
    return episode_feed(channel, [_item(station, episode, audio_url) for episode in episodes])


def _item(station: StationInfo, episode: PublishedEpisode, audio_url: Callable[[int], str]) -> FeedItem:
    if not episode.rough_cut.is_file():
        raise FileNotFoundError(f"episode {episode.episode_id} ({episode.week}): no rough cut at {episode.rough_cut}")
    info = probe_audio(episode.rough_cut)
    return FeedItem(
        guid=episode.guid,
        title=episode.title or f"{station.name} {episode.week}",
        description=episode.intro or f"{station.name}, {episode.week}",
        published_at=episode.published_at,
        enclosure_url=audio_url(episode.episode_id),
        enclosure_bytes=info.size_bytes,
        duration_seconds=info.duration_seconds or 0.0,
    )
