"""What an episode package is made from: the run sheet, the files of every segment, the loudness target.

Plain data with no database, web or queue (radio_segments.episode_build maps an episode onto it), shared
by the package's stages: radio_segments.package_pieces (decode and level), package_rough_cut and
episode_package (assemble and zip).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from radio_segments.normalise import LoudnessTarget
from radio_segments.run_sheet import RunSheet
from radio_segments.voice_treatment import VoiceTreatment

ORIGINATION_TIME = time(0, 0)  # the bext time: the broadcast day's start, never "now"


class PackageError(RuntimeError):
    """The package cannot be made from these inputs; the message says which segment and why, for the producer."""


@dataclass(frozen=True)
class CallerClip:
    """The caller's stored recording and where the clip starts and ends in it (seconds)."""

    path: Path
    start: float
    end: float
    voice: VoiceTreatment  # original or disguised; a re-voiced segment has no CallerClip at all


@dataclass(frozen=True)
class SegmentSources:
    """The audio of one segment of the sheet (matched by position)."""

    position: int
    caller: CallerClip | None = None
    answer: Path | None = None  # the provider's recorded answer, when it airs as audio


@dataclass(frozen=True)
class PackageSpec:
    sheet: RunSheet  # clip, answer and jingle seconds are replaced here by the cut audio's real lengths
    episode_id: int
    week: str
    station_code: str
    sources: tuple[SegmentSources, ...]
    jingles: Mapping[str, Path] = dataclasses.field(default_factory=dict)  # intro / between / outro → file
    target: LoudnessTarget = dataclasses.field(default_factory=LoudnessTarget)
    id3_language: str = "und"  # ISO 639-2, e.g. "mon", "kor"
    workers: int = 2
