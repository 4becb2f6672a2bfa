"""Voice treatments on real speech (espeak-ng) through real ffmpeg: disguise lowers the voice's pitch by the
stated ratio, keeps the timing, and gives the same samples every time; re-voicing airs no caller audio."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from radio_segments.voice_treatment import (
    DISGUISE_PITCH_RATIO,
    VoiceTreatment,
    caller_audio_airs,
    treatment_filter,
)

RATE = 48_000


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("voice") / "caller.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en", "-w", str(path), "The clinic in Buyant has had no medicine for three weeks"],
        check=True,
    )
    return path


def _samples(path: Path, audio_filter: str | None) -> np.ndarray:
    filters = ["-af", audio_filter] if audio_filter else []
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), *filters, "-ar", str(RATE), "-ac", "1", "-f", "f32le", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.float32)


def _median_pitch(samples: np.ndarray) -> float:
    """Median fundamental frequency (Hz) of the loud frames, by autocorrelation: an estimate of our own."""
    frame, pitches = 2048, []
    loudest = float(np.max(np.abs(samples)))
    for offset in range(0, len(samples) - frame, frame // 2):
        chunk = samples[offset : offset + frame].astype(np.float64)
        if np.max(np.abs(chunk)) < 0.3 * loudest:
            continue
        chunk = chunk - chunk.mean()
        corr = np.correlate(chunk, chunk, mode="full")[frame - 1 :]
        low, high = RATE // 400, RATE // 60  # 60-400 Hz voices
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] > 0.3 * corr[0]:
            pitches.append(RATE / lag)
    assert len(pitches) > 10, "too few voiced frames to measure"
    return float(np.median(pitches))


def test_disguise_lowers_the_pitch_by_the_ratio_and_keeps_the_timing(speech: Path) -> None:
    original = _samples(speech, None)
    disguised = _samples(speech, treatment_filter(VoiceTreatment.DISGUISED))
    assert len(disguised) == pytest.approx(len(original), abs=RATE * 0.01)  # word timings still hold
    ratio = _median_pitch(disguised) / _median_pitch(original)
    assert ratio == pytest.approx(DISGUISE_PITCH_RATIO, abs=0.05)


def test_disguise_is_deterministic(speech: Path) -> None:
    audio_filter = treatment_filter("disguised")
    assert _samples(speech, audio_filter).tobytes() == _samples(speech, audio_filter).tobytes()


def test_the_original_airs_unchanged_and_a_revoiced_segment_airs_no_caller_audio() -> None:
    assert treatment_filter("original") is None and caller_audio_airs("original")
    assert not caller_audio_airs(VoiceTreatment.REVOICED)
    with pytest.raises(ValueError, match="none of the caller's audio"):
        treatment_filter("revoiced")
    with pytest.raises(ValueError):
        treatment_filter("robot")
