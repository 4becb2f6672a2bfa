"""Our R128 meter against two independent ones (ffmpeg's `ebur128` filter and libebur128 via loudgain)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from radio_segments.loudness import LoudnessUnmeasurable, energies_changed, hop_energies, measure, weigh
from radio_segments.pcm import SAMPLE_RATE, decode
from radio_segments.true_peak import envelope, true_peak_dbtp
from tests.radio_segments.audio_samples import AudioSamples
from tests.radio_segments.meters import ffmpeg_ebur128, loudgain

CASES: dict[str, Callable[[AudioSamples], Path]] = {
    "speech": lambda s: s.speech(),
    "quiet speech": lambda s: s.speech(-25.0),
    "very quiet speech": lambda s: s.speech(-40.0),
    "clipped loud speech": lambda s: s.speech(8.0),
    "telephone": lambda s: s.telephone("u-law"),
    "peaky sine": lambda s: s.peaky_sine(),
    "mostly silent": lambda s: s.mostly_silent(),
    "stereo jingle": lambda s: s.jingle(),
}


def at_48k_mono(source: Path, directory: Path) -> Path:
    """48 kHz mono 24-bit: the same samples for every meter (loudgain clamps float samples over full scale)."""
    out = directory / f"{source.stem}-48k.wav"
    if not out.exists():
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(source),
             "-ac", "1", "-ar", "48000", "-c:a", "pcm_s24le", str(out)],
            check=True, timeout=120,
        )  # fmt: skip
    return out


METERS = {"ffmpeg ebur128": ffmpeg_ebur128, "libebur128": loudgain}


@pytest.mark.parametrize("meter", sorted(METERS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_integrated_and_true_peak_agree_with_independent_meters(
    case: str, meter: str, audio_samples: AudioSamples
) -> None:
    path = at_48k_mono(CASES[case](audio_samples), audio_samples.directory)
    ours = measure(decode(path))
    theirs = METERS[meter](path)
    assert ours.integrated == pytest.approx(theirs.integrated, abs=0.2)
    assert ours.true_peak == pytest.approx(theirs.true_peak, abs=0.3)


def test_loudness_range_of_speech_is_close_to_ffmpeg(audio_samples: AudioSamples) -> None:
    path = at_48k_mono(audio_samples.speech(), audio_samples.directory)
    assert measure(decode(path)).loudness_range == pytest.approx(ffmpeg_ebur128(path).loudness_range, abs=1.0)


def test_momentary_and_short_term_maxima_bracket_the_integrated_level(audio_samples: AudioSamples) -> None:
    figures = measure(decode(audio_samples.mostly_silent()))
    assert figures.max_short_term is not None
    assert figures.max_momentary >= figures.max_short_term >= figures.integrated - 1.0
    assert all(np.isfinite([figures.integrated, figures.loudness_range, figures.true_peak, figures.max_momentary]))


def test_a_level_change_moves_the_reading_by_the_same_amount(audio_samples: AudioSamples) -> None:
    audio = decode(audio_samples.speech())
    louder = (audio * np.float32(10 ** (-7.5 / 20))).astype(np.float32)
    assert measure(louder).integrated - measure(audio).integrated == pytest.approx(-7.5, abs=0.01)


def test_re_measuring_only_the_changed_spans_equals_filtering_everything(audio_samples: AudioSamples) -> None:
    audio = decode(audio_samples.speech())
    gain = 1.7
    changed = audio * np.float32(gain)
    # Spans inside a second, across a second boundary, at the very start and up to the end.
    spans = [(0, 500), (30_000, 70_000), (200_123, 200_999), (len(audio) - 3_000, len(audio))]
    for low, high in spans:
        changed[low:high] *= np.linspace(0.3, 0.9, high - low, dtype=np.float32)
    quick = energies_changed(weigh(audio), gain, changed, spans)
    np.testing.assert_allclose(quick, hop_energies(changed), rtol=1e-7, atol=1e-9 * float(quick.max()))


def test_true_peak_sees_the_peak_between_samples() -> None:
    # A sine at a quarter of the sample rate, phased so every sample lands at ±0.707 of its crest.
    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    tone = np.sin(2 * np.pi * (SAMPLE_RATE / 4) * t + np.pi / 4).astype(np.float32)
    assert 20 * np.log10(np.abs(tone).max()) == pytest.approx(-3.01, abs=0.01)
    assert true_peak_dbtp(tone) == pytest.approx(0.0, abs=0.2)


def test_the_envelope_is_exact_wherever_it_could_reach_the_floor(audio_samples: AudioSamples) -> None:
    audio = decode(audio_samples.speech(3.0))
    full = envelope(audio)
    for floor in (0.3, float(np.abs(audio).max()), 2.0):
        sparse = envelope(audio, floor=floor)
        reaching = full >= floor
        np.testing.assert_allclose(sparse[reaching], full[reaching], rtol=1e-6)
        assert (sparse[~reaching] < floor).all()
        assert (sparse <= full * (1 + 1e-6)).all()  # elsewhere a lower bound: the sample's own magnitude


def test_silence_has_no_loudness(audio_samples: AudioSamples) -> None:
    with pytest.raises(LoudnessUnmeasurable, match="silent"):
        measure(decode(audio_samples.digital_silence(5.0)))
    assert true_peak_dbtp(decode(audio_samples.digital_silence(5.0))) == float("-inf")


def test_under_one_block_has_no_loudness(audio_samples: AudioSamples) -> None:
    with pytest.raises(LoudnessUnmeasurable, match="400 ms"):
        measure(decode(audio_samples.short_speech()))
    with pytest.raises(LoudnessUnmeasurable):
        measure(np.zeros(0, dtype=np.float32))


def test_short_clip_has_no_short_term_or_range(audio_samples: AudioSamples) -> None:
    two_seconds = decode(audio_samples.speech())[: 2 * SAMPLE_RATE]
    figures = measure(two_seconds)
    assert figures.max_short_term is None
    assert figures.loudness_range == 0.0
