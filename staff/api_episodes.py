"""JSON API for radio stations and their weekly episodes: the contract stations' automation scripts use.

`GET /api/stations` lists the deployment's stations; `POST /api/episodes` drafts (or re-drafts) a station's
week and answers 201 with the episode; `GET` reads them; `PATCH` applies a producer's edits to a draft,
naming the version it was made on (409 when someone changed the episode since). Drafting and editing are
the core's (hotline.episodes, hotline.episode_edits); this module parses bodies and shapes documents.
"""

from __future__ import annotations

from typing import Any

from hotline.air_dates import parse_air_date
from hotline.audio_store import AudioStore
from hotline.episode_builds import build_progress, package_ready, request_build
from hotline.episode_edits import AirDateChange, AnswerChoice, EpisodeEdit, SegmentEdit, Trim, edit_episode
from hotline.episode_queries import episodes as list_episodes
from hotline.episodes import draft_episode, station_of
from hotline.iso_weeks import parse_week, week_of
from hotline.models import Episode, utcnow
from staff.api_output import ApiError
from staff.endpoint import ApiRequest, FileReply, Reply
from staff.episode_documents import episode_document, episode_summary
from staff.json_body import int_field, json_object, optional_string, string_field
from staff.params import MAX_ID, parse_episode_id

EDIT_FIELDS = frozenset({"version", "title", "intro", "outro", "air_date", "chosen", "segments"})
SEGMENT_FIELDS = frozenset({"id", "trim", "voice", "host_lines", "answer"})
MAX_WORD_INDEX = 100_000


def stations(api: ApiRequest) -> list[dict[str, str]]:
    """The deployment's radio stations: code, name and the language their show is in."""
    return [{"code": s.code, "name": s.name, "language": s.language} for s in api.settings.deployment.stations]


def create_episode(api: ApiRequest) -> Reply:
    """Draft the station's episode for an ISO week (default: this week); drafting an existing draft re-ranks it."""
    body = json_object(api.body, allowed={"station", "week"})
    deployment = api.settings.deployment
    station = station_of(deployment, string_field(body, "station"))
    given = optional_string(body, "week")
    now = utcnow()
    week = parse_week(given) if given is not None else week_of(now, deployment.timezone)
    drafted = draft_episode(
        api.session, deployment=deployment, station_code=station.code, week=week, now=now, actor=api.actor
    )
    return Reply(api_document(api, find_episode(api, drafted.episode_id)), status_code=201)


def episodes(api: ApiRequest) -> dict[str, Any]:
    """Episodes, newest week first; `station=CODE` for one station's, `week=2026-W48` for one week's."""
    station, week = api.query.get("station"), api.query.get("week")
    if station is not None:
        station = station_of(api.settings.deployment, station).code
    if week is not None:
        week = str(parse_week(week))
    found = list_episodes(api.session, station=station, week=week)
    deployment, base_url = api.settings.deployment, api.settings.public_base_url
    return {"items": [episode_summary(e, deployment=deployment, base_url=base_url) for e in found]}


def episode(api: ApiRequest) -> dict[str, Any]:
    """One episode with its chosen segments in show order and the other candidates by rank."""
    return api_document(api, find_episode(api, _episode_id(api)))


def change_episode(api: ApiRequest) -> dict[str, Any]:
    """Apply a producer's edits to a draft: air date, chosen segments and order, trims, voices, host lines, answers."""
    body = json_object(api.body, allowed=EDIT_FIELDS)
    edit = EpisodeEdit(
        version=int_field(body, "version", minimum=1, maximum=MAX_ID),
        title=optional_string(body, "title"),
        intro=optional_string(body, "intro"),
        outro=optional_string(body, "outro"),
        air_date=_air_date(body["air_date"]) if "air_date" in body else None,
        chosen=_ids(body["chosen"], "chosen") if "chosen" in body else None,
        segments=[_segment_edit(item) for item in _list(body.get("segments", []), "segments")],
    )
    found = find_episode(api, _episode_id(api))
    edit_episode(api.session, episode=found, edit=edit, now=utcnow(), actor=api.actor)
    return api_document(api, found)


def build(api: ApiRequest) -> Reply:
    """Ask for the episode's package: 202 with the build's progress (already under way: the same, unchanged)."""
    found = find_episode(api, _episode_id(api))
    request_build(api.session, episode=found, actor=api.actor, now=utcnow())
    api.session.commit()  # the request exists before the job may run
    jobs = api.services.jobs if api.services is not None else None
    if jobs is not None:
        jobs.episode_build_requested(found.id or 0)  # never doubled: a live job for the episode is kept
    api.session.refresh(found)
    return Reply(_progress(found), status_code=202)


def package(api: ApiRequest) -> FileReply | Reply:
    """The built package (zip); 409 with the build's progress while there is none."""
    found = find_episode(api, _episode_id(api))
    path = AudioStore(api.settings.audio_dir).existing(found.package_key) if package_ready(found) else None
    if path is None:
        return Reply({"error": "the episode's package is not built", **_progress(found)}, status_code=409)
    return FileReply(path, "application/zip")


def _progress(found: Episode) -> dict[str, Any]:
    return {"id": found.id, "status": found.status, "build": build_progress(found)}


def api_document(api: ApiRequest, found: Episode) -> dict[str, Any]:
    """The episode's document as the API gives it (feed_url absolute on the public address)."""
    return episode_document(
        api.session,
        found,
        deployment=api.settings.deployment,
        places=api.places,
        base_url=api.settings.public_base_url,
    )


def _episode_id(api: ApiRequest) -> int:
    return parse_episode_id(api.path_params["episode_id"])


def find_episode(api: ApiRequest, episode_id: int) -> Episode:
    """The episode, or 404."""
    found = api.session.get(Episode, episode_id)
    if found is None:
        raise ApiError(404, f"no episode with id {episode_id}")
    return found


def _segment_edit(item: Any) -> SegmentEdit:
    body = json_object(item, allowed=SEGMENT_FIELDS)
    trim = body.get("trim", ...)
    answer = body.get("answer", ...)
    return SegmentEdit(
        segment_id=int_field(body, "id", minimum=1, maximum=MAX_ID),
        trim=None if trim is ... else _trim(trim),
        voice=optional_string(body, "voice"),
        host_lines=optional_string(body, "host_lines"),
        answer=None if answer is ... else _answer(answer),
    )


def _air_date(value: Any) -> AirDateChange:
    """ "YYYY-MM-DD" moves the show to that day; null puts it back on the station's weekday."""
    return AirDateChange(None if value is None else parse_air_date(value))


def _trim(value: Any) -> Trim:
    """{"first": i, "last": j} with either end null (from the start / to the end); null = the whole clip."""
    if value is None:
        return Trim()
    body = json_object(value, allowed={"first", "last"})
    ends = [None if body.get(n) is None else int_field(body, n, maximum=MAX_WORD_INDEX) for n in ("first", "last")]
    return Trim(ends[0], ends[1])


def _answer(value: Any) -> AnswerChoice:
    """{"response_id": id, "airs": "audio" | "text"}; null = no answer airs."""
    if value is None:
        return AnswerChoice(None)
    body = json_object(value, allowed={"response_id", "airs"})
    response_id = None if body.get("response_id") is None else int_field(body, "response_id", minimum=1)
    return AnswerChoice(response_id, optional_string(body, "airs"))


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise ApiError(400, f"{name} must be a list")
    return value


def _ids(value: Any, name: str) -> list[int]:
    items = _list(value, name)
    if any(isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_ID for v in items):
        raise ApiError(400, f"{name} must list segment ids (whole numbers)")
    return items
