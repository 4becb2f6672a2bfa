"""The station feed read back by two independent consumers: feedparser (what most tools use) and gPodder's
strict podcastparser."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import feedparser
import podcastparser
import pytest

from radio_segments.episode_feed import FeedChannel, FeedItem, episode_feed

CHANNEL = FeedChannel(
    title="Иргэдийн дуу хоолой — Khovd FM",
    link="https://hotline.example.mn/",
    feed_url="https://hotline.example.mn/feeds/khovd-fm.xml",
    description="Weekly dialogue: citizens' complaints & providers' answers <live>",
    language="mn",
    author="Khovd FM",
)
WEEK_48 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _item(number: int, published: datetime) -> FeedItem:
    return FeedItem(
        guid=f"fixmyservice-episode-{number}",
        title=f"2026-W{number}: Эмнэлэг & сургууль",
        description="Khovd hospital has not answered in 45 days <b>",
        published_at=published,
        enclosure_url=f"https://hotline.example.mn/episodes/{number}/rough-cut.mp3?token=abc&x=1",
        enclosure_bytes=28_800_123 + number,
        duration_seconds=1799.6,
    )


FEED = episode_feed(CHANNEL, [_item(47, WEEK_48 - timedelta(days=7)), _item(48, WEEK_48)])


def test_feedparser_reads_the_channel_and_every_enclosure() -> None:
    parsed = feedparser.parse(FEED)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20" and parsed.feed.title == CHANNEL.title and parsed.feed.language == "mn"
    assert [e.id for e in parsed.entries] == ["fixmyservice-episode-48", "fixmyservice-episode-47"]  # newest first
    newest = parsed.entries[0]
    assert newest.title == "2026-W48: Эмнэлэг & сургууль"
    assert newest.published_parsed[:5] == (2026, 11, 27, 10, 0)
    [enclosure] = newest.enclosures
    assert enclosure.href.endswith("rough-cut.mp3?token=abc&x=1")
    assert enclosure.length == str(28_800_123 + 48) and enclosure.type == "audio/mpeg"
    assert newest.itunes_duration == "1800"


def test_the_strict_podcast_parser_accepts_it() -> None:
    parsed = podcastparser.parse(CHANNEL.feed_url, io.BytesIO(FEED))
    assert parsed["title"] == CHANNEL.title
    episodes = {e["guid"]: e for e in parsed["episodes"]}
    [enclosure] = episodes["fixmyservice-episode-47"]["enclosures"]
    assert enclosure["file_size"] == 28_800_123 + 47 and enclosure["mime_type"] == "audio/mpeg"
    assert episodes["fixmyservice-episode-48"]["total_time"] == 1800


def test_a_date_without_a_timezone_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        episode_feed(CHANNEL, [_item(1, datetime(2026, 11, 27, 10, 0))])
