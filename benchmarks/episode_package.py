"""The whole episode package against ffmpeg `loudnorm` two-pass doing the loudness step alone on the same clips.

Run: `.venv/bin/python benchmarks/episode_package.py [--segments 20] [--minutes 30] [--workers 2] [--rounds 1]`

(a) ours: radio_segments.episode_package.build_package on a 20-segment run sheet whose caller clips are the
    clips below (every fifth disguised by the voice treatment, so rubberband runs too): decode and cut each,
    normalise each to −23 LUFS / −1 dBTP, write each as Broadcast WAV and tagged MP3, stitch the rough cut
    with silent host gaps and normalise it as one programme (WAV, and MP3 joined from the clips' frames when
    the programme keeps their samples, as here; radio_segments.mp3_frames), render the script as HTML,
    Markdown and PDF, write the cue sheets and the manifest, and zip it all.
(b) ffmpeg, per clip: the two-pass `loudnorm` of benchmarks/episode_audio.py (measure, then apply linearly),
    written as 48 kHz WAV: no tags, no MP3, no rough cut, no script, no zip.

Same parallelism: `--workers` threads in our build (ffmpeg children and numpy release the GIL) and
`--workers` ffmpeg processes at a time for loudnorm. The clips (espeak-ng Korean speech at 8 kHz µ-law, as
the hotline stores calls, at levels from −30 to 0 dB) are made once, before timing, by episode_audio's maker.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.episode_audio import ebur128, loudnorm, make_clips  # noqa: E402
from radio_segments.episode_package import CallerClip, PackageSpec, SegmentSources, build_package  # noqa: E402
from radio_segments.run_sheet import AudioCue, HowToCall, KeypadLine, RunSheet, Segment, Spoken  # noqa: E402
from radio_segments.voice_treatment import VoiceTreatment  # noqa: E402

HOST = "Ховд аймгаас иргэн эмнэлгийн дарааллын талаар мэдээлсэн. Сонсоцгооё."


def spec_for(clips: list[Path], workers: int) -> PackageSpec:
    """A Mongolian station's 20-segment show over the clips, each clip whole (its length from soxi)."""
    segments, sources = [], []
    for n, clip in enumerate(clips, start=1):
        seconds = clip_seconds(clip)
        voice = VoiceTreatment.DISGUISED if n % 5 == 0 else VoiceTreatment.ORIGINAL
        cue = AudioCue(file_name="", in_words="Сайн байна уу", out_words="баярлалаа", seconds=seconds)
        segments.append(
            Segment(
                position=n,
                title=f"Эмнэлэг · Ховд {n}",
                reference=f"48271{n:04d}",
                host=Spoken(text=HOST, seconds=6.0),
                voice=voice,
                clip=cue,
                status="routed",
            )
        )
        sources.append(SegmentSources(n, caller=CallerClip(clip, 0.0, seconds, voice)))
    sheet = RunSheet(
        title="Ховдын радио: Иргэдийн дуу хоолой 2026-W48", station_name="Ховд FM", station_language="mn",
        broadcast_date=date(2026, 11, 29), intro=Spoken(text="Сайн байцгаана уу!", seconds=20.0),
        segments=tuple(segments), how_to_call=HowToCall(number="7000-1234", menu=(KeypadLine(key="1",
        action="Монгол"),), seconds=15.0), outro=Spoken(text="Баярлалаа.", seconds=10.0),
    )  # fmt: skip
    return PackageSpec(sheet=sheet, episode_id=1, week="2026-W48", station_code="khovd-fm", sources=tuple(sources),
                       id3_language="mon", workers=workers)  # fmt: skip


def clip_seconds(clip: Path) -> float:
    return float(subprocess.run(["soxi", "-D", str(clip)], capture_output=True, text=True, check=True).stdout)


def cpu_seconds() -> float:
    """CPU of this process (our threads) and of every finished child (ffmpeg), user + system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def ours(spec: PackageSpec, out: Path) -> tuple[float, float]:
    start, cpu = time.perf_counter(), cpu_seconds()
    build_package(spec, out / "package.zip")
    return time.perf_counter() - start, cpu_seconds() - cpu


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--segments", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=30.0, help="total length of all caller clips")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=1, help="alternate (a) and (b) this often; medians reported")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    with tempfile.TemporaryDirectory(prefix="episode-package-") as scratch:
        directory = Path(scratch)
        for side in ("ours", "loudnorm"):
            (directory / side).mkdir()
        made = time.perf_counter()
        clips = make_clips(directory, args.segments, args.minutes * 60 / args.segments)
        spec = spec_for(clips, args.workers)
        print(f"{args.segments} segments, {args.minutes:g} min of caller speech, made in "
              f"{time.perf_counter() - made:.1f} s; {args.workers} workers on each side")  # fmt: skip
        runs = []
        for _ in range(args.rounds):  # alternated, so a neighbour's load hits both sides alike
            our_wall, our_cpu = ours(spec, directory / "ours")
            start, children = time.perf_counter(), cpu_seconds()
            loudnorm(clips, directory / "loudnorm", args.workers)
            their_wall, their_cpu = time.perf_counter() - start, cpu_seconds() - children
            runs.append((our_wall, our_cpu, their_wall, their_cpu))
            print(f"  round: package {our_wall:.1f} s wall {our_cpu:.1f} s CPU; "
                  f"loudnorm {their_wall:.1f} s wall {their_cpu:.1f} s CPU")  # fmt: skip
        our_wall, our_cpu, their_wall, their_cpu = (statistics.median(c) for c in zip(*runs, strict=True))
        size = (directory / "ours" / "package.zip").stat().st_size
        print(f"(a) the whole package (clips BWF+MP3, rough cut WAV+MP3, script HTML/MD/PDF, cues, manifest, zip of "
              f"{size / 1e6:.0f} MB): {our_wall:.1f} s wall, {our_cpu:.1f} s CPU")  # fmt: skip
        print(f"(b) ffmpeg loudnorm two-pass, loudness step alone: {their_wall:.1f} s wall, {their_cpu:.1f} s CPU")
        print(
            f"ratio (a)/(b): {our_wall / their_wall:.2f} wall, {our_cpu / their_cpu:.2f} CPU (below 1: ours is faster)"
        )
        zipfile.ZipFile(directory / "ours" / "package.zip").extract("rough-cut.wav", directory / "ours")
        print(f"check, ffmpeg ebur128 of the package's rough cut: {ebur128(directory / 'ours' / 'rough-cut.wav')}")


if __name__ == "__main__":
    main()
