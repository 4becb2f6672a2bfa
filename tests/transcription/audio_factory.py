"""Real audio made at test time with espeak-ng, sox and ffmpeg: the formats phone providers and uploads produce."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from transcription.audio import probe

KOREAN_SENTENCES = "안녕하세요. 우리 동네 도로에 큰 구멍이 생겼습니다. 빨리 고쳐 주세요."
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _run(*command: str | Path) -> None:
    tool = str(command[0])
    if shutil.which(tool) is None:  # scripts/setup.sh installs it: a missing tool is a broken machine, not a skip
        pytest.fail(f"{tool} is not installed (run scripts/setup.sh)")
    subprocess.run([str(c) for c in command], check=True, capture_output=True, timeout=120)


class AudioFactory:
    """Builds each sample once per session, on first use, so tests only pay for the audio they need."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, name: str) -> tuple[Path, bool]:
        path = self.directory / name
        return path, path.exists()

    def speech(self) -> Path:
        """Korean sentences from espeak-ng: 22.05 kHz 16-bit PCM WAV, about 6 s."""
        path, done = self._path("speech.wav")
        if not done:
            _run("espeak-ng", "-v", "ko", "-w", path, KOREAN_SENTENCES)
        return path

    def telephone(self, encoding: str = "u-law") -> Path:
        """The speech as a phone network delivers it: 8 kHz mono µ-law (or A-law) WAV."""
        path, done = self._path(f"telephone-{encoding}.wav")
        if not done:
            _run("sox", self.speech(), "-r", "8000", "-c", "1", "-e", encoding, path)
        return path

    def mp3(self) -> Path:
        """Stereo MP3, as some upload clients send."""
        path, done = self._path("speech.mp3")
        if not done:
            _run("ffmpeg", "-v", "error", "-y", "-i", self.speech(), "-ac", "2", "-b:a", "64k", path)
        return path

    def opus(self) -> Path:
        """OGG/Opus at 48 kHz, as browsers and messaging apps record."""
        path, done = self._path("speech.ogg")
        if not done:
            _run("ffmpeg", "-v", "error", "-y", "-i", self.speech(), "-c:a", "libopus", "-b:a", "24k", path)
        return path

    def silence(self, seconds: float = 5.0) -> Path:
        """Digital silence: a caller who hung up without speaking."""
        path, done = self._path(f"silence-{seconds:g}.wav")
        if not done:
            _run("sox", "-n", "-r", "16000", "-c", "1", "-b", "16", path, "trim", "0", f"{seconds:g}")
        return path

    def header_only(self) -> Path:
        """A valid WAV header with no samples after it."""
        path, done = self._path("header-only.wav")
        if not done:
            _run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", path, "trim", "0", "0")
        return path

    def image(self) -> Path:
        """A real media file with no audio stream in it."""
        path, done = self._path("picture.png")
        if not done:
            _run("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", path)
        return path

    def corrupt(self) -> Path:
        """Random bytes wearing a .wav name (seeded, so every run sees the same junk)."""
        path = self.directory / "corrupt.wav"
        path.write_bytes(random.Random(20240607).randbytes(20_000))
        return path

    def empty(self) -> Path:
        path = self.directory / "empty.wav"
        path.write_bytes(b"")
        return path

    def long_call(self, minutes: float = 12.0) -> Path:
        """A long 8 kHz µ-law call: speech, minutes of silence, speech again (silence keeps decoding cheap)."""
        path, done = self._path(f"long-{minutes:g}min.wav")
        if not done:
            speech = self.telephone("u-law")
            gap = minutes * 60 - 2 * (probe(speech).duration_seconds or 0.0)
            gap_path = self.directory / "gap.wav"
            _run("sox", "-n", "-r", "8000", "-c", "1", "-e", "u-law", gap_path, "trim", "0", f"{gap:.3f}")
            _run("sox", speech, gap_path, speech, path)
            gap_path.unlink()
        return path
