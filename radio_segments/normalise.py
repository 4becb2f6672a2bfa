"""Bring a clip or a whole programme to a loudness target with its true peak under the ceiling.

One static gain moves the integrated loudness onto the target; if that pushes any true peak over the
ceiling, the limiter pulls just those peaks down, which lowers the loudness a little, so the gain is
corrected and the limiter re-run (a few rounds at most, each from the original samples, so errors never
accumulate). The result meets BOTH figures or raises; it is never silently off-target.

Silence and clips under 400 ms raise LoudnessUnmeasurable (no gain can be derived from them); a target
the limiter cannot reach without crushing the audio raises LoudnessUnreachable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from radio_segments.limiter import Limiting, Span, limiting_for, merged
from radio_segments.loudness import Loudness, LoudnessUnmeasurable, energies_changed, figures, integrated_from, weigh
from radio_segments.pcm import Samples
from radio_segments.true_peak import envelope, peaks_above, true_peak

__all__ = ["LoudnessTarget", "LoudnessUnmeasurable", "LoudnessUnreachable", "Normalised", "normalise"]

# Aim this far under the ceiling: other meters interpolate between samples a little differently (ffmpeg
# resamples to 192 kHz with its own filter), and the delivered file must pass THEIR reading too.
PEAK_MARGIN_DB = 0.15
_STEER_LU = 0.05  # aim well inside the tolerance: the rounding to 16 bit and other meters then cannot push it out
_ROUNDS = 8
_PEAK_PASSES = 4  # the limiter's own gain changes can leave a residual inter-sample peak: re-check and re-limit
# The first round's envelope is made exact this far (3.5 dB) under what it needs, so that the next rounds,
# which raise the gain by a dB or two to make up for the limiting, can reuse it.
_REUSE_HEADROOM = 1.5
_NEAR = 12  # samples: an interpolated value reads 5 before and 6 after its sample; 12 is a safe reach


class LoudnessUnreachable(ValueError):  # noqa: N818 - a verdict on the audio and target, not a program error
    """The target loudness cannot be met under the true-peak ceiling (the audio is nearly all peaks)."""


@dataclass(frozen=True)
class LoudnessTarget:
    """Where a programme must land: EBU R128 by default; e.g. integrated=−16 for podcasts."""

    integrated: float = -23.0  # LUFS
    true_peak: float = -1.0  # dBTP ceiling
    tolerance: float = 0.5  # LU either side of `integrated`

    def __post_init__(self) -> None:
        if not (-70.0 < self.integrated < 0.0 and self.true_peak <= 0.0 and self.tolerance > 0.0):
            raise ValueError(f"not a usable loudness target: {self}")


@dataclass(frozen=True)
class Normalised:
    """The normalised samples and the figures measured on them (for the bext chunk and the manifest)."""

    samples: Samples
    loudness: Loudness  # measured on `samples`
    source_integrated: float  # LUFS of the input
    gain_db: float  # static gain applied before limiting
    limited_db: float  # deepest limiter reduction, ≤ 0 (re-limiting passes summed in); 0.0 when not limited


def normalise(
    samples: Samples, target: LoudnessTarget | None = None, *, in_place: bool = False, keep_within: float = 0.0
) -> Normalised:
    """Gain (and, if needed, limit) 48 kHz mono samples onto `target`; see the module docstring for failures.

    `in_place`: the caller gives `samples` up (a programme it just stitched), so when a static gain meets the
    target it is applied to them directly: a half-hour programme then needs no second 350 MB buffer, whose
    page faults cost up to a second. With limiting, the original is kept for the next rounds as usual.

    `keep_within`: samples already this close to the target (in LU) and under the ceiling are returned as
    they are (gain 0 dB): a programme of pieces each levelled to the target, which joining moved by a few
    hundredths of an LU, keeps its pieces' exact samples (and so their already encoded MP3 frames).
    """
    target = target or LoudnessTarget()
    weighted = weigh(samples)
    source = integrated_from(weighted.energies)
    sample_peak = max(float(samples.max()), -float(samples.min()))
    ceiling = float(10.0 ** ((target.true_peak - PEAK_MARGIN_DB) / 20.0))
    gain_db = 0.0 if abs(target.integrated - source) <= keep_within else target.integrated - source
    best: Normalised | None = None
    tried: tuple[float, float] | None = None  # the previous round's (gain, loudness), for the secant step
    rows, levels, exact_from = np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.float32), float("inf")
    out: Samples | None = None
    for _ in range(_ROUNDS):
        gain = float(10.0 ** (gain_db / 20.0))
        # The envelope must be exact at the peak itself (for the figure) and wherever the limiter could act.
        if min(sample_peak, ceiling / gain) < exact_from:
            exact_from = min(sample_peak, ceiling / gain) / _REUSE_HEADROOM
            rows, levels = peaks_above(samples, exact_from)
        over = np.flatnonzero(levels > np.float32(ceiling / gain))
        if len(over) == 0 and in_place:
            out = samples
        elif out is None or (best is not None and best.samples is out):  # keep the best round's; use a new one
            out = np.empty_like(samples)
        if gain != 1.0 or out is not samples:
            np.multiply(samples, np.float32(gain), out=out)
        if len(over) == 0:  # linear: energies and peaks scale exactly, no second pass over the samples
            loudness = figures(weighted.energies * gain * gain, float(levels.max()) * gain)
            return Normalised(out, loudness, source, gain_db, 0.0)
        first = limiting_for(rows[over], levels[over] * np.float32(gain), ceiling, len(out))
        spans, deepest_db, peak = _limit(out, first, ceiling)
        peak = max(peak, _outside_max(rows, levels, spans) * gain)
        loudness = figures(energies_changed(weighted, gain, out, spans), peak)
        if loudness.true_peak <= target.true_peak:
            best = Normalised(out, loudness, source, gain_db, deepest_db)
            if abs(target.integrated - loudness.integrated) <= _STEER_LU:
                return best
        gain_db, tried = _next_gain(target.integrated, gain_db, loudness.integrated, tried)
    if best is not None and abs(best.loudness.integrated - target.integrated) <= target.tolerance:
        return best
    reached = "nothing" if best is None else f"{best.loudness.integrated:.1f} LUFS"
    raise LoudnessUnreachable(
        f"cannot reach {target.integrated:g} LUFS under {target.true_peak:g} dBTP (got {reached}): "
        "the audio is mostly peaks; lower the target or clean the recording"
    )


def _limit(out: Samples, limiting: Limiting, ceiling: float) -> tuple[tuple[Span, ...], float, float]:
    """Limit `out` in place, re-limiting any inter-sample peak the gain changes themselves left.

    Returns the spans that changed, the deepest reduction (dB) and the true peak within those spans. Only
    the limited spans change, so only they are looked at again.
    """
    limiting.apply(out)
    spans, deepest_db = limiting.spans, limiting.deepest_db
    for _ in range(_PEAK_PASSES):
        over, levels, inside = _overs_within(out, spans, ceiling)
        if len(over) == 0:
            return spans, deepest_db, inside
        extra = limiting_for(over, levels, ceiling, len(out))
        extra.apply(out)
        spans, deepest_db = merged([*spans, *extra.spans]), deepest_db + extra.deepest_db
    return spans, deepest_db, true_peak(out)


def _overs_within(out: Samples, spans: tuple[Span, ...], ceiling: float) -> tuple[npt.NDArray[np.intp], Samples, float]:
    """Samples over the ceiling within the spans (± the interpolation's reach), their levels, the spans' peak."""
    over: list[npt.NDArray[np.intp]] = []
    levels: list[Samples] = []
    inside = 0.0
    for low, high in spans:
        first, last = max(0, low - _NEAR), min(len(out), high + _NEAR)  # rows whose envelope may have changed
        start, stop = max(0, first - _NEAR), min(len(out), last + _NEAR)  # with the samples those rows read
        piece = out[start:stop]
        local = envelope(piece, floor=min(ceiling, float(np.abs(piece).max())))[first - start : last - start]
        inside = max(inside, float(local.max(initial=0.0)))
        found = np.flatnonzero(local > ceiling)
        over.append(found + first)
        levels.append(local[found])
    return np.concatenate(over), np.concatenate(levels), inside


def _outside_max(rows: npt.NDArray[np.intp], levels: Samples, spans: tuple[Span, ...]) -> float:
    """The largest envelope value away from every span, where the output is the gained input unchanged."""
    keep = np.ones(len(rows), dtype=bool)
    for low, high in spans:
        first, last = np.searchsorted(rows, [low - _NEAR, high + _NEAR])
        keep[first:last] = False
    return float(levels[keep].max(initial=0.0))


def _next_gain(
    goal: float, gain_db: float, level: float, tried: tuple[float, float] | None
) -> tuple[float, tuple[float, float]]:
    """Secant step on loudness(gain): limiting makes 1 dB of gain give less than 1 LU, so plain steps crawl."""
    slope = 1.0
    if tried is not None and tried[0] != gain_db:
        slope = min(1.0, max(0.05, (level - tried[1]) / (gain_db - tried[0])))
    return gain_db + (goal - level) / slope, (gain_db, level)
