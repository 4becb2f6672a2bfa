"""Where a caller's clip starts and ends in the recording, from the producer's trim on the reviewed words.

The producer trims on the reviewed transcript (staff's version), whose words carry no timings; only the
machine's version 1 has them. The two are aligned word by word (case-folded, punctuation-blind), so a word
staff corrected still takes the time of the word the machine heard in its place; a word staff added,
which the machine never heard, takes the gap next to its neighbours. The in-point is padded a little
before the first word and the out-point after the last, at most half way to the word before or after: a
cut never falls inside a word. The page and the package job both cut with these points, so what the
producer sees is what airs. Without machine timings (a language with no speech model) there are no points.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hotline.places import search_key

PADDING_SECONDS = 0.15


@dataclass(frozen=True)
class ClipPoints:
    start: float  # seconds into the recording
    end: float


def clip_points(
    machine_words: Sequence[dict[str, Any]],
    reviewed_text: str,
    *,
    first: int | None,
    last: int | None,
    duration: float | None = None,
    padding: float = PADDING_SECONDS,
) -> ClipPoints | None:
    """In and out points for reviewed words first..last (None: from the start / to the end), or None."""
    timed = [
        w for w in machine_words if isinstance(w.get("start"), int | float) and isinstance(w.get("end"), int | float)
    ]
    reviewed = reviewed_text.split()
    if not timed or not reviewed:
        return None
    heard = _align([str(w.get("word", "")) for w in timed], reviewed)
    end_of_audio = float(duration) if duration is not None else float(timed[-1]["end"]) + padding
    i = 0 if first is None else min(max(first, 0), len(reviewed) - 1)
    j = len(reviewed) - 1 if last is None else min(max(last, i), len(reviewed) - 1)
    start = _in_point(timed, heard, i, padding)
    end = _out_point(timed, heard, j, padding, end_of_audio)
    return ClipPoints(round(start, 3), round(max(start, end), 3))


def _in_point(timed: Sequence[dict[str, Any]], heard: list[int | None], i: int, padding: float) -> float:
    """Just before the machine word heard as reviewed word i, at most half way back to the word before it; for
    a word the machine never heard, the end of the last heard word before it (the gap it was said in)."""
    m = heard[i]
    if m is None:
        before = next((heard[k] for k in range(i - 1, -1, -1) if heard[k] is not None), None)
        return float(timed[before]["end"]) if before is not None else 0.0
    start = float(timed[m]["start"])
    halfway = (float(timed[m - 1]["end"]) + start) / 2 if m > 0 else 0.0
    return max(halfway, start - padding, 0.0)


def _out_point(
    timed: Sequence[dict[str, Any]], heard: list[int | None], j: int, padding: float, end_of_audio: float
) -> float:
    """Just after the machine word heard as reviewed word j, at most half way to the next; for a word the machine
    never heard, the start of the next heard word after it (or the end of the recording)."""
    m = heard[j]
    if m is None:
        after = next((heard[k] for k in range(j + 1, len(heard)) if heard[k] is not None), None)
        return float(timed[after]["start"]) if after is not None else end_of_audio
    end = float(timed[m]["end"])
    halfway = (end + float(timed[m + 1]["start"])) / 2 if m + 1 < len(timed) else end_of_audio
    return min(halfway, end + padding, end_of_audio)


def _align(machine: list[str], reviewed: list[str]) -> list[int | None]:
    """For each reviewed word, the index of the machine word heard in its place, or None for an added word."""
    keys_m, keys_r = [search_key(w) for w in machine], [search_key(w) for w in reviewed]
    heard: list[int | None] = [None] * len(reviewed)
    matcher = difflib.SequenceMatcher(None, keys_m, keys_r, autojunk=False)
    for op, m1, m2, r1, r2 in matcher.get_opcodes():
        if op in ("equal", "replace"):
            for offset in range(r2 - r1):  # a replaced run shares out the machine's words in order
                heard[r1 + offset] = m1 + min(offset * (m2 - m1) // (r2 - r1), m2 - m1 - 1)
    return heard
