"""A true-peak look-ahead limiter, computed for the whole programme at once (offline, so it can see ahead).

Normalising speech to −16 LUFS (podcasts), or a recording with a door slam in it to −23, puts a few
peaks above the −1 dBTP ceiling. Lowering the whole clip would miss the loudness target, so only the
peaks are pulled down, with a gain curve that is:

- sufficient: at every sample the gain is at most what that sample's true-peak envelope needs (a minimum
  filter spreads each need over ±5 ms, and the smoothing that follows averages over no more than that);
- smooth: the reduction fades in over the 5 ms before a peak (look-ahead, so nothing clips while it
  reacts) and is released slowly afterwards, at a fixed rate in dB per second, so speech is not pumped;
- deterministic: plain array arithmetic, no state carried between runs, no randomness.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.ndimage import minimum_filter1d, uniform_filter1d

from radio_segments.pcm import SAMPLE_RATE, Samples

LOOK_AHEAD_SECONDS = 0.005
RELEASE_DB_PER_SECOND = 40.0  # a 3 dB reduction recovers in 75 ms
# Aim a hair under the ceiling: gain × sample rounded in float32 can land one ulp over, which would cost
# another re-check pass to fix.
_AIM_UNDER_DB = 0.001

GainCurve = npt.NDArray[np.float32]
Span = tuple[int, int]


@dataclass(frozen=True)
class Limiting:
    """Gains (≤ 1) for a few spans of a signal; everywhere else the gain is exactly 1.

    Kept per span rather than as one full-length curve: on a 30-minute programme a full curve is 345 MB
    to allocate, fill and multiply, for a dozen peaks.
    """

    spans: tuple[Span, ...]  # sorted, not overlapping
    gains: tuple[GainCurve, ...]  # one per span, as long as it

    def apply(self, samples: Samples) -> None:
        """Multiply the samples by the gains, in place."""
        for (low, high), gains in zip(self.spans, self.gains, strict=True):
            samples[low:high] *= gains

    @property
    def deepest_db(self) -> float:
        """The largest reduction, in dB (≤ 0)."""
        return 20.0 * float(np.log10(min(float(g.min()) for g in self.gains)))


def merged(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted spans with the overlapping or touching ones joined."""
    out: list[Span] = []
    for low, high in sorted(spans):
        if out and low <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)


def limiting_for(over: npt.NDArray[np.intp], levels: npt.NDArray[np.float32], ceiling: float, length: int) -> Limiting:
    """The limiting for the samples `over` (sorted) whose true-peak envelope is `levels`, in a signal of `length`.

    Shaped only around the peaks; elsewhere the gain is exactly 1.
    """
    needed_db = 20.0 * np.log10(ceiling / levels.astype(np.float64)) - _AIM_UNDER_DB
    radius = round(LOOK_AHEAD_SECONDS * SAMPLE_RATE)
    # How far one peak's reduction reaches: the hold and the fade on each side, the release after.
    before = 2 * radius + 1
    after = before + int(np.ceil(-needed_db.min() / (RELEASE_DB_PER_SECOND / SAMPLE_RATE))) + 1
    spans, gains = [], []
    # Peaks whose reaches overlap are one span (ends are increasing: every peak reaches equally far).
    starts = np.flatnonzero(np.diff(over, prepend=-(10**12)) > before + after)
    for first, last in zip(starts, [*starts[1:], len(over)], strict=True):
        low, high = max(0, int(over[first]) - before), min(length, int(over[last - 1]) + after)
        local = np.zeros(high - low, dtype=np.float64)
        local[over[first:last] - low] = needed_db[first:last]
        spans.append((low, high))
        gains.append(np.power(10.0, _shaped(local, radius) / 20.0).astype(np.float32))
    return Limiting(tuple(spans), tuple(gains))


def _shaped(needed_db: npt.NDArray[np.float64], radius: int) -> npt.NDArray[np.float64]:
    """Hold each need over ±radius, fade it in over the radius before, release it slowly after."""
    held = minimum_filter1d(needed_db, size=2 * radius + 1, mode="constant", cval=0.0)
    # Two boxes of radius r/2 give a triangular fade reaching r samples: never past what the minimum covered.
    box = 2 * (radius // 2) + 1
    faded = uniform_filter1d(uniform_filter1d(held, box, mode="constant"), box, mode="constant")
    return _released(np.minimum(faded, needed_db))


def _released(reduction_db: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each reduction recovers at most RELEASE_DB_PER_SECOND: out[n] = min over k ≤ n of in[k] + (n − k)·rate.

    Written as a running minimum of in[k] − k·rate, so it is one vectorised pass instead of a loop.
    """
    rate = RELEASE_DB_PER_SECOND / SAMPLE_RATE
    ramp = np.arange(len(reduction_db), dtype=np.float64) * rate
    return np.minimum(np.minimum.accumulate(reduction_db - ramp) + ramp, 0.0)
