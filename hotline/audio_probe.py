"""Is this file really audio? ffprobe answers without decoding the whole file."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path


class NotAudioError(ValueError):
    """The file is empty, not a media file, or has no audio stream."""


@dataclass(frozen=True)
class AudioInfo:
    container: str
    codec: str
    sample_rate: int
    channels: int
    duration_seconds: float

    @property
    def description(self) -> str:
        return f"{self.container}/{self.codec} {self.sample_rate} Hz {self.channels}ch"


def probe_audio(path: Path, *, timeout: float = 30.0) -> AudioInfo:
    """Describe the first audio stream of a file, or raise NotAudioError with the reason."""
    if not path.is_file() or path.stat().st_size == 0:
        raise NotAudioError("empty file")
    try:
        proc = subprocess.run(
            ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise NotAudioError("ffprobe timed out reading the file") from exc
    if proc.returncode != 0:
        reason = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "unreadable"
        raise NotAudioError(f"not decodable as audio: {reason}")
    data = json.loads(proc.stdout or "{}")
    stream = next((s for s in data.get("streams", []) if s.get("codec_type") == "audio"), None)
    if stream is None:
        raise NotAudioError("no audio stream in the file")
    fmt = data.get("format", {})
    duration = float(stream.get("duration") or fmt.get("duration") or 0.0)
    if duration <= 0:
        raise NotAudioError("audio has zero duration")
    return AudioInfo(
        container=str(fmt.get("format_name", "unknown")),
        codec=str(stream.get("codec_name", "unknown")),
        sample_rate=int(stream.get("sample_rate") or 0),
        channels=int(stream.get("channels") or 0),
        duration_seconds=duration,
    )
