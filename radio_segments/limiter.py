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

import numpy as np
import numpy.typing as npt
from scipy.ndimage import minimum_filter1d, uniform_filter1d

from radio_segments.pcm import SAMPLE_RATE

LOOK_AHEAD_SECONDS = 0.005
RELEASE_DB_PER_SECOND = 40.0  # a 3 dB reduction recovers in 75 ms

GainCurve = npt.NDArray[np.float32]


def gain_curve(envelope: npt.NDArray[np.float32], ceiling: float) -> GainCurve | None:
    """Per-sample gains (≤ 1) that bring every envelope value to the linear `ceiling`; None when none exceed it."""
    over = envelope > ceiling
    if not over.any():
        return None
    needed_db = np.zeros(len(envelope), dtype=np.float64)
    needed_db[over] = 20.0 * np.log10(ceiling / envelope[over].astype(np.float64))
    radius = round(LOOK_AHEAD_SECONDS * SAMPLE_RATE)
    held = minimum_filter1d(needed_db, size=2 * radius + 1, mode="nearest")
    # Two boxes of radius r/2 give a triangular fade reaching r samples: never past what the minimum covered.
    box = 2 * (radius // 2) + 1
    faded = uniform_filter1d(uniform_filter1d(held, box, mode="nearest"), box, mode="nearest")
    return np.power(10.0, _released(np.minimum(faded, needed_db)) / 20.0).astype(np.float32)


def _released(reduction_db: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Each reduction recovers at most RELEASE_DB_PER_SECOND: out[n] = min over k ≤ n of in[k] + (n − k)·rate.

    Written as a running minimum of in[k] − k·rate, so it is one vectorised pass instead of a loop.
    """
    rate = RELEASE_DB_PER_SECOND / SAMPLE_RATE
    ramp = np.arange(len(reduction_db), dtype=np.float64) * rate
    return np.minimum.accumulate(reduction_db - ramp) + ramp
