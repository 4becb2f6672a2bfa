"""An RSS 2.0 feed of a station's published episodes, for playout automation and podcast apps.

Each item's enclosure is the episode's rough cut as MP3 (`audio/mpeg`, the type every consumer accepts),
with its exact length in bytes; the guid is stable for the life of the episode, so a re-published
episode is not downloaded twice as a new one. Built with ElementTree, so free text (titles, host lines)
is escaped by the writer. Nothing in a feed names a caller: items describe episodes, whose segments
are consented by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedChannel:
    title: str
    link: str  # the station's page (or the hotline's site)
    feed_url: str  # this feed's own address (atom:link rel=self)
    description: str
    language: str  # e.g. mn, km
    author: str  # the station


@dataclass(frozen=True)
class FeedItem:
    guid: str
    title: str
    description: str
    published_at: datetime  # timezone-aware
    enclosure_url: str
    enclosure_bytes: int
    duration_seconds: float
    enclosure_type: str = "audio/mpeg"


def episode_feed(channel: FeedChannel, items: Sequence[FeedItem]) -> bytes:
    """The feed as UTF-8 XML, newest item first."""
    ET.register_namespace("itunes", ITUNES)
    ET.register_namespace("atom", ATOM)
    rss = ET.Element("rss", {"version": "2.0"})
    ch = ET.SubElement(rss, "channel")
    _text(ch, "title", channel.title)
    _text(ch, "link", channel.link)
    _text(ch, "description", channel.description)
    _text(ch, "language", channel.language)
    ET.SubElement(ch, f"{{{ATOM}}}link", {"href": channel.feed_url, "rel": "self", "type": "application/rss+xml"})
    _text(ch, f"{{{ITUNES}}}author", channel.author)
    _text(ch, f"{{{ITUNES}}}explicit", "false")
    ordered = sorted(items, key=lambda i: i.published_at, reverse=True)
    if ordered:
        _text(ch, "lastBuildDate", format_datetime(ordered[0].published_at))
    for item in ordered:
        if item.published_at.tzinfo is None:
            raise ValueError("a feed item's date needs a timezone")
        it = ET.SubElement(ch, "item")
        _text(it, "title", item.title)
        _text(it, "description", item.description)
        _text(it, "pubDate", format_datetime(item.published_at))
        ET.SubElement(it, "guid", {"isPermaLink": "false"}).text = item.guid
        enclosure = {"url": item.enclosure_url, "length": str(item.enclosure_bytes), "type": item.enclosure_type}
        ET.SubElement(it, "enclosure", enclosure)
        _text(it, f"{{{ITUNES}}}duration", str(round(item.duration_seconds)))
    return bytes(ET.tostring(rss, encoding="utf-8", xml_declaration=True))


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = text
