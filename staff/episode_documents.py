"""Episodes as JSON for producers and the stations' automation: codes named in the station's language.

What a document holds is limited on purpose: complaint references, the reviewed transcript and its words
(for trimming), the sector, the aimag and at most the soum (never a finer place), the provider's answers,
and the curation's reasons. Never a caller's number or hash, and no audio link: segments exist only for
complaints whose callers agreed to broadcast (hotline.episode_queries checks it on every read).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from hotline.air_dates import air_date, air_moment
from hotline.clip_points import clip_points
from hotline.deployment import Deployment
from hotline.episode_publishing import feed_path
from hotline.episode_queries import HeardWords, SegmentRow, heard_words, responses_of, segments
from hotline.host_lines import name_in
from hotline.models import Episode, EpisodeStatus, Response
from hotline.places import SOUM_LEVELS, PlaceDirectory
from staff.api_output import jsonable


def episode_summary(episode: Episode, *, deployment: Deployment, base_url: str = "") -> dict[str, Any]:
    """An episode without its segments, for lists; `base_url` (the public address) makes `feed_url` absolute."""
    station = deployment.station(episode.station)
    airs = air_date(episode, station) if station is not None else episode.air_date
    package = None
    if episode.package_key is not None:
        package = {"bytes": episode.package_bytes, "sha256": episode.package_sha256}
    return jsonable(  # type: ignore[no-any-return]
        {
            "id": episode.id,
            "station": episode.station,
            "week": episode.week,
            # The day it airs (the producer's if moved, else the station's weekday) and that moment in UTC;
            # air_date_override is the producer's date alone (null: the station's day), what PATCH sets.
            "air_date": airs.isoformat() if airs is not None else None,
            "airs_at": air_moment(episode, station, timezone=deployment.timezone) if station is not None else None,
            "air_date_override": episode.air_date.isoformat() if episode.air_date is not None else None,
            "status": episode.status,
            "title": episode.title,
            "version": episode.version,
            "created_at": episode.created_at,
            "updated_at": episode.updated_at,
            "drafted_at": episode.drafted_at,
            "edited_at": episode.edited_at,
            "build": {
                "status": episode.build_status,
                "percent": episode.build_percent,
                "error": episode.build_error or None,
                "started_at": episode.build_started_at,
                "finished_at": episode.build_finished_at,
            },
            "package": package,
            "published_at": episode.published_at,
            # The station's feed once published; delivery says whether the feed and any AzuraCast upload went out.
            "feed_url": base_url.rstrip("/") + feed_path(episode.station)
            if episode.status == EpisodeStatus.PUBLISHED
            else None,
            "delivery": {"error": episode.delivery_error or None, "delivered_at": episode.delivered_at},
        }
    )


def episode_document(
    session: Session, episode: Episode, *, deployment: Deployment, places: PlaceDirectory, base_url: str = ""
) -> dict[str, Any]:
    """The whole episode: its lines, the chosen segments in show order and the other candidates by rank."""
    rows = segments(session, episode_id=episode.id or 0)
    complaint_ids = [row.segment.complaint_id for row in rows]
    answers = responses_of(session, complaint_ids=complaint_ids)
    heard = heard_words(session, complaint_ids=complaint_ids)
    station = deployment.station(episode.station)
    language = station.language if station is not None else deployment.languages[0].code
    documents = [
        {
            **_segment(row, answers.get(row.segment.complaint_id, []), deployment, places, language),
            "clip": _clip(row, heard.get(row.segment.complaint_id)),
        }
        for row in rows
    ]
    return {
        **episode_summary(episode, deployment=deployment, base_url=base_url),
        "intro": episode.intro,
        "outro": episode.outro,
        "chosen": [d for d in documents if d["chosen"]],
        "candidates": [d for d in documents if not d["chosen"]],
    }


def _clip(row: SegmentRow, heard: HeardWords | None) -> dict[str, float] | None:
    """In and out seconds of the trimmed clip in the caller's recording (None without machine timings)."""
    if heard is None:
        return None
    points = clip_points(
        heard.words, row.transcript, first=row.segment.trim_first_word, last=row.segment.trim_last_word,
        duration=heard.duration,
    )  # fmt: skip
    return {"start": points.start, "end": points.end} if points is not None else None


def _segment(
    row: SegmentRow, answers: list[Response], deployment: Deployment, places: PlaceDirectory, language: str
) -> dict[str, Any]:
    segment = row.segment
    area = deployment.area(row.area)
    sector = deployment.sector(row.sector)
    soum = places.place(row.soum) if row.soum else None
    return jsonable(  # type: ignore[no-any-return]
        {
            "id": segment.id,
            "reference": row.reference,
            "chosen": segment.chosen,
            "position": segment.position,
            "rank": segment.rank,
            "score": segment.score,
            "reasons": segment.reasons or {},
            "status": row.status,
            "created_at": row.created_at,
            "sector": row.sector,
            "sector_name": name_in(sector.names, language) if sector is not None else None,
            "area": row.area,
            "area_name": name_in(area.names, language) if area is not None else None,
            "soum_name": soum.label(language) if soum is not None and soum.level in SOUM_LEVELS else None,
            "transcript": row.transcript,
            "words": row.transcript.split(),
            "trim": {"first": segment.trim_first_word, "last": segment.trim_last_word},
            "voice": segment.voice,
            "host_lines": segment.host_lines,
            "answer": {"response_id": segment.response_id, "airs": segment.answer_airs},
            "responses": [
                {"id": r.id, "version": r.version, "text": r.text, "audio": r.audio_key is not None} for r in answers
            ],
            "edited": segment.edited,
        }
    )
