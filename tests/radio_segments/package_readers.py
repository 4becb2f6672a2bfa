"""Independent readers for a package's files: ffprobe's exact length of a WAV, and poppler's page images."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path


def sha256_of(path: Path) -> str:
    """The file's sha256, read back from disk (the package computes its own while writing)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def exact_seconds(path: Path) -> float:
    """The stream's length in samples over its rate, as ffprobe reads the file (not our own decoder)."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=duration_ts,sample_rate", "-of", "json", str(path)],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    stream = json.loads(out)["streams"][0]
    return int(stream["duration_ts"]) / int(stream["sample_rate"])


def dark_pixels_per_page(pdf: Path, directory: Path) -> list[int]:
    """Dark pixels of each page as pdftoppm renders it (30 dpi greyscale): ink where text was drawn."""
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(directory / "page")], check=True, timeout=60)
    counts = []
    for page in sorted(directory.glob("page*.pgm")):
        _, pixels = page.read_bytes().split(b"255\n", 1)
        counts.append(sum(1 for value in pixels if value < 100))
    return counts
