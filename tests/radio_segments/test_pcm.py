"""Decoding any source to 48 kHz mono float, and integer PCM out and back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from radio_segments.pcm import SAMPLE_RATE, AudioDecodeError, decode, from_pcm, sample_count, to_pcm
from tests.radio_segments.audio_samples import AudioSamples


def test_a_phone_recording_comes_out_at_48k_with_its_length(audio_samples: AudioSamples) -> None:
    telephone = audio_samples.telephone("u-law")
    audio = decode(telephone)
    assert audio.dtype == np.float32 and audio.flags.writeable
    assert len(audio) == pytest.approx(len(decode(audio_samples.speech())), abs=SAMPLE_RATE // 100)
    assert 0.05 < float(np.abs(audio).max()) <= 1.0


def test_a_stereo_jingle_is_folded_to_mono(audio_samples: AudioSamples) -> None:
    audio = decode(audio_samples.jingle())
    assert audio.ndim == 1
    assert len(audio) == pytest.approx(3 * SAMPLE_RATE, abs=2)


def test_a_filter_runs_in_the_same_pass(audio_samples: AudioSamples) -> None:
    plain = decode(audio_samples.speech())
    halved = decode(audio_samples.speech(), audio_filter="volume=0.5")
    np.testing.assert_allclose(halved, plain * 0.5, atol=1e-6)


def test_what_is_not_audio_is_refused(audio_samples: AudioSamples, tmp_path: Path) -> None:
    with pytest.raises(AudioDecodeError, match="no such file"):
        decode(tmp_path / "missing.wav")
    with pytest.raises(AudioDecodeError, match=r"could not decode corrupt\.wav"):
        decode(audio_samples.corrupt())
    with pytest.raises(AudioDecodeError, match=r"could not decode picture\.png"):
        decode(audio_samples.image())


@pytest.mark.parametrize("bits", [16, 24])
def test_pcm_round_trip_rounds_to_the_nearest_step_and_clips(bits: int) -> None:
    step = 1.0 / (1 << (bits - 1))
    samples = np.array([0.0, 0.25, -0.5, 1.5, -1.5, 0.49 * step, 0.51 * step], dtype=np.float32)
    back = from_pcm(to_pcm(samples, bits=bits), bits=bits)
    np.testing.assert_array_equal(back, np.array([0.0, 0.25, -0.5, 1 - step, -1.0, 0.0, step], dtype=np.float32))
    assert len(to_pcm(samples, bits=bits)) == len(samples) * bits // 8


def test_bad_widths_and_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="16 or 24"):
        to_pcm(np.zeros(3, dtype=np.float32), bits=32)
    with pytest.raises(ValueError, match="negative"):
        sample_count(-1.0)
    assert sample_count(2.5) == 120_000
