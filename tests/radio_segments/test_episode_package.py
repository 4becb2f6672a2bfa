"""The episode package from espeak-ng/sox audio, read back by independent tools: ffmpeg's ebur128 meter for every
clip and the rough cut, wavinfo for bext, mutagen for ID3, and zipfile/hashlib for the manifest's checksums."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3
from wavinfo import WavInfoReader

from radio_segments.episode_package import CallerClip, PackageError, PackageSpec, SegmentSources, build_package
from radio_segments.mp3_frames import parse
from radio_segments.normalise import LoudnessTarget
from radio_segments.voice_treatment import VoiceTreatment
from tests.radio_segments.audio_samples import AudioSamples
from tests.radio_segments.meters import ffmpeg_ebur128
from tests.radio_segments.package_readers import exact_seconds, sha256_of
from tests.radio_segments.run_sheets import make_run_sheet

CLIP = (1.0, 6.0)  # segment 1's caller clip, seconds into the recording
DISGUISED = (2.0, 7.5)


def spec_of(samples: AudioSamples, **overrides: Any) -> PackageSpec:
    """Three segments (original + recorded answer, disguised + read answer, re-voiced) and two jingles."""
    speech = samples.speech()
    fields: dict[str, Any] = {
        "sheet": make_run_sheet("mn", 3),
        "episode_id": 7,
        "week": "2026-W48",
        "station_code": "khovd-fm",
        "sources": (
            SegmentSources(1, caller=CallerClip(speech, *CLIP, VoiceTreatment.ORIGINAL), answer=samples.speech(-12)),
            SegmentSources(2, caller=CallerClip(speech, *DISGUISED, VoiceTreatment.DISGUISED)),
            SegmentSources(3),
        ),
        "jingles": {"intro": samples.jingle(), "between": samples.jingle()},
        "id3_language": "mon",
    }
    fields.update(overrides)
    return PackageSpec(**fields)


@pytest.fixture(scope="module")
def built(audio_samples: AudioSamples, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[int]]:
    out = tmp_path_factory.mktemp("package")
    seen: list[int] = []
    build_package(spec_of(audio_samples), out / "one.zip", rough_cut_mp3=out / "rough.mp3", progress=seen.append)
    with zipfile.ZipFile(out / "one.zip") as archive:
        archive.extractall(out / "files")
    return out / "one.zip", out / "files", seen


def test_the_zip_holds_every_part_and_no_caller_audio_of_the_revoiced_segment(built: tuple[Path, Path, Any]) -> None:
    package, _, seen = built
    names = set(zipfile.ZipFile(package).namelist())
    assert names == {
        "clips/01-FMS-2026-00001-caller.wav", "clips/01-FMS-2026-00001-caller.mp3",
        "clips/01-FMS-2026-00001-answer.wav", "clips/01-FMS-2026-00001-answer.mp3",
        "clips/02-FMS-2026-00002-caller.wav", "clips/02-FMS-2026-00002-caller.mp3",
        "rough-cut.wav", "rough-cut.mp3", "rough-cut.cue", "cue-sheet.csv",
        "script.html", "script.md", "script.pdf", "script.en.html", "script.en.md", "manifest.json",
    }  # fmt: skip
    assert seen[-1] == 100 and seen == sorted(seen)


def test_the_script_is_in_the_stations_language_with_an_english_copy(built: tuple[Path, Path, Any]) -> None:
    _, files, _ = built
    station, english = (files / "script.md").read_text("utf-8"), (files / "script.en.md").read_text("utf-8")
    assert station != english and "Total" in english and "Total" not in station


def test_manifest_checksums_match_the_files(built: tuple[Path, Path, Any]) -> None:
    _, files, _ = built
    manifest = json.loads((files / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == {str(p.relative_to(files)) for p in files.rglob("*") if p.is_file()} - {"manifest.json"}
    for name, entry in listed.items():
        assert entry["sha256"] == sha256_of(files / name) and entry["bytes"] == (files / name).stat().st_size
    first = manifest["segments"][0]
    assert (first["reference"], first["clip"]["start"], first["clip"]["end"]) == ("FMS-2026-00001", *CLIP)
    assert manifest["segments"][2]["clip"] is None and manifest["segments"][2]["voice"] == "revoiced"


@pytest.mark.parametrize(
    "name", ["clips/01-FMS-2026-00001-caller", "clips/01-FMS-2026-00001-answer", "clips/02-FMS-2026-00002-caller",
             "rough-cut"],
)  # fmt: skip
def test_ffmpeg_measures_every_file_on_target(name: str, built: tuple[Path, Path, Any]) -> None:
    _, files, _ = built
    for suffix in (".wav", ".mp3"):
        reading = ffmpeg_ebur128(files / f"{name}{suffix}")
        assert abs(reading.integrated + 23.0) <= 0.5, (suffix, reading)
        assert reading.true_peak <= -1.0 + (0.0 if suffix == ".wav" else 0.5), (suffix, reading)  # MP3: codec overshoot


def test_clips_are_cut_to_their_points_and_the_cue_sheet_has_the_rough_cuts_real_starts(
    built: tuple[Path, Path, Any],
) -> None:
    _, files, _ = built
    assert exact_seconds(files / "clips/01-FMS-2026-00001-caller.wav") == pytest.approx(CLIP[1] - CLIP[0], abs=0.001)
    assert exact_seconds(files / "clips/02-FMS-2026-00002-caller.wav") == pytest.approx(
        DISGUISED[1] - DISGUISED[0], abs=0.001
    )
    rows = list(csv.DictReader(io.StringIO((files / "cue-sheet.csv").read_text(encoding="utf-8"))))
    jingle = rows[0]
    assert jingle["kind"] == "jingle" and float(jingle["duration_seconds"]) == pytest.approx(3.0, abs=0.01)
    clip = next(r for r in rows if r["kind"] == "clip")
    assert float(clip["start_seconds"]) == pytest.approx(3.0 + 40.0 + 25.3, abs=0.002)  # jingle, intro, host lines
    total = sum(float(r["duration_seconds"]) for r in rows)
    assert exact_seconds(files / "rough-cut.wav") == pytest.approx(total, abs=0.01)
    assert "INDEX 01 00:00:00" in (files / "rough-cut.cue").read_text(encoding="utf-8")


def test_callers_and_answers_air_equally_loud_in_the_rough_cut(built: tuple[Path, Path, Any], tmp_path: Path) -> None:
    """The answer was recorded 12 dB under the caller; each piece is levelled before the programme is, so the
    listener hears them alike (ffmpeg's meter on each piece's stretch of the rough cut, from the cue sheet)."""
    _, files, _ = built
    rows = list(csv.DictReader(io.StringIO((files / "cue-sheet.csv").read_text(encoding="utf-8"))))
    readings = []
    for n, row in enumerate(r for r in rows if r["kind"] in ("clip", "answer")):
        stretch = tmp_path / f"{n}.wav"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(files / "rough-cut.wav"), "-ss", row["start_seconds"],
             "-t", row["duration_seconds"], str(stretch)], check=True, timeout=60,
        )  # fmt: skip
        readings.append(ffmpeg_ebur128(stretch).integrated)
    assert len(readings) == 3  # segment 1's caller and answer, segment 2's (disguised) caller
    assert max(readings) - min(readings) <= 1.0, readings
    assert all(abs(r + 23.0) <= 1.0 for r in readings), readings


def test_bext_and_id3_read_back(built: tuple[Path, Path, Any]) -> None:
    _, files, _ = built
    bext = WavInfoReader(str(files / "clips/01-FMS-2026-00001-caller.wav")).bext
    assert bext.description.startswith("FMS-2026-00001 ")
    assert bext.originator == "Khovd FM"
    assert (bext.originator_date, bext.originator_time) == ("2026-11-27", "00:00:00")  # the broadcast date
    assert bext.loudness_value is not None and abs(bext.loudness_value + 23.0) <= 0.5
    tag = ID3(files / "clips/02-FMS-2026-00002-caller.mp3")
    assert tag.version == (2, 4, 0)
    assert str(tag["TPE1"]) == "Ховд FM" and str(tag["TALB"]).startswith("Ховдын радио")
    assert str(tag["TRCK"]) == "3/3" and tag.getall("COMM")[0].text == ["FMS-2026-00002"]


def test_building_again_gives_the_same_zip(
    built: tuple[Path, Path, Any], audio_samples: AudioSamples, tmp_path: Path
) -> None:
    package, _, _ = built
    again = build_package(spec_of(audio_samples), tmp_path / "two.zip")
    assert again.package.sha256 == hashlib.sha256(package.read_bytes()).hexdigest()


def test_a_clip_too_short_to_measure_names_its_segment(audio_samples: AudioSamples, tmp_path: Path) -> None:
    speech = audio_samples.speech()
    sources = (SegmentSources(1, caller=CallerClip(speech, 1.0, 1.2, VoiceTreatment.ORIGINAL)),)
    sheet = make_run_sheet("mn", 1)
    sheet = dataclasses.replace(sheet, segments=(dataclasses.replace(sheet.segments[0], answer=None),))
    with pytest.raises(PackageError, match="segment 1 \\(FMS-2026-00001\\) caller"):
        build_package(spec_of(audio_samples, sheet=sheet, sources=sources, jingles={}), tmp_path / "short.zip")
    assert not (tmp_path / "short.zip").exists()


def test_a_podcast_target_is_met_instead(audio_samples: AudioSamples, tmp_path: Path) -> None:
    """EPISODE_LOUDNESS_LUFS=-16 (a podcast-only station): every file lands there, by ffmpeg's meter."""
    sheet = make_run_sheet("mn", 1)
    sources = (SegmentSources(1, caller=CallerClip(audio_samples.speech(), *CLIP, VoiceTreatment.ORIGINAL),
                              answer=audio_samples.speech(-12)),)  # fmt: skip
    spec = spec_of(audio_samples, sheet=sheet, sources=sources, jingles={}, target=LoudnessTarget(-16.0, -1.5))
    build_package(spec, tmp_path / "podcast.zip")
    with zipfile.ZipFile(tmp_path / "podcast.zip") as archive:
        archive.extractall(tmp_path / "files")
    manifest = json.loads((tmp_path / "files" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["loudness_target"] == {"integrated_lufs": -16.0, "true_peak_dbtp": -1.5, "tolerance_lu": 0.5}
    for wav in [*sorted((tmp_path / "files").glob("clips/*.wav")), tmp_path / "files" / "rough-cut.wav"]:
        reading = ffmpeg_ebur128(wav)
        assert abs(reading.integrated + 16.0) <= 0.5 and reading.true_peak <= -1.5, (wav.name, reading)


def _frames_of(path: Path) -> bytes:
    """An MP3 file's frames without its ID3v2 tag (whose size is four syncsafe bytes)."""
    data = path.read_bytes()
    size = sum(byte << (7 * (3 - i)) for i, byte in enumerate(data[6:10])) if data[:3] == b"ID3" else -10
    return data[10 + size :]


def _decoded_samples(path: Path) -> int:
    """How many samples ffmpeg decodes (for an MP3: after the encoder delay and padding its LAME tag gives)."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "pipe:1"],
                         capture_output=True, check=True, timeout=60).stdout  # fmt: skip
    return len(out) // 2


def _audio_frames_of(path: Path) -> bytes:
    return parse(_frames_of(path)).audio


def test_the_rough_cuts_mp3_is_joined_from_the_pieces_own_frames(built: tuple[Path, Path, Any]) -> None:
    """The programme kept its levelled pieces' samples, so its MP3 carries each clip's MP3 frames verbatim
    (nothing encoded twice), and ffmpeg decodes it to exactly the WAV's length."""
    _, files, _ = built
    rough = _frames_of(files / "rough-cut.mp3")
    for clip in sorted(files.glob("clips/*.mp3")):
        assert _audio_frames_of(clip) in rough, clip.name
    assert _decoded_samples(files / "rough-cut.mp3") == _decoded_samples(files / "rough-cut.wav")


def test_a_programme_that_takes_a_gain_of_its_own_has_its_mp3_encoded(
    audio_samples: AudioSamples, tmp_path: Path
) -> None:
    """A sting too short to measure (0.35 s) plays as it is, near full scale, between segments; the programme
    then lands off the target and takes its own gain and limiting, so its samples are no longer the pieces':
    its MP3 is encoded from them, and still meets the target by ffmpeg's meter."""
    sting = tmp_path / "sting.wav"
    subprocess.run(["sox", "-n", "-r", "48000", "-c", "1", "-b", "16", str(sting), "synth", "0.35", "sine", "1000",
                    "gain", "-0.5"], check=True, timeout=60)  # fmt: skip
    spec = spec_of(audio_samples, jingles={"between": sting})
    build_package(spec, tmp_path / "sting.zip")
    with zipfile.ZipFile(tmp_path / "sting.zip") as archive:
        archive.extractall(tmp_path / "files")
    files = tmp_path / "files"
    rough = _frames_of(files / "rough-cut.mp3")
    assert all(_audio_frames_of(clip) not in rough for clip in files.glob("clips/*.mp3"))
    reading = ffmpeg_ebur128(files / "rough-cut.mp3")
    assert abs(reading.integrated + 23.0) <= 0.5 and reading.true_peak <= -0.5, reading
    assert _decoded_samples(files / "rough-cut.mp3") == _decoded_samples(files / "rough-cut.wav")
