"""The limiter's gains: enough at every peak, smooth around it, exactly 1 away from it."""

from __future__ import annotations

import numpy as np
import pytest

from radio_segments.limiter import LOOK_AHEAD_SECONDS, RELEASE_DB_PER_SECOND, limiting_for, merged
from radio_segments.pcm import SAMPLE_RATE

CEILING = 0.8


def curve_for(levels: dict[int, float], length: int = 5 * SAMPLE_RATE) -> np.ndarray:
    over = np.array(sorted(levels), dtype=np.intp)
    limiting = limiting_for(over, np.array([levels[i] for i in over], dtype=np.float32), CEILING, length)
    curve = np.ones(length, dtype=np.float32)
    limiting.apply(curve)
    return curve


def test_every_peak_is_brought_under_the_ceiling() -> None:
    levels = {SAMPLE_RATE: 1.6, SAMPLE_RATE + 30: 1.0, 3 * SAMPLE_RATE: 0.9, 5 * SAMPLE_RATE - 1: 1.2}
    curve = curve_for(levels)
    for index, level in levels.items():
        assert curve[index] * level <= CEILING
    assert curve.max() == 1.0 and curve.min() > 0


def test_the_reduction_fades_in_ahead_and_releases_at_the_set_rate() -> None:
    peak = 2 * SAMPLE_RATE
    curve = curve_for({peak: 1.6})
    db = 20 * np.log10(curve.astype(np.float64))
    reach = round(LOOK_AHEAD_SECONDS * SAMPLE_RATE)
    assert db[: peak - 2 * reach - 1].max() == 0.0  # untouched before the look-ahead
    assert db[peak - reach] < 0.0  # already fading in
    # never recovers faster (the 1e-5 dB is the gains being stored as float32)
    assert np.all(np.diff(db[peak:]) <= RELEASE_DB_PER_SECOND / SAMPLE_RATE + 1e-5)
    recovered = peak + int(np.ceil(-db.min() / (RELEASE_DB_PER_SECOND / SAMPLE_RATE))) + 2 * reach + 2
    assert db[recovered:].max() == 0.0  # and is back at exactly 1 afterwards


def test_same_peaks_give_the_same_gains() -> None:
    assert curve_for({SAMPLE_RATE: 1.3}).tobytes() == curve_for({SAMPLE_RATE: 1.3}).tobytes()


@pytest.mark.parametrize(
    ("spans", "expected"),
    [([(5, 9), (0, 3)], ((0, 3), (5, 9))), ([(0, 5), (5, 9)], ((0, 9),)), ([(0, 10), (2, 4)], ((0, 10),))],
)
def test_spans_are_sorted_and_joined(spans: list[tuple[int, int]], expected: tuple[tuple[int, int], ...]) -> None:
    assert merged(spans) == expected
