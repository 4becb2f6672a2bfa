"""The episode page's one form, read into a producer's edit: what changed, in the new show order.

Every button on the page (save, up, down, remove, add) submits the same form, so a reorder never loses
what was typed in a text box: the typed fields and the move go out as one edit. Only fields that differ
from the episode as the page showed it become part of the edit, so a segment the producer did not touch
is not marked edited (a re-draft may still refresh it). Trims and the air date are checked here too, so a bad
value comes back beside its input, in the producer's language, rather than as the core's message at the top.
An air date left empty puts the show back on the station's weekday.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hotline.air_dates import MOVE_DAYS, check_air_date, parse_air_date
from hotline.episode_edits import AirDateChange, AnswerChoice, EpisodeEdit, SegmentEdit, Trim
from hotline.review_errors import Invalid
from staff.params import row_id
from staff.web.page import PageRequest

NO_ANSWER = ""  # the answer select's value for "no answer airs"
SEGMENT_FIELDS = ("trim_first", "trim_last", "voice", "lines", "answer")
CHOSEN_LISTED = "chosen_listed"  # present when the form lists the chosen segments (possibly none)
SHOWN_PREFIX = "shown_"  # a hidden twin of each field: its value as the page showed it


@dataclass(frozen=True)
class EpisodeForm:
    """What the producer sent: the edit to apply, or the field errors that stop it."""

    edit: EpisodeEdit
    moved: int | None  # the segment a button acted on, to scroll back to it
    errors: dict[str, str] = field(default_factory=dict)  # form field name → message beside it


def field_name(kind: str, segment_id: int) -> str:
    """The form field of one segment's input (trim_first_12, voice_12, …); the template uses the same names."""
    return f"{kind}_{segment_id}"


def answer_value(response_id: int | None, airs: str | None) -> str:
    """The answer select's value for a response and what of it airs ("" when no answer airs)."""
    return f"{response_id}:{airs}" if response_id is not None and airs else NO_ANSWER


def read_form(page: PageRequest, document: Mapping[str, Any]) -> EpisodeForm:
    """The page's form against the episode `document` it was rendered from (staff.episode_documents)."""
    shown = {s["id"]: s for s in [*document["chosen"], *document["candidates"]]}
    current_order = [s["id"] for s in document["chosen"]]
    posted = current_order  # a form without the list (a script's) keeps the order
    if CHOSEN_LISTED in page.form:
        posted = [i for i in (row_id(v) for v in page.form.getlist("chosen")) if i is not None and i in shown]
    order, moved = _reordered(posted, page.field("action"), shown)
    errors: dict[str, str] = {}
    changes = [c for sid in posted if (c := _segment_change(page, shown[sid], errors)) is not None]
    edit = EpisodeEdit(
        version=row_id(page.field("version")) or 0,
        title=_changed(_posted(page, "title"), document["title"]),
        intro=_changed(_posted(page, "intro"), document["intro"]),
        outro=_changed(_posted(page, "outro"), document["outro"]),
        air_date=_air_date(page, document, errors),
        chosen=order if order != current_order else None,
        segments=changes,
    )
    if edit.title is not None and not edit.title.strip():
        errors["title"] = page.gettext("An episode needs a title.")
    return EpisodeForm(edit, moved, errors)


def _air_date(page: PageRequest, document: Mapping[str, Any], errors: dict[str, str]) -> AirDateChange | None:
    """The date typed if it differs from the one shown; empty = back to the station's day; None = unchanged."""
    typed = _posted(page, "air_date")
    if typed is None or typed.strip() == (document["air_date"] or ""):
        return None
    if not typed.strip():
        return AirDateChange(None) if document["air_date_override"] is not None else None
    try:
        day = parse_air_date(typed)
        check_air_date(day, document["week"])
    except Invalid:
        errors["air_date"] = page.gettext(
            "Choose a day of the episode's week, or at most %(days)s days before or after it.", days=MOVE_DAYS
        )
        return None
    return AirDateChange(day)


def _reordered(posted: list[int], action: str, shown: Mapping[int, Any]) -> tuple[list[int], int | None]:
    """The chosen order after the button pressed: up, down, remove, add (at the end) or plain save."""
    verb, _, raw = action.partition(":")
    target = row_id(raw)
    order = list(posted)
    if target is None or target not in shown:
        return order, None
    if verb == "add" and target not in order:
        order.append(target)
    elif verb == "remove" and target in order:
        order.remove(target)
    elif verb in ("up", "down") and target in order:
        i = order.index(target)
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(order):
            order[i], order[j] = order[j], order[i]
    return order, target


def _segment_change(page: PageRequest, shown: Mapping[str, Any], errors: dict[str, str]) -> SegmentEdit | None:
    sid: int = shown["id"]
    trim = _trim(page, sid, len(shown["words"]), errors)
    voice = _posted(page, field_name("voice", sid))
    lines = _posted(page, field_name("lines", sid))
    answer_raw = _posted(page, field_name("answer", sid))
    answer = _answer(answer_raw.strip()) if answer_raw is not None else None
    change = SegmentEdit(
        segment_id=sid,
        trim=trim if trim is not None and trim != Trim(shown["trim"]["first"], shown["trim"]["last"]) else None,
        voice=voice if voice != shown["voice"] else None,
        host_lines=_changed(lines.strip() if lines is not None else None, shown["host_lines"]),
        answer=answer if answer is not None and answer != _shown_answer(shown) else None,
    )
    untouched = change.trim is None and change.voice is None and change.host_lines is None and change.answer is None
    return None if untouched else change


def _trim(page: PageRequest, sid: int, words: int, errors: dict[str, str]) -> Trim | None:
    """The first and last word chosen (empty = from the start / to the end); None and an error when they
    cannot be a clip: outside the transcript, or the last before the first."""
    if field_name("trim_first", sid) not in page.form and field_name("trim_last", sid) not in page.form:
        return None  # not in the form: unchanged
    first_raw, last_raw = page.field(field_name("trim_first", sid)), page.field(field_name("trim_last", sid))
    first, last = _index(first_raw), _index(last_raw)
    name = field_name("trim", sid)
    if (first_raw and first is None) or (last_raw and last is None):
        errors[name] = page.gettext("Choose the first and last word from the lists.")
    elif any(i is not None and not 0 <= i < words for i in (first, last)):
        errors[name] = page.gettext("The transcript has %(count)s words: choose words from it.", count=words)
    elif first is not None and last is not None and last < first:
        errors[name] = page.gettext("The last word comes before the first: choose a last word after the first.")
    else:
        return Trim(first, last)
    return None


def _answer(value: str) -> AnswerChoice | None:
    """ "12:audio" / "12:text" → that response and what of it airs; "" → no answer; anything else → unchanged."""
    if value == NO_ANSWER:
        return AnswerChoice(None)
    raw_id, _, airs = value.partition(":")
    response_id = row_id(raw_id)
    return AnswerChoice(response_id, airs) if response_id is not None and airs else None


def _shown_answer(shown: Mapping[str, Any]) -> AnswerChoice:
    response_id, airs = shown["answer"]["response_id"], shown["answer"]["airs"]
    return AnswerChoice(response_id, airs) if response_id is not None else AnswerChoice(None)


def _changed(value: str | None, current: str) -> str | None:
    """The typed value if it differs from what the page showed (ignoring the ends' spaces), else None."""
    return value if value is not None and value.strip() != current.strip() else None


def _posted(page: PageRequest, name: str) -> str | None:
    """A field as sent (None when the form does not have it: that field is left as it is)."""
    value = page.form.get(name)
    return value if isinstance(value, str) else None


def _index(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else None


def typed_values(page: PageRequest, segment_ids: Sequence[int]) -> dict[str, str]:
    """What the producer changed in the form, by field name, to put back in the boxes when the save is refused.
    A field left as the page showed it (its hidden `shown_` twin) is not kept, so the newest state shows
    there instead of undoing what someone else saved meanwhile."""
    names = ["title", "air_date", "intro", "outro"]
    for sid in segment_ids:
        names += [field_name(kind, sid) for kind in SEGMENT_FIELDS]
    typed = {}
    for name in names:
        value, shown = page.form.get(name), page.form.get(SHOWN_PREFIX + name)
        if isinstance(value, str) and not (isinstance(shown, str) and _same(value, shown)):
            typed[name] = value
    return typed


def _same(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()
