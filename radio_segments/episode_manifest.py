"""What the episode package says about itself: the cue sheet entries and manifest.json.

The manifest is for the station's automation and for anyone checking a delivery: every file with its size
and sha256, the loudness each audio file was measured at after normalising, and each segment's reference,
the words its clip starts and ends on and where in the caller's recording it was cut. It holds no caller
number and no place finer than the segment titles (which name at most a soum).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from radio_segments.cue_sheet import CueEntry
from radio_segments.file_digest import FileDigest
from radio_segments.normalise import Normalised
from radio_segments.rough_cut import Cue
from radio_segments.run_sheet import ItemKind, RunSheet, TimedItem

if TYPE_CHECKING:
    from radio_segments.episode_package import PackageSpec

ROUGH_CUT = "rough-cut"  # the rough cut's file names in the zip, without extension
MANIFEST_VERSION = 1

_CUE_KIND = {ItemKind.JINGLE: "jingle", ItemKind.CLIP: "clip", ItemKind.ANSWER_AUDIO: "answer"}  # others: host


@dataclass(frozen=True)
class AudioFile:
    """One normalised audio file of the package (written as `name`.wav and `name`.mp3)."""

    name: str
    kind: str  # caller, answer, rough_cut
    position: int  # the segment's; 0 for the rough cut
    seconds: float
    normalised: Normalised
    wav: FileDigest
    mp3: FileDigest

    @property
    def names(self) -> tuple[str, str]:
        return f"{self.name}.wav", f"{self.name}.mp3"

    @property
    def digests(self) -> dict[str, FileDigest]:
        return {f"{self.name}.wav": self.wav, f"{self.name}.mp3": self.mp3}


def cue_entries(items: Sequence[TimedItem], cues: Sequence[Cue]) -> list[CueEntry]:
    """One entry per timeline item, at the start the rough cut really gave it (whole samples)."""
    if len(items) != len(cues):
        raise ValueError(f"{len(items)} timeline items but {len(cues)} pieces in the rough cut")
    entries = []
    for item, cue in zip(items, cues, strict=True):
        segment = item.segment
        file, in_words, out_words = "", "", ""
        if segment is not None and item.kind == ItemKind.CLIP and segment.clip is not None:
            file, in_words, out_words = segment.clip.file_name, segment.clip.in_words, segment.clip.out_words
        elif segment is not None and item.kind == ItemKind.ANSWER_AUDIO and segment.answer and segment.answer.audio:
            file = segment.answer.audio.file_name
        title = f"{segment.position}. {segment.title} ({item.kind})" if segment is not None else str(item.kind)
        entries.append(
            CueEntry(
                kind=_CUE_KIND.get(item.kind, "host"),
                title=title,
                start=cue.start_seconds,
                duration=cue.duration_seconds,
                reference=segment.reference if segment is not None else "",
                file=file,
                in_words=in_words,
                out_words=out_words,
            )
        )
    return entries


def manifest_json(
    spec: PackageSpec,
    sheet: RunSheet,
    audio: Sequence[AudioFile],
    files: Mapping[str, FileDigest],
    cues: Sequence[CueEntry],
) -> str:
    """manifest.json's text (sorted keys, so the same package always gives the same bytes)."""
    document: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "episode": {
            "id": spec.episode_id,
            "week": spec.week,
            "title": sheet.title,
            "broadcast_date": sheet.broadcast_date.isoformat(),
            "language": sheet.station_language,
        },
        "station": {"code": spec.station_code, "name": sheet.station_name},
        "loudness_target": {
            "integrated_lufs": spec.target.integrated,
            "true_peak_dbtp": spec.target.true_peak,
            "tolerance_lu": spec.target.tolerance,
        },
        "files": [{"name": name, "bytes": files[name].size, "sha256": files[name].sha256} for name in sorted(files)],
        "audio": [_audio(a) for a in audio],
        "segments": _segments(spec, sheet),
        "rough_cut": {
            "wav": f"{ROUGH_CUT}.wav",
            "mp3": f"{ROUGH_CUT}.mp3",
            "cue": f"{ROUGH_CUT}.cue",
            "csv": "cue-sheet.csv",
            "items": [
                {
                    "kind": c.kind,
                    "title": c.title,
                    "start": round(c.start, 3),
                    "seconds": round(c.duration, 3),
                    "reference": c.reference,
                    "file": c.file,
                }
                for c in cues
            ],
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _audio(audio: AudioFile) -> dict[str, Any]:
    loudness = audio.normalised.loudness
    return {
        "files": list(audio.names),
        "kind": audio.kind,
        "position": audio.position,
        "seconds": round(audio.seconds, 3),
        "integrated_lufs": round(loudness.integrated, 2),
        "true_peak_dbtp": round(loudness.true_peak, 2),
        "loudness_range_lu": round(loudness.loudness_range, 2),
        "gain_db": round(audio.normalised.gain_db, 2),
    }


def _segments(spec: PackageSpec, sheet: RunSheet) -> list[dict[str, Any]]:
    callers = {s.position: s.caller for s in spec.sources}
    found = []
    for segment in sheet.segments:
        caller = callers.get(segment.position)
        clip = None
        if segment.clip is not None and caller is not None:
            clip = {
                "file": segment.clip.file_name,
                "in_words": segment.clip.in_words,
                "out_words": segment.clip.out_words,
                "start": caller.start,
                "end": _cut_end(caller.start, caller.end, segment.clip.seconds),
                "seconds": round(segment.clip.seconds, 3),
            }
        answer: dict[str, Any] | None = None
        if segment.answer is not None:
            audio = segment.answer.audio
            answer = {
                "provider": segment.answer.provider_name,
                "read_by_host": audio is None,
                "file": audio.file_name if audio else None,
            }
        found.append(
            {
                "position": segment.position,
                "reference": segment.reference,
                "title": segment.title,
                "voice": str(segment.voice),
                "clip": clip,
                "answer": answer,
            }
        )
    return found


def _cut_end(start: float, end: float, seconds: float) -> float:
    """Where the clip really ends: `end` as asked, unless it lay past the recording's end ("to the end" of a call
    without word timings is asked for as a far end), then where the audio ran out."""
    return end if end - start <= seconds + 0.001 else round(start + seconds, 3)
