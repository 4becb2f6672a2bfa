"""Normalised audio, written as the delivered file and read by independent meters, meets BOTH R128 figures."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import numpy as np
import pytest

from radio_segments import broadcast_wav
from radio_segments.loudness import measure
from radio_segments.normalise import LoudnessTarget, LoudnessUnmeasurable, LoudnessUnreachable, normalise
from radio_segments.pcm import SAMPLE_RATE, decode
from tests.radio_segments.audio_samples import AudioSamples
from tests.radio_segments.meters import ffmpeg_ebur128, loudgain
from tests.radio_segments.test_loudness import CASES

BROADCAST = LoudnessTarget()
PODCAST = LoudnessTarget(integrated=-16.0)
INFO = broadcast_wav.BextInfo(
    reference="482715398",
    title="Test clip",
    originator="Test FM",
    originator_reference="FMS-TEST-1",
    origination_date=date(2026, 11, 27),
    origination_time=time(9, 30, 0),
)


def delivered(path: Path, case_path: Path, target: LoudnessTarget, bits: int = 24) -> Path:
    result = normalise(decode(case_path), target)
    broadcast_wav.write(path, result.samples, info=INFO, loudness=result.loudness, bits=bits)
    return path


@pytest.mark.parametrize("target", [BROADCAST, PODCAST], ids=["-23", "-16"])
@pytest.mark.parametrize("case", sorted(set(CASES) - {"stereo jingle"}))
def test_ffmpeg_reads_the_target_on_the_delivered_file(
    case: str, target: LoudnessTarget, audio_samples: AudioSamples, tmp_path: Path
) -> None:
    reading = ffmpeg_ebur128(delivered(tmp_path / "out.wav", CASES[case](audio_samples), target, bits=16))
    assert abs(reading.integrated - target.integrated) <= target.tolerance
    assert reading.true_peak <= target.true_peak


@pytest.mark.parametrize("case", ["speech", "peaky sine", "telephone"])
def test_libebur128_reads_the_target_too(case: str, audio_samples: AudioSamples, tmp_path: Path) -> None:
    reading = loudgain(delivered(tmp_path / "out.wav", CASES[case](audio_samples), PODCAST))
    assert abs(reading.integrated - PODCAST.integrated) <= PODCAST.tolerance
    assert reading.true_peak <= PODCAST.true_peak


def test_the_peaky_sine_forces_the_limiter_and_still_lands_on_target(audio_samples: AudioSamples) -> None:
    result = normalise(decode(audio_samples.peaky_sine()), BROADCAST)
    assert result.limited_db < -3.0  # the bursts had to be pulled down by several dB
    assert result.gain_db > -23.0 - result.source_integrated  # more gain than plain normalising, to make up
    assert result.loudness.integrated == pytest.approx(-23.0, abs=0.1)
    assert result.loudness.true_peak <= -1.0


def test_plain_speech_at_broadcast_level_is_only_gained(audio_samples: AudioSamples) -> None:
    source = decode(audio_samples.speech(-12.0))
    result = normalise(source, BROADCAST)
    assert result.limited_db == 0.0
    np.testing.assert_allclose(result.samples, source * np.float32(10 ** (result.gain_db / 20)), rtol=1e-6)


def test_reported_figures_are_those_of_the_written_file(audio_samples: AudioSamples, tmp_path: Path) -> None:
    result = normalise(decode(audio_samples.speech(6.0)), PODCAST)
    reread = measure(decode(delivered(tmp_path / "out.wav", audio_samples.speech(6.0), PODCAST)))
    assert reread.integrated == pytest.approx(result.loudness.integrated, abs=0.02)
    assert reread.true_peak == pytest.approx(result.loudness.true_peak, abs=0.02)


def test_same_input_gives_identical_bytes(audio_samples: AudioSamples, tmp_path: Path) -> None:
    first = delivered(tmp_path / "a.wav", audio_samples.peaky_sine(), BROADCAST).read_bytes()
    second = delivered(tmp_path / "b.wav", audio_samples.peaky_sine(), BROADCAST).read_bytes()
    assert first == second


def test_silence_cannot_be_normalised(audio_samples: AudioSamples) -> None:
    with pytest.raises(LoudnessUnmeasurable):
        normalise(decode(audio_samples.digital_silence(3.0)))
    with pytest.raises(LoudnessUnmeasurable):
        normalise(decode(audio_samples.short_speech()))


def test_a_target_only_crushing_could_reach_is_refused() -> None:
    # A steady full tone sits at about −4 LUFS when its peaks touch −1 dBTP: −2 LUFS needs a square wave.
    t = np.arange(5 * SAMPLE_RATE) / SAMPLE_RATE
    tone = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    with pytest.raises(LoudnessUnreachable, match="cannot reach -2 LUFS"):
        normalise(tone, LoudnessTarget(integrated=-2.0))


@pytest.mark.parametrize("fields", [{"integrated": 3.0}, {"true_peak": 1.0}, {"tolerance": 0.0}])
def test_nonsense_targets_are_refused(fields: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="not a usable loudness target"):
        LoudnessTarget(**fields)


@pytest.mark.parametrize("limited", [False, True])
def test_in_place_gives_the_same_samples(limited: bool, audio_samples: AudioSamples) -> None:
    """A gain alone is applied to the given buffer itself; with limiting the original is kept for the rounds."""
    source = decode(audio_samples.peaky_sine() if limited else audio_samples.speech(-12.0))
    copied = normalise(source.copy())
    assert (copied.limited_db < 0.0) == limited
    given = source.copy()
    in_place = normalise(given, in_place=True)
    np.testing.assert_array_equal(in_place.samples, copied.samples)
    assert in_place.loudness == copied.loudness
    if copied.limited_db == 0.0:
        assert in_place.samples is given
    else:
        assert in_place.samples is not given
        np.testing.assert_array_equal(given, source)


def test_samples_already_near_the_target_are_kept_exactly_when_asked(audio_samples: AudioSamples) -> None:
    """A programme of levelled pieces, which joining moved by hundredths of an LU, keeps its samples (gain 0)
    under `keep_within`; one further off is brought onto the target as usual."""
    levelled = normalise(decode(audio_samples.speech())).samples
    near = levelled * np.float32(10 ** (0.07 / 20))
    kept = normalise(near.copy(), keep_within=0.1)
    assert kept.gain_db == 0.0 and kept.limited_db == 0.0
    np.testing.assert_array_equal(kept.samples, near)
    assert abs(kept.loudness.integrated - measure(near).integrated) < 1e-9
    far = levelled * np.float32(10 ** (0.3 / 20))
    moved = normalise(far, keep_within=0.1)
    assert moved.gain_db != 0.0 and abs(moved.loudness.integrated + 23.0) <= 0.05
