"""Programme loudness as EBU R128 defines it (ITU-R BS.1770-4 integrated, EBU Tech 3342 range, true peak).

The K-weighted signal's energy is summed once per 100 ms hop; every figure is then a cheap sum over
hops: momentary = 4 hops (400 ms blocks, 75 % overlap), short-term = 30 hops (3 s, stepped at 10 Hz as
ffmpeg's meter does). Filtering runs in float64 chunks, so a 30-minute programme never needs a float64
copy of itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.signal import sosfilt

from radio_segments.pcm import SAMPLE_RATE, Samples
from radio_segments.true_peak import to_db, true_peak

# BS.1770-4 Tables 1 and 2 at 48 kHz: the head shelf, then the RLB high-pass, as second-order sections.
_K_WEIGHTING = np.array(
    [
        [1.53512485958697, -2.69169618940638, 1.19839281085285, 1.0, -1.69065929318241, 0.73248077421585],
        [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621],
    ]
)
_HOP = SAMPLE_RATE // 10  # 100 ms
_MOMENTARY_HOPS = 4
_SHORT_TERM_HOPS = 30
_CHUNK_HOPS = 200  # 20 s of float64 at a time
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0
_LRA_RELATIVE_GATE = -20.0
_OFFSET = -0.691
_ANTI_SUBNORMAL = 1e-12

Energies = npt.NDArray[np.float64]


class LoudnessUnmeasurable(ValueError):  # noqa: N818 - a verdict on the audio, like AudioRejected
    """The audio is too short (under one 400 ms block) or too quiet (nothing above −70 LUFS) to have a loudness."""


@dataclass(frozen=True)
class Loudness:
    """One programme's EBU R128 figures, as the bext chunk and the manifest carry them."""

    integrated: float  # LUFS
    loudness_range: float  # LU; 0.0 when the audio is shorter than one 3 s window
    true_peak: float  # dBTP
    max_momentary: float  # LUFS
    max_short_term: float | None  # LUFS; None when shorter than 3 s (no short-term window exists)


def hop_energies(samples: Samples) -> Energies:
    """Sum of squares of the K-weighted signal per 100 ms hop (a partial last hop is dropped, as meters do)."""
    hops = len(samples) // _HOP
    out = np.empty(hops, dtype=np.float64)
    state = np.zeros((len(_K_WEIGHTING), 2))
    step = _CHUNK_HOPS * _HOP
    for start in range(0, hops * _HOP, step):
        # The tiny constant keeps the filter state out of subnormal numbers in digital silence (which made
        # silent stretches ~20× slower); the high-pass stage removes a constant entirely, so no energy is added.
        chunk = samples[start : min(start + step, hops * _HOP)].astype(np.float64) + _ANTI_SUBNORMAL
        weighted, state = sosfilt(_K_WEIGHTING, chunk, zi=state)
        out[start // _HOP : start // _HOP + len(chunk) // _HOP] = np.square(weighted).reshape(-1, _HOP).sum(axis=1)
    return out


def window_loudness(energies: Energies, hops: int) -> npt.NDArray[np.float64]:
    """Loudness (LUFS) of every window of `hops` consecutive hops, one per hop step; −inf for silence."""
    if len(energies) < hops:
        return np.empty(0)
    sums = np.convolve(energies, np.ones(hops), mode="valid")
    mean_square = np.maximum(sums, 0.0) / (hops * _HOP)  # float error must not make a silent window negative
    with np.errstate(divide="ignore"):
        return _OFFSET + 10.0 * np.log10(mean_square)


def _gated_mean(levels: npt.NDArray[np.float64], relative_gate: float) -> npt.NDArray[np.float64]:
    """The levels that pass the absolute gate and the gate `relative_gate` LU under their power mean."""
    above = levels[levels > _ABSOLUTE_GATE]
    if len(above) == 0:
        return above
    ungated = _power_mean(above)
    return above[above > ungated + relative_gate]


def _power_mean(levels: npt.NDArray[np.float64]) -> float:
    return _OFFSET + 10.0 * math.log10(float(np.mean(np.power(10.0, (levels - _OFFSET) / 10.0))))


def integrated_from(energies: Energies) -> float:
    """Gated integrated loudness (LUFS) from hop energies; raises when no block passes the gates."""
    blocks = window_loudness(energies, _MOMENTARY_HOPS)
    if len(blocks) == 0:
        raise LoudnessUnmeasurable(f"audio of {len(energies) / 10:.1f} s is shorter than one 400 ms loudness block")
    kept = _gated_mean(blocks, _RELATIVE_GATE)
    if len(kept) == 0:
        raise LoudnessUnmeasurable("audio is silent or quieter than −70 LUFS throughout: no loudness to normalise")
    return _power_mean(kept)


def loudness_range_from(short_term: npt.NDArray[np.float64]) -> float:
    """EBU Tech 3342 loudness range: 10th to 95th percentile of the gated short-term levels."""
    kept = _gated_mean(short_term, _LRA_RELATIVE_GATE)
    if len(kept) == 0:
        return 0.0
    low, high = np.percentile(kept, [10.0, 95.0])
    return float(high - low)


def figures(energies: Energies, peak: float) -> Loudness:
    """Every R128 figure from hop energies and the linear true peak (no second pass over the samples)."""
    short_term = window_loudness(energies, _SHORT_TERM_HOPS)
    return Loudness(
        integrated=integrated_from(energies),
        loudness_range=loudness_range_from(short_term),
        true_peak=to_db(peak),
        max_momentary=float(window_loudness(energies, _MOMENTARY_HOPS).max()),
        max_short_term=float(short_term.max()) if len(short_term) else None,
    )


def measure(samples: Samples) -> Loudness:
    """Every R128 figure of 48 kHz mono samples; raises LoudnessUnmeasurable for silence or under 400 ms."""
    return figures(hop_energies(samples), true_peak(samples))
