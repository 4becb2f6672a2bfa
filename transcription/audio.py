"""Turn whatever a phone provider or an upload hands us into the mono 16-bit PCM a recogniser needs.

Everything goes through one ffmpeg path (probe with ffprobe, convert with ffmpeg to raw s16le on a
pipe), so short and long recordings, WAV/µ-law/A-law/MP3/OGG-Opus alike, are resampled the same way
and a ten-minute call never has to sit decoded in memory.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import IO

from hotline.audio_probe import AudioInfo, AudioRejected, last_line, size_or_reject
from hotline.audio_probe import probe_audio as probe

__all__ = ["SAMPLE_WIDTH", "AudioInfo", "AudioRejected", "iter_pcm", "probe"]

FFMPEG = "ffmpeg"
SAMPLE_WIDTH = 2  # bytes per sample of s16le
# Resamplers and MP3 priming can add a few milliseconds past what the container claims.
_STREAM_SLACK_SECONDS = 0.5


def ensure_within_limit(info: AudioInfo, *, max_seconds: float) -> None:
    """Refuse over-long recordings before spending minutes of CPU on them."""
    if info.duration_seconds is not None and info.duration_seconds > max_seconds:
        raise AudioRejected(_too_long(info.duration_seconds, max_seconds))


def iter_pcm(
    *, source: Path, sample_rate: int, chunk_seconds: float = 0.25, max_seconds: float | None = None
) -> Generator[bytes, None, None]:
    """Stream mono s16le PCM from ffmpeg in fixed-size chunks, so memory stays flat however long the call."""
    if sample_rate <= 0 or chunk_seconds <= 0:
        raise ValueError("sample_rate and chunk_seconds must be positive")
    size_or_reject(source)
    chunk_bytes = max(1, round(chunk_seconds * sample_rate)) * SAMPLE_WIDTH
    max_bytes = None if max_seconds is None else int((max_seconds + _STREAM_SLACK_SECONDS) * sample_rate) * SAMPLE_WIDTH
    command = [
        FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-i", str(source),
        "-map", "0:a:0", "-vn", "-ac", "1", "-ar", str(sample_rate), "-acodec", "pcm_s16le", "-f", "s16le", "pipe:1",
    ]  # fmt: skip
    # stderr goes to a file, not a pipe: a chatty ffmpeg can then never block on a full pipe we are not reading.
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        assert proc.stdout is not None
        total = 0
        try:
            while chunk := proc.stdout.read(chunk_bytes):
                total += len(chunk)
                if max_bytes is not None and total > max_bytes:
                    raise AudioRejected(_too_long(None, max_seconds or 0.0))
                yield chunk
            if proc.wait() != 0:
                raise AudioRejected(f"not audio: the file could not be decoded ({_tail(errors, source)})")
            if total == 0:
                raise AudioRejected("audio has zero duration")
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()
            proc.wait()


def _too_long(duration: float | None, max_seconds: float) -> str:
    if duration is None:
        return f"recording is longer than the {max_seconds:g} s limit"
    return f"recording is {duration:.1f} s long, over the {max_seconds:g} s limit"


def _tail(errors: IO[bytes], source: Path) -> str:
    errors.seek(0, 2)
    errors.seek(max(0, errors.tell() - 4096))
    return last_line(errors.read().decode("utf-8", "replace"), source)
