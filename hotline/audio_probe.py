"""Is this file really audio? ffprobe answers without decoding the whole file.

One probe for every stage: intake checks a download with it, transcription describes its source with
it, so both give staff the same reasons in the same words.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

FFPROBE = "ffprobe"


class AudioRejected(Exception):  # noqa: N818 - a verdict on the recording, not a program error
    """The recording itself is unusable (empty, not audio, silent container, too long); retrying cannot help."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AudioInfo:
    """What ffprobe says about a file's first audio stream, kept with the transcript for diagnosis."""

    format_name: str  # container, e.g. "wav", "mp3", "ogg"
    codec: str  # e.g. "pcm_s16le", "pcm_mulaw", "pcm_alaw", "mp3", "opus"
    sample_rate: int
    channels: int
    duration_seconds: float | None  # None when the container does not say
    size_bytes: int

    @property
    def description(self) -> str:
        """A one-line summary for logs and error messages."""
        return f"{self.format_name}/{self.codec} {self.sample_rate} Hz {self.channels}ch"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form for storage."""
        return asdict(self)


def probe_audio(path: Path, *, timeout: float = 30.0) -> AudioInfo:
    """Check a file really is audio, without decoding it, so intake can refuse junk early."""
    size = size_or_reject(path)
    try:
        proc = subprocess.run(
            [FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AudioRejected(f"not audio: ffprobe gave up after {timeout:g} s reading the file") from exc
    if proc.returncode != 0:
        raise AudioRejected(f"not audio: the file could not be decoded ({last_line(proc.stderr, path)})")
    data = json.loads(proc.stdout or "{}")
    stream = next((s for s in data.get("streams", []) if s.get("codec_type") == "audio"), None)
    if stream is None:
        raise AudioRejected("not audio: the file has no audio stream")
    fmt = data.get("format", {})
    duration = _float_or_none(stream.get("duration")) or _float_or_none(fmt.get("duration"))
    if duration is not None and duration <= 0:
        raise AudioRejected("audio has zero duration")
    return AudioInfo(
        format_name=str(fmt.get("format_name") or "unknown"),
        codec=str(stream.get("codec_name") or "unknown"),
        sample_rate=int(stream.get("sample_rate") or 0),
        channels=int(stream.get("channels") or 0),
        duration_seconds=duration,
        size_bytes=size,
    )


def size_or_reject(path: Path) -> int:
    size = path.stat().st_size  # a missing file is a storage fault, not bad audio: let FileNotFoundError through
    if size == 0:
        raise AudioRejected("empty file: 0 bytes were stored")
    return size


def _float_or_none(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def last_line(stderr: str, source: Path) -> str:
    """The last ffmpeg message, without our storage path in it."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    if not lines:
        return "no error message"
    return lines[-1].replace(str(source), source.name)[:200]
