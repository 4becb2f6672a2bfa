"""The episode's rough cut in the package: the show stitched in the run sheet's timeline order (jingles,
silent gaps of the host's scripted time, clips and answers), normalised as one programme, and written as
Broadcast WAV and MP3 — the build's longest single task, so its WAV is announced as soon as it is on disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from radio_segments import broadcast_wav, mp3
from radio_segments.episode_manifest import ROUGH_CUT, AudioFile
from radio_segments.file_digest import FileDigest
from radio_segments.loudness import LoudnessUnmeasurable
from radio_segments.normalise import LoudnessTarget, LoudnessUnreachable
from radio_segments.package_inputs import ORIGINATION_TIME, PackageError, PackageSpec
from radio_segments.package_pieces import Piece, seconds_of
from radio_segments.pcm import Samples
from radio_segments.rough_cut import Audio, Cue, Gap, Item, RoughCut, stitch
from radio_segments.run_sheet import ItemKind, RunSheet, TimedItem, timeline


def _rough_cut(
    sheet: RunSheet, pieces: list[Piece], jingles: Mapping[str, Samples], target: LoudnessTarget
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


def write_rough_cut(
    spec: PackageSpec,
    sheet: RunSheet,
    work: Path,
    pieces: list[Piece],
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
            written = AudioFile(ROUGH_CUT, "rough_cut", 0, seconds_of(result.samples), result, wav, encoded.result())
    except BaseException as exc:
        if not wav_written.done():
            wav_written.set_exception(exc)
        raise
    return written, rough.cues
