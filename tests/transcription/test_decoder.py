"""Real Korean speech through the real Vosk model: words, timings, confidences, silence and bad files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.transcription.audio_factory import HANGUL, AudioFactory
from transcription.audio import AudioRejected, probe
from transcription.decoder import DecodeResult, decode
from transcription.model_registry import LoadedModel

pytestmark = pytest.mark.vosk


def assert_well_formed_speech(result: DecodeResult, source: Path) -> None:
    """Shared checks: Hangul words whose timings are monotonic and inside the audio."""
    assert not result.no_speech
    assert result.words, "espeak-ng Korean should yield words"
    assert any(HANGUL.search(w.word) for w in result.words), result.text
    assert HANGUL.search(result.text)
    assert result.text == " ".join(w.word for w in result.words)

    expected = probe(source).duration_seconds
    assert expected is not None
    assert result.duration_seconds == pytest.approx(expected, abs=0.1)
    for word in result.words:
        assert 0.0 <= word.start <= word.end <= result.duration_seconds
        assert 0.0 <= word.conf <= 1.0
    starts = [w.start for w in result.words]
    ends = [w.end for w in result.words]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert result.mean_confidence == pytest.approx(sum(w.conf for w in result.words) / len(result.words), abs=1e-3)
    assert result.cpu_seconds > 0 and result.wall_seconds > 0


def test_korean_speech_decodes_to_hangul_words_with_timings(ko_model: LoadedModel, audio: AudioFactory) -> None:
    source = audio.speech()

    result = decode(model=ko_model, source=source, max_seconds=60)

    assert_well_formed_speech(result, source)
    assert result.model_name == ko_model.name
    assert result.sample_rate == 16000
    assert result.source_format.codec == "pcm_s16le"
    stored = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert stored["text"] == result.text
    assert stored["words"][0] == result.words[0].to_dict()
    assert set(stored["words"][0]) == {"word", "start", "end", "conf"}


def test_telephone_mulaw_audio_takes_the_same_path(ko_model: LoadedModel, audio: AudioFactory) -> None:
    source = audio.telephone("u-law")

    result = decode(model=ko_model, source=source, max_seconds=60)

    assert_well_formed_speech(result, source)
    assert (result.source_format.codec, result.source_format.sample_rate) == ("pcm_mulaw", 8000)
    assert result.sample_rate == 16000  # upsampled to the model's rate


def test_silence_is_no_speech_not_an_error(ko_model: LoadedModel, audio: AudioFactory) -> None:
    result = decode(model=ko_model, source=audio.silence(5), max_seconds=60)

    assert result.no_speech
    assert result.text == ""
    assert result.words == ()
    assert result.mean_confidence is None
    assert result.duration_seconds == pytest.approx(5.0, abs=0.01)
    assert result.to_dict()["words"] == []


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (AudioFactory.empty, r"^empty file"),
        (AudioFactory.corrupt, r"^not audio"),
        (AudioFactory.header_only, r"^audio has zero duration$"),
    ],
    ids=["empty", "corrupt", "zero-duration"],
)
def test_unusable_files_are_rejected(
    ko_model: LoadedModel, audio: AudioFactory, make: Callable[[AudioFactory], Path], reason: str
) -> None:
    with pytest.raises(AudioRejected, match=reason):
        decode(model=ko_model, source=make(audio), max_seconds=60)


def test_over_limit_audio_is_rejected_before_decoding(ko_model: LoadedModel, audio: AudioFactory) -> None:
    with pytest.raises(AudioRejected, match=r"^recording is \d+\.\d s long, over the 2 s limit$"):
        decode(model=ko_model, source=audio.telephone("u-law"), max_seconds=2)
