"""What the templates show: the run sheet's timeline grouped into blocks, with clock times and labels ready.

Kept apart from the templates so each format (HTML, Markdown, PDF) shows the same figures. Clock times are
rounded at the item boundaries and a length is the difference of the rounded boundaries, so the lengths a
host reads on the sheet add up to the total on the sheet (rounding each length on its own would not).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from babel.core import UnknownLocaleError
from babel.dates import format_date

from radio_segments.run_sheet import AudioCue, ItemKind, Jingle, RunSheet, Segment, TimedItem, Timeline, timeline
from radio_segments.script_labels import ENGLISH, has_labels, labels_for, primary_language, status_label

_LABEL_OF_KIND = {
    ItemKind.JINGLE: "jingle",
    ItemKind.INTRO: "intro",
    ItemKind.HOST: "host",
    ItemKind.CLIP: "clip",
    ItemKind.REVOICED: "revoiced",
    ItemKind.ANSWER_AUDIO: "answer",
    ItemKind.ANSWER_READ: "answer_read",
    ItemKind.HOW_TO_CALL: "how_to_call",
    ItemKind.OUTRO: "outro",
}


def whole_seconds(seconds: float) -> int:
    """Half a second rounds up (Python's round() would send 2.5 to 2 and 3.5 to 4)."""
    return math.floor(seconds + 0.5)


def clock(seconds: float) -> str:
    """'4:05' from the top of the show, '1:02:05' past the hour."""
    hours, rest = divmod(whole_seconds(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True, kw_only=True)
class ItemView:
    kind: str
    label: str
    start: str
    end: str
    length: str
    start_seconds: float
    seconds: float
    read: str  # the words the host reads live; "" when a recording plays
    cue: AudioCue | None  # the caller's or the provider's recording that plays, if one does
    jingle: Jingle | None  # the jingle that plays, if one does


@dataclass(frozen=True, kw_only=True)
class BlockView:
    """A jingle, the intro, one segment, how to call, or the outro, with its items in air order."""

    kind: str  # "jingle", "intro", "segment", "how_to_call" or "outro"
    label: str
    start: str
    end: str
    length: str
    items: tuple[ItemView, ...]
    segment: Segment | None
    voice: str  # the caller's voice treatment, named; "" outside segments
    status: str  # the complaint's status, named; "" outside segments


@dataclass(frozen=True, kw_only=True)
class SheetView:
    sheet: RunSheet
    labels: Mapping[str, str]
    labels_language: str  # the language the labels are in (English when asked, or when the station's has none)
    content_language: str  # the station's language: the host's lines are written in it
    broadcast_date: str
    total: str
    total_seconds: float
    blocks: tuple[BlockView, ...]


def _read_text(sheet: RunSheet, item: TimedItem) -> str:
    segment = item.segment
    match item.kind:
        case ItemKind.INTRO:
            return sheet.intro.text
        case ItemKind.OUTRO:
            return sheet.outro.text
        case ItemKind.HOST if segment:
            return segment.host.text
        case ItemKind.REVOICED if segment and segment.revoiced:
            return segment.revoiced.text
        case ItemKind.ANSWER_READ if segment and segment.answer and segment.answer.read:
            return segment.answer.read.text
    return ""  # a recording plays, or the how-to-call block (its number and menu are shown on their own)


def _cue(item: TimedItem) -> AudioCue | None:
    segment = item.segment
    match item.kind:
        case ItemKind.CLIP if segment:
            return segment.clip
        case ItemKind.ANSWER_AUDIO if segment and segment.answer:
            return segment.answer.audio
    return None


def _item_view(sheet: RunSheet, item: TimedItem, labels: Mapping[str, str]) -> ItemView:
    return ItemView(
        kind=item.kind.value,
        label=labels[_LABEL_OF_KIND[item.kind]],
        start=clock(item.start),
        end=clock(item.end),
        length=clock(whole_seconds(item.end) - whole_seconds(item.start)),
        start_seconds=item.start,
        seconds=item.seconds,
        read=_read_text(sheet, item),
        cue=_cue(item),
        jingle=item.jingle,
    )


def _block(
    kind: str, label: str, items: list[ItemView], segment: Segment | None, labels: Mapping[str, str]
) -> BlockView:
    first, last = items[0], items[-1]
    start, end = first.start_seconds, last.start_seconds + last.seconds
    return BlockView(
        kind=kind,
        label=label,
        start=clock(start),
        end=clock(end),
        length=clock(whole_seconds(end) - whole_seconds(start)),
        items=tuple(items),
        segment=segment,
        voice=labels[f"voice_{segment.voice.value}"] if segment else "",
        status=status_label(labels, segment.status) if segment and segment.status else "",
    )


def _blocks(sheet: RunSheet, times: Timeline, labels: Mapping[str, str]) -> tuple[BlockView, ...]:
    groups: list[tuple[TimedItem, list[ItemView]]] = []
    for item in times.items:
        view = _item_view(sheet, item, labels)
        same_segment = groups and item.segment is not None and groups[-1][0].segment is item.segment
        if same_segment:
            groups[-1][1].append(view)
        else:
            groups.append((item, [view]))
    blocks = []
    for head, views in groups:
        if head.segment is not None:
            blocks.append(_block("segment", head.segment.title, views, head.segment, labels))
        else:
            kind = _LABEL_OF_KIND[head.kind]
            blocks.append(_block(kind, labels[kind], views, None, labels))
    return tuple(blocks)


def _date_text(sheet: RunSheet, language: str) -> str:
    try:
        return format_date(sheet.broadcast_date, format="full", locale=language)
    except (UnknownLocaleError, ValueError):
        return sheet.broadcast_date.isoformat()


def sheet_view(sheet: RunSheet, *, lang: str | None = None) -> SheetView:
    """The view of `sheet` with labels in `lang` (default: the station's language)."""
    wanted = primary_language(lang or sheet.station_language)
    labels_language = wanted if has_labels(wanted) else ENGLISH
    labels = labels_for(labels_language)
    times = timeline(sheet)
    return SheetView(
        sheet=sheet,
        labels=labels,
        labels_language=labels_language,
        content_language=primary_language(sheet.station_language),
        broadcast_date=_date_text(sheet, labels_language),
        total=clock(times.total),
        total_seconds=times.total,
        blocks=_blocks(sheet, times, labels),
    )
