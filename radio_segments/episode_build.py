"""The package job's work: read an episode from the database, map it onto plain inputs, assemble, record.

Everything the package holds is read through the core's consent-checked queries (hotline.episode_queries):
only chosen segments whose caller still agrees to broadcast are built, so a consent withdrawn after the
edit is honoured here too. Places are named at most at soum level. The caller's clip is cut at the same
clip points the producer's page showed (hotline.clip_points on the reviewed words); a re-voiced segment
gets the trimmed words for the host to read and no clip is cut at all.

The claim, the progress figures and the outcome are short transactions of their own (hotline.episode_builds),
so the page sees the build move; the audio work runs outside any transaction.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from hotline.air_dates import air_date
from hotline.audio_store import AudioStore
from hotline.clip_points import clip_points
from hotline.complaint_audio import stored_audio
from hotline.deployment import Deployment
from hotline.episode_builds import claim_build, package_key, record_built, record_failure, record_progress
from hotline.episode_publishing import rough_cut_key
from hotline.episode_queries import HeardWords, SegmentRow, heard_words, responses_of, segments
from hotline.episodes import station_of
from hotline.host_lines import name_in
from hotline.models import AnswerAirs, Complaint, Episode, Provider, Response, VoiceTreatment
from hotline.places import SOUM_LEVELS, PlaceDirectory
from hotline.stations import Station
from radio_segments.episode_package import (
    BuiltPackage,
    CallerClip,
    PackageError,
    PackageSpec,
    SegmentSources,
    build_package,
)
from radio_segments.normalise import LoudnessTarget
from radio_segments.run_sheet import AudioCue, HowToCall, KeypadLine, ProviderAnswer, RunSheet, Segment, Spoken

CHARACTERS_PER_SECOND = 14.0  # a host reading aloud, for the scripted length of live lines
CUE_WORDS = 3  # words of the in- and out-cue
ISO_639_2 = {"mn": "mon", "km": "khm", "ko": "kor", "en": "eng", "ru": "rus"}


def reading_seconds(text: str) -> float:
    """Scripted seconds for the host to read `text` live (0 for nothing to read)."""
    return round(len(" ".join(text.split())) / CHARACTERS_PER_SECOND, 1)


def build_episode_package(
    engine: Engine,
    *,
    deployment: Deployment,
    store: AudioStore,
    places: PlaceDirectory | None,
    target: LoudnessTarget,
    episode_id: int,
    now: datetime,
    last_try: bool,
    workers: int = 2,
) -> BuiltPackage | None:
    """Build the episode's package if a build was asked for; None when there is nothing to do (idempotent).

    A failure is recorded on the episode with a readable message and raised again, so RQ retries the job.
    """
    if not claim_build(engine, episode_id=episode_id, now=now):
        return None
    shown = [0]

    def progress(percent: int) -> None:
        if percent >= shown[0] + 5 or percent == 100:
            shown[0] = percent
            record_progress(engine, episode_id=episode_id, percent=percent)

    try:
        with Session(engine) as session:
            spec = package_spec(session, deployment=deployment, store=store, places=places, target=target,
                                episode_id=episode_id, workers=workers)  # fmt: skip
        key = package_key(episode_id)
        built = build_package(
            spec, store.path(key), rough_cut_mp3=store.path(rough_cut_key(episode_id)), progress=progress
        )
    except Exception as exc:
        message = str(exc) if isinstance(exc, PackageError) else f"{type(exc).__name__}: {exc}"
        record_failure(engine, episode_id=episode_id, error=message, last_try=last_try, now=now)
        raise
    record_built(engine, episode_id=episode_id, key=key, size=built.package.size, sha256=built.package.sha256, now=now)
    return built


def station_target(station: Station, default: LoudnessTarget) -> LoudnessTarget:
    """The deployment's loudness target, with the station's own figures where it sets them."""
    return dataclasses.replace(
        default,
        integrated=default.integrated if station.loudness_lufs is None else station.loudness_lufs,
        true_peak=default.true_peak if station.true_peak_dbtp is None else station.true_peak_dbtp,
    )


def package_spec(
    session: Session,
    *,
    deployment: Deployment,
    store: AudioStore,
    places: PlaceDirectory | None,
    target: LoudnessTarget,
    episode_id: int,
    workers: int = 2,
) -> PackageSpec:
    """The episode as plain inputs: its run sheet and the files of every chosen, consented segment."""
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise PackageError(f"episode {episode_id} no longer exists")
    station = station_of(deployment, episode.station)
    rows = [row for row in segments(session, episode_id=episode_id) if row.segment.chosen]
    if not rows:
        raise PackageError("no chosen segment whose caller agrees to broadcast: nothing to build")
    ids = [row.segment.complaint_id for row in rows]
    heard, answers = heard_words(session, complaint_ids=ids), responses_of(session, complaint_ids=ids)
    built = [
        _segment(session, deployment, station, places, store, row, heard.get(row.segment.complaint_id), answers)
        for row in rows
    ]
    sheet = RunSheet(
        title=episode.title or f"{station.name} {episode.week}",
        station_name=station.name,
        station_language=station.language,
        broadcast_date=air_date(episode, station),  # the producer's or the station's day, never "now"
        intro=_spoken(episode.intro),
        segments=tuple(segment for segment, _ in built),
        how_to_call=_how_to_call(deployment, station),
        outro=_spoken(episode.outro),
    )
    jingles = {kind: path for kind in ("intro", "between", "outro") if (path := deployment.jingle_path(station, kind))}
    return PackageSpec(
        sheet=sheet, episode_id=episode_id, week=episode.week, station_code=station.code,
        sources=tuple(sources for _, sources in built), jingles=jingles, target=station_target(station, target),
        id3_language=ISO_639_2.get(station.language.split("-")[0], "und"), workers=workers,
    )  # fmt: skip


def _spoken(text: str) -> Spoken:
    return Spoken(text=text, seconds=reading_seconds(text))


def _how_to_call(deployment: Deployment, station: Station) -> HowToCall:
    """The number and the first keypad menu (one key per language), as callers meet it."""
    menu = tuple(KeypadLine(key=str(n), action=language.name) for n, language in enumerate(deployment.languages, 1))
    number = deployment.announced_number(station)
    return HowToCall(number=number, menu=menu, seconds=reading_seconds(f"{number} {' '.join(m.action for m in menu)}"))


def _segment(
    session: Session,
    deployment: Deployment,
    station: Station,
    places: PlaceDirectory | None,
    store: AudioStore,
    row: SegmentRow,
    heard: HeardWords | None,
    answers: dict[int, list[Response]],
) -> tuple[Segment, SegmentSources]:
    segment, words = row.segment, row.transcript.split()
    position = segment.position or 0
    first = min(max(segment.trim_first_word or 0, 0), max(len(words) - 1, 0))
    last = len(words) - 1 if segment.trim_last_word is None else min(segment.trim_last_word, len(words) - 1)
    spoken = words[first : last + 1]
    voice = VoiceTreatment(segment.voice)
    answer, answer_file = _answer(session, station, store, row, answers)
    caller: CallerClip | None = None
    clip: AudioCue | None = None
    if voice != VoiceTreatment.REVOICED:
        caller = _caller_clip(session, store, row, heard, voice)
        clip = AudioCue(
            file_name="", in_words=" ".join(spoken[:CUE_WORDS]), out_words=" ".join(spoken[-CUE_WORDS:]),
            seconds=caller.end - caller.start,
        )  # fmt: skip
    built = Segment(
        position=position, title=_title(deployment, station, places, row), reference=row.reference,
        host=_spoken(segment.host_lines), voice=voice, clip=clip, answer=answer, status=row.status,
        revoiced=_spoken(" ".join(spoken)) if clip is None else None,
    )  # fmt: skip
    return built, SegmentSources(position, caller=caller, answer=answer_file)


def _caller_clip(
    session: Session, store: AudioStore, row: SegmentRow, heard: HeardWords | None, voice: VoiceTreatment
) -> CallerClip:
    """The stored recording cut at the producer's clip points (the whole call when it has no word timings)."""
    complaint = session.get(Complaint, row.segment.complaint_id)
    audio = stored_audio(session, complaint=complaint) if complaint is not None else None
    path = store.existing(audio.storage_key) if audio is not None else None
    if path is None:
        raise PackageError(f"segment {row.segment.position} ({row.reference}): the caller's recording is not stored")
    points = None
    if heard is not None:
        points = clip_points(
            heard.words, row.transcript, first=row.segment.trim_first_word, last=row.segment.trim_last_word,
            duration=heard.duration,
        )  # fmt: skip
    if points is None:
        return CallerClip(path, 0.0, float(heard.duration if heard and heard.duration else 3600.0), voice)
    return CallerClip(path, points.start, points.end, voice)


def _answer(
    session: Session, station: Station, store: AudioStore, row: SegmentRow, answers: dict[int, list[Response]]
) -> tuple[ProviderAnswer | None, Path | None]:
    """The chosen response, as its recording or as its text for the host to read."""
    segment = row.segment
    response = next((r for r in answers.get(segment.complaint_id, []) if r.id == segment.response_id), None)
    if response is None or segment.answer_airs is None:
        return None, None
    provider = session.get(Provider, response.provider_id) if response.provider_id is not None else None
    name = name_in(provider.names or {}, station.language) if provider is not None else ""
    if segment.answer_airs == AnswerAirs.AUDIO:
        path = store.existing(response.audio_key)
        if path is None:
            raise PackageError(f"segment {segment.position} ({row.reference}): the answer's recording is not stored")
        cue = AudioCue(file_name="", in_words="", out_words="", seconds=response.audio_duration_seconds or 0.0)
        return ProviderAnswer(provider_name=name, audio=cue), path
    return ProviderAnswer(provider_name=name, read=_spoken(response.text)), None


def _title(deployment: Deployment, station: Station, places: PlaceDirectory | None, row: SegmentRow) -> str:
    """ "Sector · Area, Soum" in the station's language: never a place finer than soum."""
    language = station.language
    sector, area = deployment.sector(row.sector), deployment.area(row.area)
    parts = [name_in(sector.names, language) if sector else "", name_in(area.names, language) if area else ""]
    place = places.place(row.soum) if places is not None and row.soum else None
    where = ", ".join(p for p in (parts[1], place.label(language) if place and place.level in SOUM_LEVELS else "") if p)
    return " · ".join(p for p in (parts[0], where) if p) or row.reference
