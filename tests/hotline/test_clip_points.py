"""Clip in and out points from a trim on the reviewed words: aligned to the machine's timed words through staff's
corrections, padded into the silence around them but never into a neighbouring word."""

from __future__ import annotations

from typing import Any

from hotline.clip_points import ClipPoints, clip_points

HEARD: list[dict[str, Any]] = [
    {"word": "эмнэлэгт", "start": 0.4, "end": 1.1, "conf": 0.9},
    {"word": "эм", "start": 1.2, "end": 1.4, "conf": 0.7},
    {"word": "байхгүй", "start": 1.5, "end": 2.0, "conf": 0.9},
    {"word": "тусламж", "start": 2.6, "end": 3.2, "conf": 0.8},
]


def test_the_whole_clip_is_padded_within_the_recording() -> None:
    assert clip_points(HEARD, "эмнэлэгт эм байхгүй тусламж", first=None, last=None, duration=4.0) == ClipPoints(
        0.25, 3.35
    )


def test_padding_stops_at_the_neighbouring_words() -> None:
    # "эм" starts 0.1 s after "эмнэлэгт" ends: the in-point stops half way (1.15), not a full 0.15 s early.
    assert clip_points(HEARD, "эмнэлэгт эм байхгүй тусламж", first=1, last=2) == ClipPoints(1.15, 2.15)


def test_staff_corrections_and_punctuation_keep_the_machine_timings() -> None:
    reviewed = "Эмнэлэгт эмч байхгүй, тусламж хэрэгтэй."  # "эм" corrected to "эмч", a word added at the end
    assert clip_points(HEARD, reviewed, first=1, last=1) == ClipPoints(1.15, 1.45)
    assert clip_points(HEARD, reviewed, first=2, last=3) == ClipPoints(1.45, 3.35)
    # The added last word was never heard: it sits after the last heard word, up to the end of the audio.
    assert clip_points(HEARD, reviewed, first=4, last=4, duration=4.0) == ClipPoints(3.2, 4.0)


def test_out_of_range_ends_are_clamped_and_without_timings_there_are_no_points() -> None:
    assert clip_points(HEARD, "эмнэлэгт эм байхгүй тусламж", first=-3, last=99, duration=4.0) == ClipPoints(0.25, 3.35)
    assert clip_points([], "эмнэлэгт эм", first=0, last=1) is None  # manual transcription: no machine words
    assert clip_points([{"word": "эм"}], "эм", first=0, last=0) is None  # words without times
    assert clip_points(HEARD, "", first=None, last=None) is None
