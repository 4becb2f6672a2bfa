"""What the episode page shows, built from the episode document the API serves (staff.episode_documents).

The page and the API read the same document, so the clip a producer sees (start, end, duration) is the one
the package job cuts. The form's values come from the document, overlaid with what the producer typed when
a save was refused, so nothing typed is lost on a 409 or a field error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hotline.air_dates import air_date_range, station_air_date
from hotline.models import Episode, VoiceTreatment
from staff.episode_documents import episode_document
from staff.web.episode_forms import answer_value, field_name
from staff.web.page import PageRequest

VOICES = tuple(VoiceTreatment)


@dataclass(frozen=True)
class EpisodeView:
    document: dict[str, Any]
    station_name: str
    station_day: str  # the station's weekday in the episode's week, where an empty air date puts the show
    air_date_range: tuple[str, str]  # the first and last day the show may be moved to
    chosen: list[dict[str, Any]]
    candidates: list[dict[str, Any]]
    values: dict[str, str]  # form field name → the value it shows
    shown: dict[str, str]  # form field name → the stored value (sent back in hidden fields, see episode_forms)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    error: str = ""


def load_document(page: PageRequest, episode: Episode) -> dict[str, Any]:
    return episode_document(page.session, episode, deployment=page.settings.deployment, places=page.places)


def build_view(
    page: PageRequest,
    document: dict[str, Any],
    *,
    typed: Mapping[str, str] | None = None,
    errors: Mapping[str, str] | None = None,
    message: str = "",
    error: str = "",
) -> EpisodeView:
    """The page's data; `typed` (the refused form) wins over the stored values field by field."""
    listed = {s["reference"] for s in [*document["chosen"], *document["candidates"]]}
    chosen = [_segment(s, listed) for s in document["chosen"]]
    candidates = [_segment(s, listed) for s in document["candidates"]]
    shown = {
        "title": document["title"],
        "air_date": document["air_date"] or "",
        "intro": document["intro"],
        "outro": document["outro"],
    }
    for segment in document["chosen"]:
        shown |= _form_values(segment)
    values = shown | {name: value for name, value in (typed or {}).items() if name in shown}
    station = page.settings.deployment.station(document["station"])
    first, last = air_date_range(document["week"])
    return EpisodeView(
        document=document,
        station_name=station.name if station is not None else document["station"],
        station_day=station_air_date(station, document["week"]).isoformat() if station is not None else "",
        air_date_range=(first.isoformat(), last.isoformat()),
        chosen=chosen,
        candidates=candidates,
        values=values,
        shown=shown,
        errors=dict(errors or {}),
        message=message,
        error=error,
    )


def _segment(segment: dict[str, Any], listed: set[str]) -> dict[str, Any]:
    """The document's segment with what the template shows besides: the place, the clip, the player's address.
    The curation's group names only complaints still in the episode: a caller who withdrew consent since
    the draft is no longer named, not even by reference."""
    place = " / ".join(p for p in (segment["area_name"], segment["soum_name"]) if p)
    clip = segment["clip"]
    audio = f"/complaints/{quote(segment['reference'])}/audio"
    if clip is not None:
        audio += f"#t={clip['start']:.2f},{clip['end']:.2f}"
    reasons = dict(segment["reasons"])
    reasons["group"] = [r for r in reasons.get("group") or [] if r in listed]
    if reasons.get("grouped_with") not in listed:
        reasons.pop("grouped_with", None)
    return {
        **segment,
        "reasons": reasons,
        "place": place,
        "audio_url": audio,
        "clip_view": _clip_view(clip),
        "answer_options": _answer_options(segment["responses"]),
    }


def _clip_view(clip: Mapping[str, float] | None) -> dict[str, str] | None:
    if clip is None:
        return None
    return {
        "start": f"{clip['start']:.2f}",
        "end": f"{clip['end']:.2f}",
        "duration": f"{clip['end'] - clip['start']:.2f}",
    }


def _answer_options(responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One option per response version and what of it can air: its recorded audio, its text (read by the host)."""
    options = []
    for response in responses:
        airable = [("audio", response["audio"]), ("text", bool(response["text"].strip()))]
        for airs, present in airable:
            if present:
                value = answer_value(response["id"], airs)
                options.append({"value": value, "version": response["version"], "airs": airs})
    return options


def _form_values(segment: Mapping[str, Any]) -> dict[str, str]:
    sid = segment["id"]
    first, last = segment["trim"]["first"], segment["trim"]["last"]
    return {
        field_name("trim_first", sid): "" if first is None else str(first),
        field_name("trim_last", sid): "" if last is None else str(last),
        field_name("voice", sid): segment["voice"],
        field_name("lines", sid): segment["host_lines"],
        field_name("answer", sid): answer_value(segment["answer"]["response_id"], segment["answer"]["airs"]),
    }
