"""Where a caller's clip starts and ends: in and out points from the recogniser's word timings.

The producer trims a clip by choosing its first and last word on the transcript, never by dragging a cursor
through someone's voice. The cut keeps a little air around the chosen words (PADDING) but never reaches into
a neighbouring word: the padding is limited to half the silence between the chosen word and its neighbour,
so a clip never starts or ends inside a word, even when the caller ran words together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PADDING = 0.15  # seconds of air kept before the first and after the last chosen word
CUE_WORDS = 3  # how many words the run sheet quotes as the clip's in-words and out-words


class TrimError(ValueError):
    """The chosen words do not make a clip (outside the transcript, or the last before the first)."""


@dataclass(frozen=True)
class TimedWord:
    word: str
    start: float  # seconds from the start of the recording
    end: float


@dataclass(frozen=True)
class ClipPoints:
    start: float  # seconds into the recording
    end: float
    first_word: int  # indices of the chosen words
    last_word: int
    in_words: str  # the clip's first few words, as the host's cue
    out_words: str  # its last few words

    @property
    def duration(self) -> float:
        return self.end - self.start


def timed_words(raw: Sequence[Mapping[str, Any]] | None) -> list[TimedWord]:
    """The recogniser's words as stored on a transcript version (`word`, `start`, `end`, `conf`)."""
    return [TimedWord(str(w["word"]), float(w["start"]), float(w["end"])) for w in raw or ()]


def clip_points(
    words: Sequence[TimedWord],
    *,
    first: int | None = None,
    last: int | None = None,
    duration: float,
    padding: float = PADDING,
) -> ClipPoints:
    """In and out points for the words `first`..`last` (inclusive; None = the transcript's first or last word)
    of a recording `duration` seconds long."""
    if not words:
        raise TrimError("the transcript has no timed words to cut at")
    first = 0 if first is None else first
    last = len(words) - 1 if last is None else last
    if not (0 <= first < len(words) and 0 <= last < len(words)):
        raise TrimError(f"choose words between 1 and {len(words)}")
    if last < first:
        raise TrimError("the last word comes before the first")
    start = words[first].start - padding
    if first > 0:  # never back into the previous word: at most half the gap
        start = max(start, (words[first - 1].end + words[first].start) / 2)
    end = words[last].end + padding
    if last < len(words) - 1:
        end = min(end, (words[last].end + words[last + 1].start) / 2)
    chosen = [w.word for w in words[first : last + 1]]
    return ClipPoints(
        start=max(0.0, start),
        end=min(duration, end),
        first_word=first,
        last_word=last,
        in_words=" ".join(chosen[:CUE_WORDS]),
        out_words=" ".join(chosen[-CUE_WORDS:]),
    )
