"""In and out points from word timings: padding around the chosen words, never inside a neighbouring word."""

from __future__ import annotations

import pytest

from radio_segments.clip_points import PADDING, TimedWord, TrimError, clip_points, timed_words

WORDS = [
    TimedWord("병원에", 0.50, 0.90),
    TimedWord("약이", 0.95, 1.30),  # run together with its neighbours: 50 ms gaps
    TimedWord("없어요", 1.35, 1.90),
    TimedWord("도와", 2.60, 2.95),
    TimedWord("주세요", 3.00, 3.60),
]


def test_the_whole_transcript_keeps_the_padding_inside_the_recording() -> None:
    points = clip_points(WORDS, duration=3.7)
    assert points.start == pytest.approx(0.50 - PADDING)
    assert points.end == pytest.approx(3.7)  # padding clamped to the recording's end
    assert (points.first_word, points.last_word) == (0, 4)
    assert points.in_words == "병원에 약이 없어요" and points.out_words == "없어요 도와 주세요"


def test_padding_stops_halfway_into_a_short_gap_so_no_neighbouring_word_is_cut() -> None:
    points = clip_points(WORDS, first=1, last=1, duration=3.7)
    assert points.start == pytest.approx((0.90 + 0.95) / 2) and points.start > WORDS[0].end
    assert points.end == pytest.approx((1.30 + 1.35) / 2) and points.end < WORDS[2].start
    assert points.in_words == points.out_words == "약이"


def test_a_long_silence_gets_the_full_padding() -> None:
    points = clip_points(WORDS, first=3, last=4, duration=10.0)
    assert points.start == pytest.approx(2.60 - PADDING)
    assert points.end == pytest.approx(3.60 + PADDING)
    assert points.duration == pytest.approx(1.0 + 2 * PADDING)


@pytest.mark.parametrize(("first", "last"), [(3, 2), (-1, 2), (0, 5), (7, 8)])
def test_impossible_trims_are_refused(first: int, last: int) -> None:
    with pytest.raises(TrimError):
        clip_points(WORDS, first=first, last=last, duration=3.7)


def test_no_timed_words_cannot_be_cut() -> None:
    with pytest.raises(TrimError, match="no timed words"):
        clip_points([], duration=3.0)


def test_stored_words_are_read_as_the_recogniser_wrote_them() -> None:
    stored = [{"word": "약이", "start": 0.95, "end": 1.3, "conf": 0.8}]
    assert timed_words(stored) == [TimedWord("약이", 0.95, 1.3)] and timed_words(None) == []
