"""Episode audio: our whole per-clip pipeline plus the rough cut, against ffmpeg `loudnorm` two-pass alone.

Run: `.venv/bin/python benchmarks/episode_audio.py [--clips 20] [--minutes 30] [--workers 2] [--rounds 3]`

Both sides get the same clips and the same parallelism (`--workers` processes; ffmpeg's filters are
single-threaded, so that is also the number of cores each side uses):

(a) ours, per clip: decode with ffmpeg to 48 kHz float, measure (BS.1770-4 with true peak), normalise to
    −23 LUFS / −1 dBTP (limiting where needed), write a Broadcast WAV (24-bit, bext v2) and an MP3 with
    ID3v2.4 tags; plus the rough cut: all clips decoded again and stitched with silent host gaps,
    normalised as one programme and written as a Broadcast WAV. The rough cut runs as one more task in
    the same pool, started first because it is the longest.
(b) ffmpeg, per clip: `loudnorm` first pass (print_format=json) to measure, second pass with the
    measured_* values and linear=true, written as 48 kHz WAV: the loudness step alone, no tags, no MP3,
    no rough cut.

The clips (espeak-ng Korean speech, made as for benchmarks/transcription.py, 8 kHz µ-law as the hotline
stores calls, at levels from −30 to 0 dB) are generated once into a temporary directory before timing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# One thread per worker process on our side too (numpy's BLAS would otherwise start one per core).
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

from benchmarks.transcription import make_speech  # noqa: E402
from radio_segments import broadcast_wav, mp3  # noqa: E402
from radio_segments.normalise import normalise  # noqa: E402
from radio_segments.pcm import decode  # noqa: E402
from radio_segments.rough_cut import Audio, Gap, stitch  # noqa: E402

TARGET_I, TARGET_TP = -23.0, -1.0
DAY, TIME = date(2026, 11, 27), clock(9, 0)


def sh(*command: str | Path) -> str:
    return subprocess.run([str(c) for c in command], check=True, capture_output=True, text=True, timeout=600).stderr


def make_clips(directory: Path, count: int, seconds: float) -> list[Path]:
    """The transcription benchmark's phone-line speech, spread over 30 dB: whispering callers to shouting ones."""
    clips = []
    for n, speech in enumerate(make_speech(directory, count, seconds)):
        clip = directory / f"clip-{n:02d}.wav"
        level = -30.0 + 30.0 * n / max(1, count - 1)
        sh("sox", speech, "-e", "u-law", clip, "gain", f"{level:g}")
        speech.unlink()
        clips.append(clip)
    return clips


def ours_clip(clip: Path, out: Path, number: int, total: int) -> float:
    """Decode, measure, normalise, write BWF + MP3; returns how deep the limiter went (dB)."""
    result = normalise(decode(clip))
    reference = f"48271{number:04d}"
    info = broadcast_wav.BextInfo(reference, f"Caller {number}", "Test FM", f"FMS-W48-{number:02d}", DAY, TIME)
    broadcast_wav.write(out / f"{clip.stem}.wav", result.samples, info=info, loudness=result.loudness)
    tags = mp3.Id3Tags(f"Caller {number}", "Test FM", "2026-W48", number, total, reference)
    mp3.write(out / f"{clip.stem}.mp3", result.samples, tags=tags)
    return result.limited_db


def ours_rough_cut(clips: list[Path], out: Path) -> float:
    items: list[Audio | Gap] = []
    for n, clip in enumerate(clips, start=1):
        items += [Gap(f"host {n}", 5.0), Audio(f"caller {n}", clip)]
    result = stitch(items).normalised
    info = broadcast_wav.BextInfo("2026-W48", "Rough cut", "Test FM", "FMS-W48-RC", DAY, TIME)
    broadcast_wav.write(out / "rough-cut.wav", result.samples, info=info, loudness=result.loudness)
    return result.loudness.integrated


def children_cpu() -> float:
    """CPU seconds of every finished child process and their children (pool workers, ffmpeg)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ours(clips: list[Path], out: Path, workers: int) -> tuple[float, float, list[float]]:
    start, cpu = time.perf_counter(), children_cpu()
    with ProcessPoolExecutor(workers) as pool:
        rough = pool.submit(ours_rough_cut, clips, out)
        total = len(clips)
        limited = list(pool.map(ours_clip, clips, [out] * total, range(1, total + 1), [total] * total))
        rough.result()
    return time.perf_counter() - start, children_cpu() - cpu, limited


def loudnorm_clip(clip: Path, out: Path) -> None:
    """ffmpeg's documented two-pass loudnorm: measure, then apply linearly with the measured values."""
    base = f"loudnorm=I={TARGET_I:g}:TP={TARGET_TP:g}:LRA=20"
    first = sh("ffmpeg", "-hide_banner", "-nostats", "-i", clip, "-af", f"{base}:print_format=json", "-f", "null", "-")
    measured = json.loads(first[first.rindex("{") :])
    second = (
        f"{base}:measured_I={measured['input_i']}:measured_TP={measured['input_tp']}"
        f":measured_LRA={measured['input_lra']}:measured_thresh={measured['input_thresh']}"
        f":offset={measured['target_offset']}:linear=true"
    )
    sh("ffmpeg", "-hide_banner", "-nostats", "-y", "-i", clip, "-af", second, "-ar", "48000", "-c:a", "pcm_s24le",
       out / f"{clip.stem}-loudnorm.wav")  # fmt: skip


def loudnorm(clips: list[Path], out: Path, workers: int) -> tuple[float, float]:
    start, cpu = time.perf_counter(), children_cpu()
    with ThreadPoolExecutor(workers) as pool:  # each thread waits on one ffmpeg process: `workers` at a time
        list(pool.map(loudnorm_clip, clips, [out] * len(clips)))
    return time.perf_counter() - start, children_cpu() - cpu


def ebur128(path: Path) -> str:
    """ffmpeg's own reading of a file we wrote, as a check that the fast path delivered the target."""
    summary = sh("ffmpeg", "-nostats", "-hide_banner", "-i", path, "-af", "ebur128=peak=true", "-f", "null", "-")
    text = summary[summary.rindex("Summary:") :].split()
    return f"I {text[text.index('I:') + 1]} LUFS, true peak {text[text.index('Peak:') + 1]} dBTP"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clips", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=30.0, help="total length of all clips")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=1, help="alternate (a) and (b) this often; medians reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="episode-audio-") as scratch:
        directory = Path(scratch)
        (directory / "ours").mkdir()
        (directory / "loudnorm").mkdir()
        made = time.perf_counter()
        clips = make_clips(directory, args.clips, args.minutes * 60 / args.clips)
        print(f"{args.clips} clips, {args.minutes:g} min in all, made in {time.perf_counter() - made:.1f} s; "
              f"{args.workers} workers on each side")  # fmt: skip
        runs: list[tuple[float, float, float, float]] = []
        for _ in range(args.rounds):  # alternated, so a neighbour's load hits both sides alike
            our_seconds, our_cpu, limited = ours(clips, directory / "ours", args.workers)
            their_seconds, their_cpu = loudnorm(clips, directory / "loudnorm", args.workers)
            runs.append((our_seconds, our_cpu, their_seconds, their_cpu))
            print(f"  round: ours {our_seconds:.1f} s wall {our_cpu:.1f} s CPU; "
                  f"loudnorm {their_seconds:.1f} s wall {their_cpu:.1f} s CPU")  # fmt: skip
        medians = (statistics.median(column) for column in zip(*runs, strict=True))
        our_seconds, our_cpu, their_seconds, their_cpu = medians
        print(f"(a) ours, decode + measure + normalise + BWF + MP3 per clip, plus the rough cut: {our_seconds:.1f} s "
              f"wall, {our_cpu:.1f} s CPU ({sum(1 for d in limited if d < 0)} clips needed the limiter)")  # fmt: skip
        print(f"(b) ffmpeg loudnorm two-pass, loudness step alone: {their_seconds:.1f} s wall, {their_cpu:.1f} s CPU")
        ratio = f"{our_seconds / their_seconds:.2f} wall, {our_cpu / their_cpu:.2f} CPU"
        print(f"ratio (a)/(b): {ratio} (below 1: ours is faster)")
        print(f"check, ffmpeg ebur128 of our rough cut: {ebur128(directory / 'ours' / 'rough-cut.wav')}; "
              f"of our loudest clip: {ebur128(directory / 'ours' / f'{clips[-1].stem}.wav')}")  # fmt: skip


if __name__ == "__main__":
    main()
