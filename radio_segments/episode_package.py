"""The broadcast package of one episode, assembled from plain inputs: files on disk and a typed run sheet.

Every caller clip is cut at its clip points (after the voice treatment, which keeps the timing, so the
transcript's word times still mark the cut), every recorded answer is taken whole; each is levelled on its
own to the loudness target (radio_segments.package_pieces) and written as Broadcast WAV (bext) and MP3
(ID3v2.4), because playout systems import single clips. The rough cut stitches the whole show in the run
sheet's timeline order — jingles, silent gaps of the host's scripted time, clips and answers — and
normalises it as one programme (radio_segments.package_rough_cut). The sheet's durations are replaced by
the real lengths of the cut audio before anything is rendered, so the script's running times, the cue
sheets and the rough cut agree to the sample.

Deterministic: nothing reads the clock (dates are the episode's air date), pieces are decoded and cut with
fixed arithmetic, and the zip's entries go in a fixed order with fixed stamps; building the same inputs
twice gives the same zip, byte for byte. No database, web or queue here: radio_segments.episode_build maps
an episode onto these inputs.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from radio_segments import broadcast_wav, mp3
from radio_segments.cue_sheet import cue_csv, cue_file
from radio_segments.episode_manifest import ROUGH_CUT, AudioFile, cue_entries, manifest_json
from radio_segments.file_digest import FileDigest
from radio_segments.package_inputs import (
    ORIGINATION_TIME,
    CallerClip,
    PackageError,
    PackageSpec,
    SegmentSources,
)
from radio_segments.package_pieces import Piece, decode_all, seconds_of, with_real_lengths
from radio_segments.package_rough_cut import write_rough_cut
from radio_segments.package_zip import PackageFile, PackageWriter
from radio_segments.pcm import Samples
from radio_segments.run_sheet import RunSheet, timeline
from radio_segments.script_render import render_html, render_markdown, render_pdf

__all__ = ["BuiltPackage", "CallerClip", "PackageError", "PackageSpec", "SegmentSources", "build_package"]

Progress = Callable[[int], None]


@dataclass(frozen=True)
class BuiltPackage:
    package: PackageFile
    manifest: dict[str, Any]


def build_package(
    spec: PackageSpec, target: Path, *, rough_cut_mp3: Path | None = None, progress: Progress = lambda _: None
) -> BuiltPackage:
    """Make every file of the package in a scratch directory and zip them to `target` (atomically); the rough
    cut's MP3 is copied to `rough_cut_mp3` too when given (the published episode's audio).

    After decoding, the rough cut is handed to the workers first (stitched and written as WAV, and its MP3
    encoded there only if the programme took a gain of its own) and the clips fill the other workers; the
    rough cut's MP3 is otherwise joined from the clips' frames once they are encoded. This thread renders
    the script and zips each file as soon as it exists, in a fixed order (the rough cut's WAV, the script,
    the clips by position, the rough cut's MP3, the cue sheets, manifest.json last), so little is left to
    zip when the last MP3 is done.
    """
    with (
        ThreadPoolExecutor(max(1, spec.workers)) as pool,
        tempfile.TemporaryDirectory(prefix="episode-") as scratch,
    ):
        work = Path(scratch)
        try:
            pieces, jingles = decode_all(spec, pool)
            progress(15)
            sheet = with_real_lengths(spec.sheet, pieces, jingles)
            with PackageWriter(target, stamp=sheet.broadcast_date) as package:
                built = _make_and_zip(spec, sheet, work, pieces, jingles, pool, package, progress)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # no worker keeps encoding for a failed build
            raise
        if rough_cut_mp3 is not None:
            rough_cut_mp3.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / f"{ROUGH_CUT}.mp3", rough_cut_mp3)
        progress(100)
        return built


def _make_and_zip(
    spec: PackageSpec,
    sheet: RunSheet,
    work: Path,
    pieces: list[Piece],
    jingles: Mapping[str, Samples],
    pool: ThreadPoolExecutor,
    package: PackageWriter,
    progress: Progress,
) -> BuiltPackage:
    rough_wav: Future[FileDigest] = Future()
    rough_cut = pool.submit(write_rough_cut, spec, sheet, work, pieces, jingles, rough_wav)
    written = [pool.submit(_write_piece, spec, sheet, work, piece, n, len(pieces)) for n, piece in enumerate(pieces)]
    # The jingles have no MP3 of their own in the package, but the rough cut's is joined from theirs too.
    jingle_frames = {kind: pool.submit(mp3.encode, samples, yielding=True) for kind, samples in jingles.items()}
    digests: dict[str, FileDigest] = {}

    def add_file(name: str, digest: FileDigest) -> None:  # written by a worker, which hashed it as it wrote
        package.add(name, work / name)
        digests[name] = digest

    def add_bytes(name: str, data: bytes) -> None:
        package.add(name, data)
        digests[name] = FileDigest.of(data)

    # The rough cut's WAV is on disk once the show is stitched; its MP3 and the clips' then keep both cores busy
    # in ffmpeg, and this thread renders the script meanwhile (rendered beside the stitching, the PDF's
    # layout and the stitch's numpy slowed each other down for the GIL).
    add_file(f"{ROUGH_CUT}.wav", rough_wav.result())
    for name, text in _scripts(sheet).items():
        add_bytes(name, text)
    files: list[AudioFile] = []
    frames: dict[tuple[int, str], bytes] = {}
    for done, future in enumerate(written, start=1):
        audio, frames[audio.position, audio.kind] = future.result()
        files.append(audio)
        for name, digest in audio.digests.items():
            add_file(name, digest)
        progress(15 + 55 * done // max(1, len(written)))
    rough = rough_cut.result()
    progress(90)
    rough_file = rough.with_mp3(frames, {kind: future.result() for kind, future in jingle_frames.items()})
    add_file(f"{ROUGH_CUT}.mp3", rough_file.mp3)
    cues = rough.cues
    entries = cue_entries(timeline(sheet).items, cues)
    add_bytes("cue-sheet.csv", cue_csv(entries).encode("utf-8"))
    cue = cue_file(entries, audio_file=f"{ROUGH_CUT}.wav", title=sheet.title, performer=sheet.station_name)
    add_bytes(f"{ROUGH_CUT}.cue", cue.encode("utf-8"))
    manifest = manifest_json(spec, sheet, [*files, rough_file], digests, entries)
    package.add("manifest.json", manifest.encode("utf-8"))
    return BuiltPackage(package.finish(), json.loads(manifest))


def _write_piece(
    spec: PackageSpec, sheet: RunSheet, work: Path, piece: Piece, index: int, total: int
) -> tuple[AudioFile, bytes]:
    """One clip or answer (already faded and levelled) as BWF and tagged MP3; also its MP3 frames, untagged,
    from which the rough cut's MP3 is joined."""
    segment, result = piece.segment, piece.levelled
    title = segment.title if piece.kind == "caller" else f"{segment.title} ({piece.kind})"
    info = broadcast_wav.BextInfo(
        reference=segment.reference,
        title=title,
        originator=sheet.station_name,
        originator_reference=f"FMS-{spec.week}-{segment.position:02d}{piece.kind[0].upper()}",
        origination_date=sheet.broadcast_date,
        origination_time=ORIGINATION_TIME,
        coding_history=_history(spec, segment.position, piece.kind),
    )
    (work / piece.name).parent.mkdir(parents=True, exist_ok=True)
    wav = broadcast_wav.write(work / f"{piece.name}.wav", result.samples, info=info, loudness=result.loudness)
    tags = mp3.Id3Tags(
        title=title, artist=sheet.station_name, album=sheet.title, track=index + 1, total=total,
        comment=segment.reference, language=spec.id3_language, date=sheet.broadcast_date.isoformat(),
    )  # fmt: skip
    # The clips' encoders yield the CPU to the rough cut's when that one has to be encoded (radio_segments.mp3).
    frames = mp3.encode(result.samples, yielding=True)
    encoded = mp3.write_frames(work / f"{piece.name}.mp3", frames, tags=tags)
    audio = AudioFile(piece.name, piece.kind, segment.position, seconds_of(result.samples), result, wav, encoded)
    return audio, frames


def _history(spec: PackageSpec, position: int, kind: str) -> str:
    if kind != "caller":
        return ""
    caller = next((s.caller for s in spec.sources if s.position == position and s.caller is not None), None)
    return f"voice treatment: {caller.voice}" if caller is not None else ""


def _scripts(sheet: RunSheet) -> dict[str, bytes]:
    """The run sheet in the station's language, plus its English labelling (script.en.*) for a producer or
    guest host who reads English; the host's own lines stay as written. The English copy skips the PDF:
    the HTML prints, and a PDF costs about a second of layout."""
    created = datetime.combine(sheet.broadcast_date, ORIGINATION_TIME, tzinfo=UTC)
    scripts = {
        "script.html": render_html(sheet).encode("utf-8"),
        "script.md": render_markdown(sheet).encode("utf-8"),
        "script.pdf": render_pdf(sheet, created_at=created),
    }
    if sheet.station_language != "en":
        scripts["script.en.html"] = render_html(sheet, lang="en").encode("utf-8")
        scripts["script.en.md"] = render_markdown(sheet, lang="en").encode("utf-8")
    return scripts
