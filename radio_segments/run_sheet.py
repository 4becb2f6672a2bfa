"""The host's run sheet as plain typed data: what airs, in order, and how long each part runs.

The renderer (script_render.py) reads only these types, so it needs no database: the package job maps an
Episode onto them. Durations come in (a clip's length, the scripted seconds for the host's lines); running
times are computed here and never passed in, so the sheet cannot disagree with itself. The checks in
`__post_init__` hold the privacy rule for the script: a re-voiced segment carries no caller clip at all.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from radio_segments.voice_treatment import VoiceTreatment, caller_audio_airs


class ItemKind(StrEnum):
    """One thing that happens on air; a segment runs HOST, then CLIP or REVOICED, then its answer if any."""

    JINGLE = "jingle"  # the station's jingle plays
    INTRO = "intro"
    HOST = "host"  # the host's lines that open a segment
    CLIP = "clip"  # the caller's clip plays
    REVOICED = "revoiced"  # the host reads the caller's edited words
    ANSWER_AUDIO = "answer_audio"  # the provider's recorded answer plays
    ANSWER_READ = "answer_read"  # the host reads the provider's written answer
    HOW_TO_CALL = "how_to_call"
    OUTRO = "outro"


@dataclass(frozen=True, kw_only=True)
class _Timed:
    """Anything that takes air time. A negative or NaN length would shift every running time after it."""

    seconds: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.seconds) or self.seconds < 0:
            raise ValueError(f"{self!r}: seconds must be a finite, non-negative number")


@dataclass(frozen=True, kw_only=True)
class Spoken(_Timed):
    """Words the host reads live, with the seconds scripted for reading them."""

    text: str


@dataclass(frozen=True, kw_only=True)
class AudioCue(_Timed):
    """A recorded piece the operator plays: the file and the words it starts and ends on (the out-cue)."""

    file_name: str
    in_words: str
    out_words: str


@dataclass(frozen=True, kw_only=True)
class ProviderAnswer:
    """The provider's answer: its recording, or its text for the host to read (exactly one)."""

    provider_name: str
    audio: AudioCue | None = None
    read: Spoken | None = None

    def __post_init__(self) -> None:
        if (self.audio is None) == (self.read is None):
            raise ValueError(f"{self.provider_name}'s answer airs as audio or as text the host reads: one of them")


@dataclass(frozen=True, kw_only=True)
class Segment:
    """One complaint on air: host lines, the caller's words (clip or re-voiced), the answer, where it stands."""

    position: int
    title: str
    reference: str
    host: Spoken
    voice: VoiceTreatment
    clip: AudioCue | None = None  # the caller's clip; None when re-voiced
    revoiced: Spoken | None = None  # the edited words the host reads instead, only when re-voiced
    answer: ProviderAnswer | None = None  # None: no answer yet
    status: str = ""  # the complaint's status value (e.g. "routed"); the renderer names it
    next_step: str = ""

    def __post_init__(self) -> None:
        if not caller_audio_airs(self.voice):
            if self.clip is not None or self.revoiced is None:
                raise ValueError(f"segment {self.position} is re-voiced: no caller clip, the words the host reads")
        elif self.clip is None or self.revoiced is not None:
            raise ValueError(f"segment {self.position} ({self.voice}) plays the caller's clip: a clip cue, no re-voice")


@dataclass(frozen=True, kw_only=True)
class KeypadLine:
    key: str
    action: str  # in the station's language


@dataclass(frozen=True, kw_only=True)
class HowToCall(_Timed):
    """The hotline the host announces: the number, what each key does, and the seconds scripted for saying it."""

    number: str
    menu: tuple[KeypadLine, ...]


@dataclass(frozen=True, kw_only=True)
class Jingle(_Timed):
    file_name: str


@dataclass(frozen=True, kw_only=True)
class Jingles:
    """The station's jingles (the deployment's intro, between and outro kinds); any may be absent."""

    intro: Jingle | None = None  # before the host's intro
    between: Jingle | None = None  # between two segments
    outro: Jingle | None = None  # after the host's outro


@dataclass(frozen=True, kw_only=True)
class RunSheet:
    title: str
    station_name: str
    station_language: str  # BCP 47 tag, e.g. "mn", "km", "ko"
    broadcast_date: date
    intro: Spoken
    segments: tuple[Segment, ...]
    how_to_call: HowToCall
    outro: Spoken
    jingles: Jingles = Jingles()

    def __post_init__(self) -> None:
        positions = [segment.position for segment in self.segments]
        if any(later <= earlier for earlier, later in itertools.pairwise(positions)):
            raise ValueError(f"segments run in the order given, so positions must increase: {positions}")


@dataclass(frozen=True, kw_only=True)
class TimedItem:
    kind: ItemKind
    start: float  # seconds from the top of the show
    seconds: float
    segment: Segment | None = None  # None for the intro, jingles, how to call and the outro
    jingle: Jingle | None = None  # the jingle that plays, for a JINGLE item

    @property
    def end(self) -> float:
        return self.start + self.seconds


@dataclass(frozen=True, kw_only=True)
class Timeline:
    items: tuple[TimedItem, ...]

    @property
    def total(self) -> float:
        return math.fsum(item.seconds for item in self.items)


def _segment_parts(segment: Segment) -> list[tuple[ItemKind, float]]:
    parts = [(ItemKind.HOST, segment.host.seconds)]
    if segment.clip is not None:
        parts.append((ItemKind.CLIP, segment.clip.seconds))
    if segment.revoiced is not None:
        parts.append((ItemKind.REVOICED, segment.revoiced.seconds))
    if segment.answer is not None and segment.answer.audio is not None:
        parts.append((ItemKind.ANSWER_AUDIO, segment.answer.audio.seconds))
    if segment.answer is not None and segment.answer.read is not None:
        parts.append((ItemKind.ANSWER_READ, segment.answer.read.seconds))
    return parts


def timeline(sheet: RunSheet) -> Timeline:
    """Every item in air order with its start offset: the sum of the durations before it.

    The same order the rough cut should be stitched in (recordings play, the host's items are gaps of the
    scripted length), so the script's times and the rough cut's agree.
    """
    jingles = sheet.jingles
    parts: list[tuple[ItemKind, float, Segment | None, Jingle | None]] = []
    if jingles.intro:
        parts.append((ItemKind.JINGLE, jingles.intro.seconds, None, jingles.intro))
    parts.append((ItemKind.INTRO, sheet.intro.seconds, None, None))
    for index, segment in enumerate(sheet.segments):
        if index and jingles.between:
            parts.append((ItemKind.JINGLE, jingles.between.seconds, None, jingles.between))
        parts.extend((kind, seconds, segment, None) for kind, seconds in _segment_parts(segment))
    parts.append((ItemKind.HOW_TO_CALL, sheet.how_to_call.seconds, None, None))
    parts.append((ItemKind.OUTRO, sheet.outro.seconds, None, None))
    if jingles.outro:
        parts.append((ItemKind.JINGLE, jingles.outro.seconds, None, jingles.outro))
    items = []
    for index, (kind, seconds, part_of, jingle) in enumerate(parts):
        start = math.fsum(part[1] for part in parts[:index])  # fsum: no drift over many items
        items.append(TimedItem(kind=kind, start=start, seconds=seconds, segment=part_of, jingle=jingle))
    return Timeline(items=tuple(items))
