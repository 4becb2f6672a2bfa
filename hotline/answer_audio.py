"""A provider's spoken answer, made playable on the phone: any common upload in, one telephone WAV out.

The caller hears the answer through Twilio's <Play>, which takes WAV or MP3; uploads arrive as whatever a
phone or laptop recorded (MP3, OGG/Opus, M4A, WebM, WAV). ffmpeg decodes each into mono 16-bit PCM at
8 kHz, the telephone's own rate, so nothing is lost that the caller could hear and ten minutes stay under
10 MB. The upload is probed with the project's probe (hotline.audio_probe) and the result is probed again:
a file that does not decode to a non-empty sound is refused before anything is stored.

This lives in the core (not in transcription, which the web process must not import) because the staff
web process converts the upload while the provider waits for the answer to be saved.
"""

from __future__ import annotations

import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from hotline.audio_probe import AudioInfo, AudioRejected, last_line, probe_audio
from hotline.audio_store import AudioStore, StoredFile

FFMPEG = "ffmpeg"
SAMPLE_RATE = 8000  # Hz: what a phone line carries
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_SECONDS = 10 * 60.0
AUDIO_FORMAT = f"wav/pcm_s16le {SAMPLE_RATE} Hz 1ch"  # what Response.audio_format says of every stored answer
_CONVERT_TIMEOUT = 120.0


@dataclass(frozen=True)
class AnswerAudio:
    """A normalised answer ready to store: the WAV bytes, its length, and what was uploaded (for diagnosis)."""

    wav: bytes
    duration_seconds: float
    uploaded: AudioInfo


def normalise_answer_audio(source: Path, *, max_seconds: float = MAX_SECONDS) -> AnswerAudio:
    """The upload as telephone WAV; AudioRejected with a reason a person can act on when it is not usable."""
    size = source.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise AudioRejected(f"the audio file is {size / 1e6:.1f} MB; at most {MAX_UPLOAD_BYTES // 2**20} MB")
    uploaded = probe_audio(source)
    if uploaded.duration_seconds is not None and uploaded.duration_seconds > max_seconds:
        raise AudioRejected(f"the answer lasts {uploaded.duration_seconds:.0f} s; at most {max_seconds:.0f} s")
    with tempfile.TemporaryDirectory(prefix="answer-") as work:
        target = Path(work) / "answer.wav"
        _convert(source, target, max_seconds=max_seconds)
        result = probe_audio(target)
        if result.duration_seconds is None or result.duration_seconds <= 0.05:
            raise AudioRejected("the audio file decodes to no sound")
        if result.duration_seconds > max_seconds + 0.5:  # a container that did not say how long it was
            raise AudioRejected(f"the answer is longer than {max_seconds:.0f} s")
        return AnswerAudio(wav=target.read_bytes(), duration_seconds=result.duration_seconds, uploaded=uploaded)


def store_answer_audio(store: AudioStore, *, reference: str, audio: AnswerAudio) -> StoredFile:
    """Put the WAV under a fresh key of its own (never overwriting an earlier version's file)."""
    return store.put(f"responses/{reference}/{uuid.uuid4().hex}.wav", audio.wav)


def _convert(source: Path, target: Path, *, max_seconds: float) -> None:
    command = [
        FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-i", str(source),
        "-map", "0:a:0", "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-acodec", "pcm_s16le",
        "-t", f"{max_seconds + 1:g}", "-f", "wav", str(target),
    ]  # fmt: skip
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=_CONVERT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise AudioRejected(f"the audio file could not be converted within {_CONVERT_TIMEOUT:g} s") from exc
    if proc.returncode != 0 or not target.is_file():
        raise AudioRejected(f"not audio: the file could not be decoded ({last_line(proc.stderr, source)})")
