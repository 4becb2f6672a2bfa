"""The rough cut: the whole show as one file — clips, jingles, and silent gaps where the host speaks live.

Normalised as a whole: the station airs one programme, and R128 measures the programme (the gaps are
silent, so the gating leaves them out of the figure). The episode package levels each piece to the target
first (radio_segments.package_pieces), so the programme's own gain only trims what joining them changed.
Each piece's start time in the result is returned for the cue sheet. Every step is plain arithmetic on
decoded samples, so the same items always give the same samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from radio_segments.normalise import LoudnessTarget, Normalised, normalise
from radio_segments.pcm import SAMPLE_RATE, Samples, decode, sample_count

# Audio pieces fade in and out over 5 ms: a clip cut between words can still start mid-waveform, and a
# step from silence to a non-zero sample is an audible click.
FADE_SECONDS = 0.005
# A programme joining already levelled pieces lands a few hundredths of an LU off the target (the gating sees
# the pieces together); within this it keeps the pieces' samples exactly, so their encoded MP3 frames can
# be joined into the programme's MP3 (radio_segments.mp3_frames) instead of encoding it all again.
KEEP_WITHIN_LU = 0.1


@dataclass(frozen=True)
class Audio:
    """A clip or a jingle: a file (decoded here) or samples already decoded, optionally cut to [start, end) s."""

    label: str
    source: Path | Samples
    start: float = 0.0
    end: float | None = None  # None: to the end
    kind: str = "clip"  # "clip" or "jingle", for the cue sheet
    faded: bool = False  # the samples already fade in and out (a piece levelled for the package): not again


@dataclass(frozen=True)
class Gap:
    """Silence of the scripted length, where the host speaks live."""

    label: str
    seconds: float
    kind: str = "live"


Item = Audio | Gap


@dataclass(frozen=True)
class Cue:
    """Where one item sits in the rough cut."""

    label: str
    kind: str
    start_sample: int
    samples: int

    @property
    def start_seconds(self) -> float:
        return self.start_sample / SAMPLE_RATE

    @property
    def duration_seconds(self) -> float:
        return self.samples / SAMPLE_RATE


@dataclass(frozen=True)
class RoughCut:
    """The normalised programme, its figures, and the cue of every item in order."""

    normalised: Normalised
    cues: tuple[Cue, ...]

    @property
    def samples(self) -> Samples:
        return self.normalised.samples


def cut(samples: Samples, *, start: float = 0.0, end: float | None = None) -> Samples:
    """The samples in [start, end) seconds, at whole-sample positions (round to nearest)."""
    first = max(0, round(start * SAMPLE_RATE))
    last = len(samples) if end is None else min(len(samples), round(end * SAMPLE_RATE))
    if last <= first:
        raise ValueError(f"empty cut: {start:g}–{end:g} s of a {len(samples) / SAMPLE_RATE:.2f} s clip")
    return samples[first:last]


def fade_in_place(samples: Samples, seconds: float = FADE_SECONDS) -> None:
    """A short linear fade-in and fade-out (shortened for pieces under twice its length)."""
    length = min(round(seconds * SAMPLE_RATE), len(samples) // 2)
    if length:
        ramp = np.linspace(0.0, 1.0, length, endpoint=False, dtype=np.float32)
        samples[:length] *= ramp
        samples[len(samples) - length :] *= ramp[::-1]


def source(item: Audio) -> Samples:
    """The item's samples before fading: decoded if it is a file, then cut to its in and out points."""
    decoded = decode(item.source) if isinstance(item.source, Path) else item.source
    return cut(decoded, start=item.start, end=item.end)


def piece(item: Item) -> Samples:
    """One item's samples as they go into the programme."""
    if isinstance(item, Gap):
        return np.zeros(sample_count(item.seconds), dtype=np.float32)
    out = source(item).astype(np.float32, copy=True)
    if not item.faded:
        fade_in_place(out)
    return out


def stitch(items: Sequence[Item], target: LoudnessTarget | None = None) -> RoughCut:
    """Join the items in order and normalise the whole to `target`; raises for a programme with no sound."""
    if not items:
        raise ValueError("a rough cut needs at least one item")
    # Each piece is copied once, straight into its place in the programme, and faded there.
    sources: list[Samples | None] = []
    lengths: list[int] = []
    for item in items:
        if isinstance(item, Audio):
            samples = source(item)
            sources.append(samples)
            lengths.append(len(samples))
        else:  # a gap: nothing to copy, the programme starts as silence
            sources.append(None)
            lengths.append(sample_count(item.seconds))
    starts = np.concatenate([[0], np.cumsum(lengths)]).astype(int)
    programme = np.zeros(int(starts[-1]), dtype=np.float32)
    for item, src, start, length in zip(items, sources, starts, lengths, strict=False):
        if src is not None:
            programme[start : start + length] = src
            if isinstance(item, Audio) and not item.faded:
                fade_in_place(programme[start : start + length])
    cues = tuple(
        Cue(label=item.label, kind=item.kind, start_sample=int(start), samples=length)
        for item, start, length in zip(items, starts, lengths, strict=False)
    )
    return RoughCut(normalised=normalise(programme, target, in_place=True, keep_within=KEEP_WITHIN_LU), cues=cues)
