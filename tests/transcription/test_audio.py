"""Conversion: every format a phone provider or an upload produces streams out as mono s16le at the asked rate."""

from __future__ import annotations

import array
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.transcription.audio_factory import AudioFactory
from transcription.audio import AudioRejected, ensure_within_limit, iter_pcm, probe


def _read_all(source: Path, rate: int = 16000) -> bytes:
    """The decoder's own order: probe (refuses what is not audio), then stream the samples."""
    probe(source)
    return b"".join(iter_pcm(source=source, sample_rate=rate))


def _peak_amplitude(pcm: bytes) -> int:
    samples = array.array("h")
    samples.frombytes(pcm)
    return max(abs(s) for s in samples)


FORMATS: dict[str, tuple[Callable[[AudioFactory], Path], str, int, int]] = {
    # name: (sample, ffprobe codec, original rate, original channels)
    "wav-pcm16": (lambda a: a.speech(), "pcm_s16le", 22050, 1),
    "wav-mulaw-8k": (lambda a: a.telephone("u-law"), "pcm_mulaw", 8000, 1),
    "wav-alaw-8k": (lambda a: a.telephone("a-law"), "pcm_alaw", 8000, 1),
    "mp3-stereo": (lambda a: a.mp3(), "mp3", 22050, 2),
    "ogg-opus": (lambda a: a.opus(), "opus", 48000, 1),
}


@pytest.mark.parametrize("name", list(FORMATS))
@pytest.mark.parametrize("rate", [16000, 8000])
def test_every_format_normalises_to_mono_pcm_at_the_requested_rate(audio: AudioFactory, name: str, rate: int) -> None:
    make, codec, original_rate, channels = FORMATS[name]
    source = make(audio)

    info = probe(source)
    pcm = b"".join(iter_pcm(source=source, sample_rate=rate))

    assert (info.codec, info.sample_rate, info.channels) == (codec, original_rate, channels)
    assert len(pcm) % 2 == 0
    # One channel at `rate`: a stereo or wrong-rate output would be twice (or half) as long as the source.
    assert info.duration_seconds is not None
    assert len(pcm) / (2 * rate) == pytest.approx(info.duration_seconds, abs=0.1)
    assert _peak_amplitude(pcm) > 1000, "speech must survive the conversion"


def test_probe_describes_telephone_audio(audio: AudioFactory) -> None:
    info = probe(audio.telephone("u-law"))

    assert (info.format_name, info.codec, info.sample_rate, info.channels) == ("wav", "pcm_mulaw", 8000, 1)
    assert info.duration_seconds is not None and 3 < info.duration_seconds < 15
    assert info.size_bytes > 40_000
    assert info.description == "wav/pcm_mulaw 8000 Hz 1ch"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (AudioFactory.empty, r"^empty file"),
        (AudioFactory.corrupt, r"^not audio: the file could not be decoded \(.+\)"),
        (AudioFactory.image, r"^not audio: the file has no audio stream$"),
        (AudioFactory.header_only, r"^audio has zero duration$"),
    ],
    ids=["empty", "corrupt", "no-audio-stream", "zero-duration"],
)
def test_unusable_files_are_rejected_with_a_human_reason(
    audio: AudioFactory, make: Callable[[AudioFactory], Path], reason: str
) -> None:
    source = make(audio)

    with pytest.raises(AudioRejected) as caught:
        _read_all(source)

    assert caught.value.reason == str(caught.value)
    assert caught.match(reason)
    assert str(source.parent) not in caught.value.reason, "reasons are shown to staff: no storage paths"


def test_over_limit_audio_is_rejected_before_conversion(audio: AudioFactory) -> None:
    with pytest.raises(AudioRejected, match=r"^recording is \d+\.\d s long, over the 2 s limit$"):
        ensure_within_limit(probe(audio.speech()), max_seconds=2)


def test_streaming_guard_stops_audio_whose_container_understates_its_length(audio: AudioFactory) -> None:
    chunks: list[bytes] = []
    with pytest.raises(AudioRejected, match="longer than the 2 s limit"):
        chunks.extend(iter_pcm(source=audio.speech(), sample_rate=16000, chunk_seconds=0.5, max_seconds=2))
    assert len(chunks) == 5  # 2 s plus the 0.5 s slack, then the stream is cut


def test_missing_file_is_a_storage_fault_not_bad_audio(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        _read_all(tmp_path / "gone.wav")


def test_iter_pcm_yields_fixed_chunks_and_can_stop_early(audio: AudioFactory) -> None:
    stream = iter_pcm(source=audio.telephone("u-law"), sample_rate=16000, chunk_seconds=0.25)
    first, second = next(stream), next(stream)
    stream.close()  # kills ffmpeg; must not hang or raise

    assert len(first) == len(second) == 4000 * 2


def test_iter_pcm_never_holds_a_long_call_in_memory(audio: AudioFactory) -> None:
    source = audio.long_call(minutes=12)
    whole_pcm = 12 * 60 * 16000 * 2  # 23 MB once upsampled to 16 kHz

    tracemalloc.start()
    try:
        total = sum(len(chunk) for chunk in iter_pcm(source=source, sample_rate=16000, chunk_seconds=0.5))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert total == pytest.approx(whole_pcm, abs=32000)
    assert peak < 1_000_000, f"peak {peak} bytes: the decoded audio is being buffered"
