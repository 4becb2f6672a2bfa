"""Programme loudness as EBU R128 defines it (ITU-R BS.1770-4 integrated, EBU Tech 3342 range, true peak).

The K-weighted signal's energy is summed once per 100 ms hop; every figure is then a cheap sum over
hops: momentary = 4 hops (400 ms blocks, 75 % overlap), short-term = 30 hops (3 s, stepped at 10 Hz as
ffmpeg's meter does). Filtering runs in float64 one second at a time, so a 30-minute programme never
needs a float64 copy of itself, and the filter state saved at each second lets a limiter's few changes
be re-measured without filtering the whole programme again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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
_CHECKPOINT = SAMPLE_RATE  # filter in one-second pieces, saving the state before each
_RINGING = SAMPLE_RATE // 4  # the K-filter's response to a change has decayed below 1e-20 after 250 ms
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


@dataclass(frozen=True)
class Weighted:
    """A signal's K-weighted energy per hop, with the filter state at every whole second.

    The saved states let a change confined to a few places (a limiter's) be measured again by filtering
    just those places, instead of the whole programme once more.
    """

    samples: Samples
    energies: Energies
    states: npt.NDArray[np.float64]  # (seconds, sections, 2): the state at the start of each second


def weigh(samples: Samples) -> Weighted:
    """K-weight the samples once, keeping hop energies (a partial last hop is dropped, as meters do)."""
    usable = len(samples) // _HOP * _HOP
    energies = np.empty(usable // _HOP, dtype=np.float64)
    states = np.empty((-(-usable // _CHECKPOINT), len(_K_WEIGHTING), 2))
    state = np.zeros((len(_K_WEIGHTING), 2))
    for second, start in enumerate(range(0, usable, _CHECKPOINT)):
        states[second] = state
        weighted, state = _k_weighted(samples[start : min(start + _CHECKPOINT, usable)], state)
        energies[start // _HOP : start // _HOP + len(weighted) // _HOP] = _per_hop(weighted)
    return Weighted(samples, energies, states)


def hop_energies(samples: Samples) -> Energies:
    """Sum of squares of the K-weighted signal per 100 ms hop."""
    return weigh(samples).energies


def energies_changed(weighted: Weighted, gain: float, changed: Samples, spans: Sequence[tuple[int, int]]) -> Energies:
    """Hop energies of `changed`, which is gain × the weighted samples except inside `spans`.

    By linearity K(changed) = gain × K(samples) + K(difference); the difference is zero outside the
    spans, so only the seconds holding a span (and the filter's ringing, gone 250 ms after) are filtered.
    """
    energies = weighted.energies * (gain * gain)
    usable = len(energies) * _HOP
    for low, high in _windows(spans, usable):
        original, _ = _k_weighted(weighted.samples[low:high], weighted.states[low // _CHECKPOINT])
        difference = changed[low:high].astype(np.float64) - gain * weighted.samples[low:high].astype(np.float64)
        ringing = sosfilt(_K_WEIGHTING, difference)
        energies[low // _HOP : high // _HOP] = _per_hop(gain * original + ringing)
    return energies


def _windows(spans: Sequence[tuple[int, int]], usable: int) -> list[tuple[int, int]]:
    """Each span widened to start on a saved state and to end, on a hop, after the ringing; overlaps joined."""
    out: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        start = low // _CHECKPOINT * _CHECKPOINT
        end = min(usable, -(-(high + _RINGING) // _HOP) * _HOP)
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _k_weighted(chunk: Samples, state: npt.NDArray[np.float64]) -> tuple[Energies, npt.NDArray[np.float64]]:
    # The tiny constant keeps the filter state out of subnormal numbers in digital silence (which made
    # silent stretches ~20× slower); the high-pass stage removes a constant entirely, so no energy is added.
    weighted, state = sosfilt(_K_WEIGHTING, chunk.astype(np.float64) + _ANTI_SUBNORMAL, zi=state)
    return weighted, state


def _per_hop(weighted: Energies) -> Energies:
    sums: Energies = np.square(weighted).reshape(-1, _HOP).sum(axis=1)
    return sums


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
