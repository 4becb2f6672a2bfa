"""Cue sheets of the rough cut: where each item starts, for the studio (CSV) and for playout software (.cue).

The rough cut is one file; the cue sheet lets a station's automation or a producer's editor jump to each
segment. A CD cue sheet counts in frames of 1/75 s and has no escaping for quotes, so titles are made safe
for it rather than trusted; the CSV is guarded against spreadsheet formulas, since titles are free text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

CUE_FRAMES_PER_SECOND = 75
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CueEntry:
    kind: str  # jingle, host, clip, answer
    title: str
    start: float  # seconds from the start of the rough cut
    duration: float
    reference: str = ""  # the complaint's reference, for clips and answers
    file: str = ""  # the item's own file in the package, if it has one
    in_words: str = ""
    out_words: str = ""


def cue_csv(entries: Sequence[CueEntry]) -> str:
    """One row per item, with times as h:mm:ss.mmm and in seconds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["#", "kind", "title", "reference", "file", "start", "start_seconds", "duration_seconds",
                     "in_words", "out_words"])  # fmt: skip
    for number, e in enumerate(entries, start=1):
        writer.writerow([number, e.kind, _cell(e.title), e.reference, e.file, clock(e.start), f"{e.start:.3f}",
                         f"{e.duration:.3f}", _cell(e.in_words), _cell(e.out_words)])  # fmt: skip
    return out.getvalue()


def cue_file(entries: Sequence[CueEntry], *, audio_file: str, title: str, performer: str) -> str:
    """A .cue sheet over the rough cut (WAVE), one TRACK per item, INDEX 01 at its start."""
    lines = [f'PERFORMER "{_quoted(performer)}"', f'TITLE "{_quoted(title)}"', f'FILE "{_quoted(audio_file)}" WAVE']
    for number, e in enumerate(entries, start=1):
        lines += [
            f"  TRACK {number:02d} AUDIO",
            f'    TITLE "{_quoted(e.title)}"',
            f'    PERFORMER "{_quoted(performer)}"',
            f"    INDEX 01 {_cue_time(e.start)}",
        ]
    return "\r\n".join(lines) + "\r\n"


def clock(seconds: float) -> str:
    """h:mm:ss.mmm, for people."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _cue_time(seconds: float) -> str:
    frames = round(seconds * CUE_FRAMES_PER_SECOND)
    minutes, rest = divmod(frames, 60 * CUE_FRAMES_PER_SECOND)
    return f"{minutes:02d}:{rest // CUE_FRAMES_PER_SECOND:02d}:{rest % CUE_FRAMES_PER_SECOND:02d}"


def _quoted(text: str) -> str:
    """A cue sheet string cannot hold a double quote or a line break: replace them."""
    return " ".join(text.replace('"', "'").split())


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
