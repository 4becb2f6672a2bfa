"""True peak (ITU-R BS.1770-4 Annex 2): the level between samples that a DAC or an MP3 decoder will reach.

A sample peak of −1 dBFS can hide an inter-sample peak above 0 dBFS, which clips in a codec or a
transmitter. The Annex's method: upsample 4× with its 48-tap interpolation filter (four phases of
twelve taps) and take the largest magnitude. We keep the magnitudes per input sample (the envelope), not
just the maximum, because the limiter needs to know *where* the peaks are.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from radio_segments.pcm import Samples

# BS.1770-4 Annex 2, Table: the four phases of the order-48 interpolating FIR (published coefficient values).
_PHASES = np.array(
    [
        [0.0017089843750, 0.0109863281250, -0.0196533203125, 0.0332031250000, -0.0594482421875, 0.1373291015625,
         0.9721679687500, -0.1022949218750, 0.0476074218750, -0.0266113281250, 0.0148925781250, -0.0083007812500],
        [-0.0291748046875, 0.0292968750000, -0.0517578125000, 0.0891113281250, -0.1665039062500, 0.4650878906250,
         0.7797851562500, -0.2003173828125, 0.1015625000000, -0.0582275390625, 0.0330810546875, -0.0189208984375],
    ]
)  # fmt: skip
# The prototype is symmetric: phase 3 is phase 0 reversed, phase 2 is phase 1 reversed.
_PHASES = np.vstack([_PHASES, _PHASES[::-1, ::-1]])
_TAPS = _PHASES.shape[1]
# The value (p + 0.5)/4 of a sample after sample n is sum over k of phase p, tap k, times x[n + 6 − k]: with the
# twelve samples x[n − 5 … n + 6] as a row, the four values are that row times this 12 × 4 matrix.
_BEFORE = 5
_BY_PHASE = np.ascontiguousarray(_PHASES[:, ::-1].T, dtype=np.float32)
# No interpolated value exceeds its twelve neighbours' largest magnitude times this (the largest phase's
# sum of |taps|, about 2.02): samples whose neighbourhood is quieter than level / _REACH cannot reach `level`.
_REACH = float(np.abs(_PHASES).sum(axis=1).max())
_CHUNK = 1 << 18  # rows per matrix product: 12 MB of neighbourhoods at a time, whatever the programme length


def envelope(samples: Samples, *, floor: float = 0.0) -> npt.NDArray[np.float32]:
    """For each sample n, the largest magnitude of the signal between n and n + 1 (the sample itself included).

    Exact wherever the result could reach `floor`; elsewhere it is the sample's own magnitude (a lower
    bound, and under `floor`).
    """
    magnitude = np.abs(samples)
    rows, levels = peaks_above(samples, floor)
    magnitude[rows] = levels
    return magnitude


def peaks_above(samples: Samples, floor: float) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float32]]:
    """The envelope only where it could reach `floor`: those sample indices (sorted) and their exact values.

    Speech spends most of its time far below its peaks, so with `floor` at the sample peak or at a
    limiter's ceiling only a few per cent of the samples are interpolated, and nothing of the programme's
    length is allocated (on a 30-minute programme every full-length array costs a second of page faults).
    """
    rows = [
        _could_reach(samples, start, min(len(samples), start + _CHUNK), floor)
        for start in range(0, len(samples), _CHUNK)
    ]
    found = np.concatenate(rows) if rows else np.zeros(0, dtype=np.intp)
    levels = np.empty(len(found), dtype=np.float32)
    for start in range(0, len(found), _CHUNK):
        chunk = found[start : start + _CHUNK]
        values = np.abs(_neighbourhoods(samples, chunk) @ _BY_PHASE)
        # Four column maxima, not .max(axis=1): numpy reduces a short inner axis slowly.
        between = np.maximum(np.maximum(values[:, 0], values[:, 1]), np.maximum(values[:, 2], values[:, 3]))
        levels[start : start + len(chunk)] = np.maximum(between, np.abs(samples[chunk]))
    return found, levels


def _neighbourhoods(samples: Samples, rows: npt.NDArray[np.intp]) -> Samples:
    """Row i holds x[n − 5 … n + 6] for n = rows[i] (zeros beyond the ends); only the edges are copied to pad."""
    after = _TAPS - _BEFORE
    if len(samples) >= _TAPS and (len(rows) == 0 or (rows[0] >= _BEFORE and rows[-1] < len(samples) - after + 1)):
        return sliding_window_view(samples, _TAPS)[rows - _BEFORE]  # a strided view: no copy of the programme
    padded = np.concatenate([np.zeros(_BEFORE, np.float32), samples, np.zeros(after, np.float32)])
    return sliding_window_view(padded, _TAPS)[rows]


def _could_reach(samples: Samples, start: int, stop: int, floor: float) -> npt.NDArray[np.intp]:
    """Indices in [start, stop) with a neighbour loud enough (≥ floor / _REACH) to reach `floor` between samples."""
    reach = _TAPS // 2  # ±6 covers the neighbourhood n − 5 … n + 6 of every n
    low = max(0, start - reach)
    piece = samples[low : stop + reach]
    threshold = np.float32(floor / _REACH)
    loud = (piece >= threshold) | (piece <= -threshold)
    near = loud.copy()
    for shift in range(1, reach + 1):
        near[shift:] |= loud[:-shift]
        near[:-shift] |= loud[shift:]
    return np.flatnonzero(near[start - low : stop - low]) + start


def to_db(linear: float) -> float:
    """Decibels of a linear level; −inf for zero (never NaN, never an error)."""
    return 20.0 * float(np.log10(linear)) if linear > 0 else float("-inf")


def true_peak(samples: Samples) -> float:
    """The largest true-peak magnitude (linear); 0.0 for silence or no samples."""
    sample_peak = max(float(samples.max()), -float(samples.min())) if len(samples) else 0.0  # the true peak is ≥ this
    if sample_peak == 0.0:
        return 0.0
    return float(peaks_above(samples, sample_peak)[1].max(initial=0.0))


def true_peak_dbtp(samples: Samples) -> float:
    """The true peak in dBTP; −inf for digital silence or no samples."""
    return to_db(true_peak(samples))
