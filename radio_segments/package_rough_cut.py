"""The episode's rough cut in the package: the show stitched in the run sheet's timeline order (jingles,
silent gaps of the host's scripted time, clips and answers), normalised as one programme, and written as
Broadcast WAV and MP3. Its WAV is announced as soon as it is on disk, so it is zipped while the rest is made.

Its MP3 is normally not encoded at all: the pieces are levelled before they are stitched, so the programme
usually keeps their samples unchanged (radio_segments.rough_cut.KEEP_WITHIN_LU), and then its MP3 is the
pieces' own MP3 frames laid on the timeline (radio_segments.mp3_frames) — encoding the half-hour show a
second time used to be a third of the build's CPU and its longest single task. A programme that took a
gain or limiting of its own is encoded from its samples, as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from radio_segments import broadcast_wav, mp3, mp3_frames
from radio_segments.episode_manifest import ROUGH_CUT, AudioFile
from radio_segments.file_digest import FileDigest
from radio_segments.loudness import LoudnessUnmeasurable
from radio_segments.normalise import LoudnessTarget, LoudnessUnreachable, Normalised
from radio_segments.package_inputs import ORIGINATION_TIME, PackageError, PackageSpec
from radio_segments.package_pieces import Piece, seconds_of
from radio_segments.pcm import Samples
from radio_segments.rough_cut import Audio, Cue, Gap, Item, RoughCut, stitch
from radio_segments.run_sheet import ItemKind, RunSheet, TimedItem, timeline

# What a recording of the rough cut is, for finding its MP3 frames: (position, "caller" | "answer") of a
# segment's piece, or (0, jingle kind).
SourceKey = tuple[int, str]


def _rough_cut(
    sheet: RunSheet, pieces: list[Piece], jingles: Mapping[str, Samples], target: LoudnessTarget
) -> tuple[RoughCut, tuple[SourceKey | None, ...]]:
    """The show in timeline order: recordings play, the host's items are silent gaps of their scripted length.
    Also says, item by item, which piece or jingle plays (None for a gap)."""
    found = {(p.segment.position, p.kind): p.samples for p in pieces}
    items: list[Item] = []
    keys: list[SourceKey | None] = []
    for item in timeline(sheet).items:
        key = _source(item)
        keys.append(key)
        if key is None:
            items.append(Gap(_label(item), item.seconds))
        else:
            samples = jingles[key[1]] if key[0] == 0 else found[key]
            kind = "jingle" if item.kind == ItemKind.JINGLE else "clip"
            items.append(Audio(_label(item), samples, kind=kind, faded=True))
    try:
        return stitch(items, target), tuple(keys)
    except (LoudnessUnmeasurable, LoudnessUnreachable) as exc:
        raise PackageError(f"the rough cut: {exc}") from exc


def _source(item: TimedItem) -> SourceKey | None:
    if item.kind == ItemKind.JINGLE and item.jingle is not None:
        return (0, item.jingle.file_name.removeprefix("jingle-"))
    if item.segment is None:
        return None
    if item.kind == ItemKind.CLIP:
        return (item.segment.position, "caller")
    if item.kind == ItemKind.ANSWER_AUDIO:
        return (item.segment.position, "answer")
    return None


def _label(item: TimedItem) -> str:
    return f"{item.segment.position}:{item.kind}" if item.segment is not None else str(item.kind)


@dataclass(frozen=True)
class WrittenRoughCut:
    """The rough cut stitched, normalised and written as WAV; its MP3 either encoded already (the programme
    needed a gain or limiting of its own) or still to be joined from the pieces' MP3 frames (`with_mp3`)."""

    path: Path  # the MP3's, in the package's scratch directory
    tags: mp3.Id3Tags
    normalised: Normalised
    wav: FileDigest
    cues: tuple[Cue, ...]
    sources: tuple[SourceKey | None, ...]  # what plays in each cue
    encoded: FileDigest | None

    def with_mp3(self, pieces: Mapping[SourceKey, bytes], jingles: Mapping[str, bytes]) -> AudioFile:
        """The rough cut's file entry once its MP3 exists: joined from the pieces' and jingles' frames (each
        piece's samples are in the programme unchanged), or, if they cannot be joined exactly, encoded."""
        encoded = self.encoded
        if encoded is None:
            frames = {**pieces, **{(0, kind): data for kind, data in jingles.items()}}
            try:
                placed = [
                    (cue.start_sample, mp3_frames.parse(frames[key]))
                    for cue, key in zip(self.cues, self.sources, strict=True)
                    if key is not None
                ]
                joined = mp3_frames.join(placed, len(self.normalised.samples))
            except mp3_frames.NotJoinable:
                encoded = mp3.write(self.path, self.normalised.samples, tags=self.tags)
            else:
                encoded = mp3.write_frames(self.path, joined, tags=self.tags)
        seconds = seconds_of(self.normalised.samples)
        return AudioFile(ROUGH_CUT, "rough_cut", 0, seconds, self.normalised, self.wav, encoded)


def write_rough_cut(
    spec: PackageSpec,
    sheet: RunSheet,
    work: Path,
    pieces: list[Piece],
    jingles: Mapping[str, Samples],
    wav_written: Future[FileDigest],
) -> WrittenRoughCut:
    """Stitch and normalise the show and write its WAV; `wav_written` is resolved as soon as the WAV is on
    disk, so it can be zipped meanwhile. The MP3 is encoded here, beside the WAV, only when the programme's
    samples are not its pieces' own (it took a gain or limiting of its own): then it is the build's longest
    single task. Otherwise the caller joins it from the pieces' frames once they are encoded."""
    try:
        rough, sources = _rough_cut(sheet, pieces, jingles, spec.target)
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
        path = work / f"{ROUGH_CUT}.mp3"
        with ThreadPoolExecutor(1) as beside:
            joinable = result.gain_db == 0.0 and result.limited_db == 0.0
            encoded = None if joinable else beside.submit(mp3.write, path, result.samples, tags=tags)
            wav = broadcast_wav.write(work / f"{ROUGH_CUT}.wav", result.samples, info=info, loudness=result.loudness)
            wav_written.set_result(wav)
            mp3_file = None if encoded is None else encoded.result()
    except BaseException as exc:
        if not wav_written.done():
            wav_written.set_exception(exc)
        raise
    return WrittenRoughCut(path, tags, result, wav, rough.cues, sources, mp3_file)
