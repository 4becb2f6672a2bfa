"""The package's audio pieces: each caller clip (voice-treated and cut) and recorded answer, and the jingles,
decoded once and levelled to the loudness target on its own, in parallel.

Levelling each piece before anything else uses it means every caller and every answer airs equally loud in
the rough cut too: a quiet caller is not left quiet beside a loud one, and a loud one is not squashed by
the programme's limiter. The sheet's durations are then replaced by the pieces' real lengths, so the
script's running times, the cue sheets and the rough cut agree to the sample.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from radio_segments.loudness import LoudnessUnmeasurable
from radio_segments.normalise import LoudnessTarget, LoudnessUnreachable, Normalised, normalise
from radio_segments.package_inputs import CallerClip, PackageError, PackageSpec, SegmentSources
from radio_segments.pcm import SAMPLE_RATE, AudioDecodeError, Samples, decode
from radio_segments.rough_cut import cut, fade_in_place
from radio_segments.run_sheet import Jingle, RunSheet, Segment
from radio_segments.voice_treatment import treatment_filter


@dataclass(frozen=True)
class Piece:
    """A per-segment audio file of the package: cut, faded and levelled to the target on its own."""

    name: str  # "clips/01-4827100001-caller", without extension
    kind: str  # "caller" or "answer"
    segment: Segment
    levelled: Normalised

    @property
    def samples(self) -> Samples:
        return self.levelled.samples


def decode_all(spec: PackageSpec, pool: ThreadPoolExecutor) -> tuple[list[Piece], dict[str, Samples]]:
    """Every caller clip (treated and cut) and recorded answer, and the jingles, decoded and levelled once, in
    parallel. Each piece is levelled to the target on its own before anything else uses it, so every caller
    and every answer airs equally loud in the rough cut too (a quiet caller is not left quiet beside a loud
    one, and a loud one is not squashed by the programme's limiter)."""
    by_position = {s.position: s for s in spec.sources}
    work: list[tuple[str, str, Segment, Callable[[], Normalised], float]] = []  # name, kind, segment, job, cost
    for segment in spec.sheet.segments:
        sources = by_position.get(segment.position, SegmentSources(segment.position))
        stem = f"clips/{segment.position:02d}-{segment.reference}"
        if (caller := sources.caller) is not None and segment.clip is not None:
            job: Callable[[], Normalised] = functools.partial(_levelled_caller, segment, caller, spec.target)
            work.append((f"{stem}-caller", "caller", segment, job, _caller_cost(caller)))
        if sources.answer is not None and segment.answer is not None and segment.answer.audio is not None:
            job = functools.partial(_levelled_answer, segment, sources.answer, spec.target)
            work.append((f"{stem}-answer", "answer", segment, job, segment.answer.audio.seconds))
    # Longest first, so no worker is left alone with a long piece at the end while the other waits (the
    # rough cut can start only when every piece is done); the pieces keep the sheet's order.
    futures: dict[str, Future[Normalised]] = {}
    for name, _, _, job, _ in sorted(work, key=lambda w: -w[4]):
        futures[name] = pool.submit(job)
    jingles = {kind: pool.submit(_levelled_jingle, path, spec.target) for kind, path in spec.jingles.items()}
    pieces = [Piece(name, kind, segment, futures[name].result()) for name, kind, segment, _, _ in work]
    return pieces, {kind: future.result() for kind, future in jingles.items()}


def _caller_cost(clip: CallerClip) -> float:
    """Rough decoding cost of a caller clip, in seconds of plain audio: the pitch shift costs about four times
    a plain decode (measured on a 90 s call)."""
    length = min(clip.end, 3600.0) - clip.start
    return length * (4.0 if treatment_filter(clip.voice) else 1.0)


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
    """Fade and level a piece just decoded (nothing else holds its samples, so they are faded in place)."""
    fade_in_place(samples)
    return _normalised(samples, target, what)


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


def seconds_of(samples: Samples) -> float:
    return len(samples) / SAMPLE_RATE


def with_real_lengths(sheet: RunSheet, pieces: list[Piece], jingles: Mapping[str, Samples]) -> RunSheet:
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
                segment.clip, seconds=seconds_of(caller.samples), file_name=f"{caller.name}.wav"
            )
        if segment.answer is not None and segment.answer.audio is not None:
            if answer is None:
                raise PackageError(f"segment {segment.position} ({segment.reference}): the answer's audio is missing")
            audio = dataclasses.replace(
                segment.answer.audio, seconds=seconds_of(answer.samples), file_name=f"{answer.name}.wav"
            )
            changes["answer"] = dataclasses.replace(segment.answer, audio=audio)
        segments.append(dataclasses.replace(segment, **changes))
    kinds: dict[str, Jingle | None] = {}
    for kind in ("intro", "between", "outro"):
        samples = jingles.get(kind)
        kinds[kind] = None if samples is None else Jingle(seconds=seconds_of(samples), file_name=f"jingle-{kind}")
    return dataclasses.replace(sheet, segments=tuple(segments), jingles=dataclasses.replace(sheet.jingles, **kinds))


def _normalised(samples: Samples, target: LoudnessTarget, what: str) -> Normalised:
    try:
        return normalise(samples, target)
    except (LoudnessUnmeasurable, LoudnessUnreachable) as exc:
        raise PackageError(f"{what}: {exc} ({seconds_of(samples):.2f} s)") from exc
