"""Broadcast WAV read back by independent readers: PyPI `wavinfo` (every bext field) and ffprobe."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from datetime import date, time
from pathlib import Path

import numpy as np
import pytest
from wavinfo import WavInfoReader

from radio_segments import broadcast_wav
from radio_segments.broadcast_wav import BextInfo, ascii_text, description
from radio_segments.loudness import Loudness
from radio_segments.pcm import SAMPLE_RATE, Samples, from_pcm, to_pcm

INFO = BextInfo(
    reference="482715398",
    title="Ховд аймгийн эмнэлэгт эмч алга",
    originator="Ард иргэдийн радио",
    originator_reference="FMS-2026W48-03",
    origination_date=date(2026, 11, 27),
    origination_time=time(14, 5, 9),
    time_reference=123_456_789_012,
    coding_history="A=PCM,F=8000,W=8,M=mono,T=telephone mu-law",
)
LOUDNESS = Loudness(integrated=-23.04, loudness_range=5.27, true_peak=-1.16, max_momentary=-14.5, max_short_term=-18.9)


def tone(seconds: float = 1.5) -> Samples:
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (0.4 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def written(path: Path, *, bits: int = 24, info: BextInfo = INFO, loudness: Loudness | None = LOUDNESS) -> Path:
    broadcast_wav.write(path, tone(), info=info, loudness=loudness, bits=bits)
    return path


def test_wavinfo_reads_every_bext_field(tmp_path: Path) -> None:
    bext = WavInfoReader(str(written(tmp_path / "clip.wav"))).bext
    assert bext.description == "482715398 Khovd aimgiin emnelegt emch alga"
    assert bext.originator == "Ard irgediin radio"
    assert bext.originator_ref == "FMS-2026W48-03"
    assert (bext.originator_date, bext.originator_time) == ("2026-11-27", "14:05:09")
    assert bext.time_reference == 123_456_789_012
    assert bext.version == 2
    assert bext.umid == bytes(64)
    assert bext.loudness_value == -23.04
    assert bext.loudness_range == 5.27
    assert bext.max_true_peak == -1.16
    assert bext.max_momentary_loudness == -14.5
    assert bext.max_shortterm_loudness == -18.9
    assert bext.coding_history.split("\r\n") == [
        "A=PCM,F=8000,W=8,M=mono,T=telephone mu-law",  # the history passed in, then the line for this file
        "A=PCM,F=48000,W=24,M=mono,T=Fix My Service",
        "",
    ]


@pytest.mark.parametrize("bits", [16, 24])
def test_format_and_samples_read_back(bits: int, tmp_path: Path) -> None:
    path = written(tmp_path / "clip.wav", bits=bits)
    fmt = WavInfoReader(str(path)).fmt
    assert (fmt.sample_rate, fmt.channel_count, fmt.bits_per_sample, fmt.audio_format) == (SAMPLE_RATE, 1, bits, 1)
    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", f"s{bits}le" if bits == 16 else "s24le", "pipe:1"],
        capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert decoded == to_pcm(tone(), bits=bits)
    np.testing.assert_allclose(from_pcm(decoded, bits=bits), tone(), atol=1.0 / (1 << (bits - 1)))


def test_ffprobe_reads_the_description_and_originator(tmp_path: Path) -> None:
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format_tags:stream=sample_rate,channels,duration",
         "-of", "json", str(written(tmp_path / "clip.wav"))],
        capture_output=True, check=True, text=True, timeout=60,
    )  # fmt: skip
    found = json.loads(probe.stdout)
    tags = found["format"]["tags"]
    assert tags["comment"] == "482715398 Khovd aimgiin emnelegt emch alga"
    assert tags["encoded_by"] == "Ard irgediin radio"
    assert tags["date"] == "2026-11-27"
    assert tags["time_reference"] == "123456789012"
    stream = found["streams"][0]
    assert (stream["sample_rate"], stream["channels"], float(stream["duration"])) == ("48000", 1, 1.5)


def test_unknown_loudness_fields_are_0x7fff(tmp_path: Path) -> None:
    short = replace(LOUDNESS, max_short_term=None, true_peak=float("-inf"))
    bext = WavInfoReader(str(written(tmp_path / "clip.wav", loudness=short))).bext
    assert (bext.max_shortterm_loudness, bext.max_true_peak) == (327.67, 327.67)
    assert bext.loudness_value == -23.04
    bext = WavInfoReader(str(written(tmp_path / "none.wav", loudness=None))).bext
    assert {bext.loudness_value, bext.loudness_range, bext.max_momentary_loudness} == {327.67}


def test_a_khmer_title_leaves_the_reference_and_only_ascii(tmp_path: Path) -> None:
    khmer = replace(INFO, title="មន្ទីរពេទ្យ ខេត្តកំពត", originator="Radio Kampot")
    bext = WavInfoReader(str(written(tmp_path / "clip.wav", info=khmer))).bext
    assert bext.description == "482715398"
    assert bext.originator == "Radio Kampot"


def test_text_is_folded_to_printable_ascii() -> None:
    assert ascii_text("Өвөрхангай, Үүрийн цаг") == "Ovorkhangai, Uuriin tsag"
    assert ascii_text("Café\tdéjà  vu\n") == "Cafe deja vu"
    assert ascii_text("Чойбалсан Цэцэрлэг") == "Choibalsan Tsetserleg"
    assert description("1", "x" * 400) == "1 " + "x" * 254


def test_same_input_gives_identical_bytes(tmp_path: Path) -> None:
    assert written(tmp_path / "a.wav").read_bytes() == written(tmp_path / "b.wav").read_bytes()
