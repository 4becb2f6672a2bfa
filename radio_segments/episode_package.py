"""The broadcast package of one episode, assembled from plain inputs: files on disk and a typed run sheet.

Every caller clip is cut at its clip points (after the voice treatment, which keeps the timing, so the
transcript's word times still mark the cut), every recorded answer is taken whole; each is normalised on
its own to the loudness target and written as Broadcast WAV (bext) and MP3 (ID3v2.4), because playout
systems import single clips. The rough cut stitches the whole show in the run sheet's timeline order —
jingles, silent gaps of the host's scripted time, clips and answers — and normalises it as one programme.
The sheet's durations are replaced by the real lengths of the cut audio before anything is rendered, so
the script's running times, the cue sheets and the rough cut agree to the sample.

Deterministic: nothing reads the clock (dates are the episode's broadcast date), pieces are decoded and
cut with fixed arithmetic, and the zip's entries are in name order with fixed stamps; building the same
inputs twice gives the same zip, byte for byte. No database, web or queue here: radio_segments.episode_build
maps an episode onto these inputs.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from radio_segments import broadcast_wav, mp3
from radio_segments.cue_sheet import cue_csv, cue_file
from radio_segments.episode_manifest import ROUGH_CUT, AudioFile, cue_entries, manifest_json
from radio_segments.file_digest import FileDigest
from radio_segments.loudness import LoudnessUnmeasurable
from radio_segments.normalise import LoudnessTarget, LoudnessUnreachable, Normalised, normalise
from radio_segments.package_zip import PackageFile, PackageWriter
from radio_segments.pcm import SAMPLE_RATE, AudioDecodeError, Samples, decode
from radio_segments.rough_cut import Audio, Cue, Gap, Item, RoughCut, cut, fade_in_place, stitch
from radio_segments.run_sheet import ItemKind, Jingle, RunSheet, Segment, TimedItem, timeline
from radio_segments.script_render import render_html, render_markdown, render_pdf
from radio_segments.voice_treatment import VoiceTreatment, treatment_filter

Progress = Callable[[int], None]
ORIGINATION_TIME = time(0, 0)  # the bext time: the broadcast day's start, never "now"


class PackageError(RuntimeError):
    """The package cannot be made from these inputs; the message says which segment and why, for the producer."""


@dataclass(frozen=True)
class CallerClip:
    """The caller's stored recording and where the clip starts and ends in it (seconds)."""

    path: Path
    start: float
    end: float
    voice: VoiceTreatment  # original or disguised; a re-voiced segment has no CallerClip at all


@dataclass(frozen=True)
class SegmentSources:
    """The audio of one segment of the sheet (matched by position)."""

    position: int
    caller: CallerClip | None = None
    answer: Path | None = None  # the provider's recorded answer, when it airs as audio


@dataclass(frozen=True)
class PackageSpec:
    sheet: RunSheet  # clip, answer and jingle seconds are replaced here by the cut audio's real lengths
    episode_id: int
    week: str
    station_code: str
    sources: tuple[SegmentSources, ...]
    jingles: Mapping[str, Path] = dataclasses.field(default_factory=dict)  # intro / between / outro → file
    target: LoudnessTarget = dataclasses.field(default_factory=LoudnessTarget)
    id3_language: str = "und"  # ISO 639-2, e.g. "mon", "kor"
    workers: int = 2


@dataclass(frozen=True)
class BuiltPackage:
    package: PackageFile
    manifest: dict[str, Any]


@dataclass(frozen=True)
class _Piece:
    """A per-segment audio file of the package: cut, faded and levelled to the target on its own."""

    name: str  # "clips/01-4827100001-caller", without extension
    kind: str  # "caller" or "answer"
    segment: Segment
    levelled: Normalised

    @property
    def samples(self) -> Samples:
        return self.levelled.samples


def build_package(
    spec: PackageSpec, target: Path, *, rough_cut_mp3: Path | None = None, progress: Progress = lambda _: None
) -> BuiltPackage:
    """Make every file of the package in a scratch directory and zip them to `target` (atomically); the rough
    cut's MP3 is copied to `rough_cut_mp3` too when given (the published episode's audio).

    The critical path is decode → stitch the rough cut → encode its MP3, so the rough cut is handed to the
    workers first and the clips fill the other workers. This thread renders the script and zips each file as
    soon as it exists, in a fixed order (the rough cut's WAV, the script, the clips by position, the rough
    cut's MP3, the cue sheets, manifest.json last), so little is left to zip when the last MP3 is done.
    """
    with (
        ThreadPoolExecutor(max(1, spec.workers)) as pool,
        tempfile.TemporaryDirectory(prefix="episode-") as scratch,
    ):
        work = Path(scratch)
        try:
            pieces, jingles = _decode_all(spec, pool)
            progress(15)
            sheet = _with_real_lengths(spec.sheet, pieces, jingles)
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
    pieces: list[_Piece],
    jingles: Mapping[str, Samples],
    pool: ThreadPoolExecutor,
    package: PackageWriter,
    progress: Progress,
) -> BuiltPackage:
    rough_wav: Future[FileDigest] = Future()
    rough = pool.submit(_write_rough_cut, spec, sheet, work, pieces, jingles, rough_wav)
    written = [pool.submit(_write_piece, spec, sheet, work, piece, n, len(pieces)) for n, piece in enumerate(pieces)]
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
    for done, future in enumerate(written, start=1):
        files.append(future.result())
        for name, digest in files[-1].digests.items():
            add_file(name, digest)
        progress(15 + 55 * done // max(1, len(written)))
    rough_file, cues = rough.result()
    progress(90)
    add_file(f"{ROUGH_CUT}.mp3", rough_file.mp3)
    entries = cue_entries(timeline(sheet).items, cues)
    add_bytes("cue-sheet.csv", cue_csv(entries).encode("utf-8"))
    cue = cue_file(entries, audio_file=f"{ROUGH_CUT}.wav", title=sheet.title, performer=sheet.station_name)
    add_bytes(f"{ROUGH_CUT}.cue", cue.encode("utf-8"))
    manifest = manifest_json(spec, sheet, [*files, rough_file], digests, entries)
    package.add("manifest.json", manifest.encode("utf-8"))
    return BuiltPackage(package.finish(), json.loads(manifest))


def _decode_all(spec: PackageSpec, pool: ThreadPoolExecutor) -> tuple[list[_Piece], dict[str, Samples]]:
    """Every caller clip (treated and cut) and recorded answer, and the jingles, decoded and levelled once, in
    parallel. Each piece is levelled to the target on its own before anything else uses it, so every caller
    and every answer airs equally loud in the rough cut too (a quiet caller is not left quiet beside a loud
    one, and a loud one is not squashed by the programme's limiter)."""
    by_position = {s.position: s for s in spec.sources}
    jobs: list[tuple[str, str, Segment, Future[Normalised]]] = []
    for segment in spec.sheet.segments:
        sources = by_position.get(segment.position, SegmentSources(segment.position))
        stem = f"clips/{segment.position:02d}-{segment.reference}"
        if sources.caller is not None and segment.clip is not None:
            caller = pool.submit(_levelled_caller, segment, sources.caller, spec.target)
            jobs.append((f"{stem}-caller", "caller", segment, caller))
        if sources.answer is not None and segment.answer is not None and segment.answer.audio is not None:
            answer = pool.submit(_levelled_answer, segment, sources.answer, spec.target)
            jobs.append((f"{stem}-answer", "answer", segment, answer))
    jingles = {kind: pool.submit(_levelled_jingle, path, spec.target) for kind, path in spec.jingles.items()}
    pieces = [_Piece(name, kind, segment, future.result()) for name, kind, segment, future in jobs]
    return pieces, {kind: future.result() for kind, future in jingles.items()}


def _levelled_caller(segment: Segment, clip: CallerClip, target: LoudnessTarget) -> Normalised:
    return _level(_caller(segment, clip), target, f"segment {segment.position} ({segment.reference}) caller")


def _levelled_answer(segment: Segment, path: Path, target: LoudnessTarget) -> Normalised:
    return _level(_decode(segment, path, None), target, f"segment {segment.position} ({segment.reference}) answer")


def _levelled_jingle(path: Path, target: LoudnessTarget) -> Samples:
    """A jingle at the target like every other piece; one too short to measure (a sting) is used as it is."""
    faded = decode(path)
    fade_in_place(faded)
    try:
        return normalise(faded, target).samples
    except LoudnessUnmeasurable:
        return faded


def _level(samples: Samples, target: LoudnessTarget, what: str) -> Normalised:
    faded = samples.copy()
    fade_in_place(faded)
    return _normalised(faded, target, what)


def _decode(segment: Segment, path: Path, audio_filter: str | None) -> Samples:
    try:
        return decode(path, audio_filter=audio_filter)
    except AudioDecodeError as exc:
        raise PackageError(f"segment {segment.position} ({segment.reference}): {exc}") from exc


def _caller(segment: Segment, clip: CallerClip) -> Samples:
    samples = _decode(segment, clip.path, treatment_filter(clip.voice))
    try:
        return cut(samples, start=clip.start, end=clip.end)
    except ValueError as exc:
        raise PackageError(f"segment {segment.position} ({segment.reference}): {exc}") from exc


def _seconds(samples: Samples) -> float:
    return len(samples) / SAMPLE_RATE


def _with_real_lengths(sheet: RunSheet, pieces: list[_Piece], jingles: Mapping[str, Samples]) -> RunSheet:
    """The sheet with each clip's, answer's and jingle's length (and file name) as cut, so every time agrees."""
    found = {(p.segment.position, p.kind): p for p in pieces}
    segments = []
    for segment in sheet.segments:
        caller, answer = found.get((segment.position, "caller")), found.get((segment.position, "answer"))
        changes: dict[str, Any] = {}
        if segment.clip is not None:
            if caller is None:
                raise PackageError(f"segment {segment.position} ({segment.reference}): no caller recording to cut")
            changes["clip"] = dataclasses.replace(
                segment.clip, seconds=_seconds(caller.samples), file_name=f"{caller.name}.wav"
            )
        if segment.answer is not None and segment.answer.audio is not None:
            if answer is None:
                raise PackageError(f"segment {segment.position} ({segment.reference}): the answer's audio is missing")
            audio = dataclasses.replace(
                segment.answer.audio, seconds=_seconds(answer.samples), file_name=f"{answer.name}.wav"
            )
            changes["answer"] = dataclasses.replace(segment.answer, audio=audio)
        segments.append(dataclasses.replace(segment, **changes))
    kinds: dict[str, Jingle | None] = {}
    for kind in ("intro", "between", "outro"):
        samples = jingles.get(kind)
        kinds[kind] = None if samples is None else Jingle(seconds=_seconds(samples), file_name=f"jingle-{kind}")
    return dataclasses.replace(sheet, segments=tuple(segments), jingles=dataclasses.replace(sheet.jingles, **kinds))


def _normalised(samples: Samples, target: LoudnessTarget, what: str) -> Normalised:
    try:
        return normalise(samples, target)
    except (LoudnessUnmeasurable, LoudnessUnreachable) as exc:
        raise PackageError(f"{what}: {exc} ({_seconds(samples):.2f} s)") from exc


def _write_piece(spec: PackageSpec, sheet: RunSheet, work: Path, piece: _Piece, index: int, total: int) -> AudioFile:
    """One clip or answer (already faded and levelled) as BWF and tagged MP3."""
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
    encoded = mp3.write(work / f"{piece.name}.mp3", result.samples, tags=tags)
    return AudioFile(piece.name, piece.kind, segment.position, _seconds(result.samples), result, wav, encoded)


def _history(spec: PackageSpec, position: int, kind: str) -> str:
    if kind != "caller":
        return ""
    caller = next((s.caller for s in spec.sources if s.position == position and s.caller is not None), None)
    return f"voice treatment: {caller.voice}" if caller is not None else ""


def _rough_cut(
    sheet: RunSheet, pieces: list[_Piece], jingles: Mapping[str, Samples], target: LoudnessTarget
) -> RoughCut:
    """The show in timeline order: recordings play, the host's items are silent gaps of their scripted length."""
    found = {(p.segment.position, p.kind): p.samples for p in pieces}
    items: list[Item] = []
    for item in timeline(sheet).items:
        samples = _recording(item, found, jingles)
        label = _label(item)
        if samples is None:
            items.append(Gap(label, item.seconds))
        else:
            kind = "jingle" if item.kind == ItemKind.JINGLE else "clip"
            items.append(Audio(label, samples, kind=kind, faded=True))
    try:
        return stitch(items, target)
    except (LoudnessUnmeasurable, LoudnessUnreachable) as exc:
        raise PackageError(f"the rough cut: {exc}") from exc


def _recording(
    item: TimedItem, found: Mapping[tuple[int, str], Samples], jingles: Mapping[str, Samples]
) -> Samples | None:
    if item.kind == ItemKind.JINGLE and item.jingle is not None:
        return jingles[item.jingle.file_name.removeprefix("jingle-")]
    if item.segment is None:
        return None
    if item.kind == ItemKind.CLIP:
        return found[(item.segment.position, "caller")]
    if item.kind == ItemKind.ANSWER_AUDIO:
        return found[(item.segment.position, "answer")]
    return None


def _label(item: TimedItem) -> str:
    return f"{item.segment.position}:{item.kind}" if item.segment is not None else str(item.kind)


def _write_rough_cut(
    spec: PackageSpec,
    sheet: RunSheet,
    work: Path,
    pieces: list[_Piece],
    jingles: Mapping[str, Samples],
    wav_written: Future[FileDigest],
) -> tuple[AudioFile, tuple[Cue, ...]]:
    """Stitch and normalise the show, then encode its MP3 (the build's longest single task) while its WAV is
    written here; `wav_written` is resolved as soon as the WAV is on disk, so it can be zipped meanwhile."""
    try:
        rough = _rough_cut(sheet, pieces, jingles, spec.target)
        result = rough.normalised
        info = broadcast_wav.BextInfo(
            reference=spec.week, title=sheet.title, originator=sheet.station_name,
            originator_reference=f"FMS-{spec.week}-RC", origination_date=sheet.broadcast_date,
            origination_time=ORIGINATION_TIME, coding_history="rough cut: clips, answers, jingles and host gaps",
        )  # fmt: skip
        tags = mp3.Id3Tags(
            title=sheet.title, artist=sheet.station_name, album=sheet.title, track=1, total=1, comment=spec.week,
            language=spec.id3_language, date=sheet.broadcast_date.isoformat(),
        )  # fmt: skip
        with ThreadPoolExecutor(1) as beside:
            encoded = beside.submit(mp3.write, work / f"{ROUGH_CUT}.mp3", result.samples, tags=tags)
            wav = broadcast_wav.write(work / f"{ROUGH_CUT}.wav", result.samples, info=info, loudness=result.loudness)
            wav_written.set_result(wav)
            written = AudioFile(ROUGH_CUT, "rough_cut", 0, _seconds(result.samples), result, wav, encoded.result())
    except BaseException as exc:
        if not wav_written.done():
            wav_written.set_exception(exc)
        raise
    return written, rough.cues


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
