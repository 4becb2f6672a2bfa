"""Independent loudness meters: ffmpeg's `ebur128` filter and `loudgain` (libebur128), read from their output."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Reading:
    integrated: float  # LUFS
    loudness_range: float  # LU
    true_peak: float  # dBTP


def _number(pattern: str, text: str) -> float:
    found = re.search(pattern + r"\s+(-?inf|-?\d+(?:\.\d+)?)", text)
    assert found, f"{pattern!r} not in ffmpeg's summary:\n{text}"
    return float(found.group(1))


def ffmpeg_ebur128(path: Path) -> Reading:
    """ffmpeg's own R128 meter (`ebur128=peak=true`), from the summary it prints at the end."""
    proc = subprocess.run(
        ["ffmpeg", "-nostats", "-hide_banner", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    summary = proc.stderr[proc.stderr.rindex("Summary:") :]
    return Reading(_number("I:", summary), _number("LRA:", summary), _number("Peak:", summary))


def loudgain(path: Path) -> Reading:
    """libebur128's reading through `loudgain -O` (tab-separated: file, loudness, range, peak, peak dBTP…)."""
    proc = subprocess.run(["loudgain", "-q", "-O", str(path)], capture_output=True, text=True, timeout=300, check=True)
    row = proc.stdout.strip().splitlines()[-1].split("\t")
    return Reading(float(row[1].split()[0]), float(row[2].split()[0]), float(row[4].split()[0]))
