"""The stitched rough cut: items where the cues say, one loudness for the whole, the same samples every time."""

from __future__ import annotations

import itertools
from datetime import date, time
from pathlib import Path

import numpy as np
import pytest

from radio_segments import broadcast_wav
from radio_segments.normalise import LoudnessTarget, LoudnessUnmeasurable
from radio_segments.pcm import SAMPLE_RATE, decode
from radio_segments.rough_cut import Audio, Gap, RoughCut, cut, piece, stitch
from tests.radio_segments.audio_samples import AudioSamples
from tests.radio_segments.meters import ffmpeg_ebur128


def show(audio_samples: AudioSamples) -> list[Audio | Gap]:
    telephone = decode(audio_samples.telephone("u-law"))  # decoded already, as a job does after a voice treatment
    return [
        Gap("host intro", 2.5),
        Audio("intro jingle", audio_samples.jingle(), kind="jingle"),
        Gap("host: first caller", 4.0),
        Audio("caller 482715398", telephone, start=1.25, end=6.75),
        Gap("host: the answer", 3.0),
        Audio("provider answer", audio_samples.speech(-15.0)),
        Audio("outro jingle", audio_samples.jingle(), kind="jingle"),
    ]


@pytest.fixture(scope="module")
def rough(audio_samples: AudioSamples) -> RoughCut:
    return stitch(show(audio_samples))


def test_cues_follow_each_other_with_the_scripted_lengths(rough: RoughCut, audio_samples: AudioSamples) -> None:
    cues = rough.cues
    assert [c.label for c in cues] == [item.label for item in show(audio_samples)]
    assert cues[0].start_sample == 0
    for before, after in itertools.pairwise(cues):
        assert after.start_sample == before.start_sample + before.samples
    assert [c.duration_seconds for c in cues if c.kind == "live"] == [2.5, 4.0, 3.0]
    assert cues[3].duration_seconds == pytest.approx(5.5)  # the clip cut to 1.25–6.75 s
    assert cues[1].duration_seconds == pytest.approx(3.0, abs=0.001)  # 44.1 kHz jingle resampled, length kept
    assert cues[-1].start_sample + cues[-1].samples == len(rough.samples)


def test_each_item_sits_at_its_cue_and_gaps_are_silent(rough: RoughCut, audio_samples: AudioSamples) -> None:
    assert rough.normalised.limited_db == 0.0  # so every item is its own samples times the programme's one gain
    gain = np.float32(10 ** (rough.normalised.gain_db / 20))
    for item, cue in zip(show(audio_samples), rough.cues, strict=True):
        placed = rough.samples[cue.start_sample : cue.start_sample + cue.samples]
        if isinstance(item, Gap):
            assert not placed.any(), cue.label
        else:
            np.testing.assert_allclose(placed, piece(item) * gain, atol=1e-6, err_msg=cue.label)


def test_ffmpeg_reads_the_target_on_the_delivered_programme(rough: RoughCut, tmp_path: Path) -> None:
    path = tmp_path / "rough-cut.wav"
    info = broadcast_wav.BextInfo("2026-W48", "Rough cut", "Test FM", "FMS-2026W48-RC", date(2026, 11, 27), time(9))
    broadcast_wav.write(path, rough.samples, info=info, loudness=rough.normalised.loudness)
    reading = ffmpeg_ebur128(path)
    assert abs(reading.integrated - (-23.0)) <= 0.5
    assert reading.true_peak <= -1.0


def test_one_gain_for_the_whole_programme(rough: RoughCut) -> None:
    # The quiet provider answer stays quieter than the jingle: the programme is normalised, not each piece.
    answer, jingle = rough.cues[5], rough.cues[1]
    answer_rms, jingle_rms = (
        float(np.sqrt(np.mean(np.square(rough.samples[c.start_sample : c.start_sample + c.samples]))))
        for c in (answer, jingle)
    )
    assert answer_rms < jingle_rms / 3


def test_a_podcast_target_and_the_same_samples_every_time(audio_samples: AudioSamples) -> None:
    target = LoudnessTarget(integrated=-16.0)
    first, second = stitch(show(audio_samples), target), stitch(show(audio_samples), target)
    assert first.normalised.loudness.integrated == pytest.approx(-16.0, abs=0.1)
    assert first.normalised.loudness.true_peak <= -1.0
    assert first.cues == second.cues
    assert first.samples.tobytes() == second.samples.tobytes()


def test_a_programme_with_no_sound_is_refused() -> None:
    with pytest.raises(LoudnessUnmeasurable):
        stitch([Gap("host", 5.0), Gap("host again", 5.0)])
    with pytest.raises(ValueError, match="at least one item"):
        stitch([])


def test_cut_refuses_an_empty_range() -> None:
    audio = np.ones(SAMPLE_RATE, dtype=np.float32)
    assert len(cut(audio, start=0.25, end=0.75)) == SAMPLE_RATE // 2
    with pytest.raises(ValueError, match="empty cut"):
        cut(audio, start=2.0, end=3.0)
