"""What the complaint page shows, gathered from the core's queries into one object the template reads.

Words of the machine transcript are shaded by the recogniser's confidence in three bands, so a
reviewer's eye goes to the words most likely misheard; each carries its start time for the player.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from hotline.access import sees_only_consented
from hotline.complaint_queries import ComplaintDetail, complaint_detail, find_complaint
from hotline.deployment import Deployment
from hotline.manual_queue import next_waiting
from hotline.models import Complaint, ComplaintStatus, User
from hotline.models.users import Role
from hotline.places import SOUM_LEVELS, Place, PlaceDirectory
from hotline.related_complaints import RelatedComplaint, same_caller, similar
from staff.web.deployment_names import area_choices, sector_choices
from staff.web.page import PageError, PageRequest

# Confidence bands for shading words: below LOW is probably wrong, below MEDIUM worth a second listen.
LOW_CONFIDENCE = 0.5
MEDIUM_CONFIDENCE = 0.8


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    confidence: float
    band: str  # "low", "medium" or "high"


@dataclass
class ComplaintView:
    detail: ComplaintDetail
    words: list[Word]
    same_caller: list[RelatedComplaint]
    similar: list[RelatedComplaint]
    sectors: list[tuple[str, str]]  # code, name in the interface language
    areas: list[tuple[str, str]]
    place_results: list[Place] = field(default_factory=list)
    manual_mode: bool = False
    next_waiting: str | None = None
    can_edit: bool = False
    can_reveal: bool = False
    revealed_number: str | None = None
    draft_text: str | None = None  # what the user typed, shown again when a save was refused
    message: str = ""
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def load_complaint(page: PageRequest) -> Complaint:
    """The complaint named in the path, as this user may see it; 404 for unknown or not visible."""
    reference = str(page.path_params["reference"])
    complaint = find_complaint(page.session, reference=reference, consented_only=sees_only_consented(page.user.role))
    if complaint is None:
        raise PageError(404, page.gettext("No complaint has the reference %(reference)s.", reference=reference))
    return complaint


def build_view(
    page: PageRequest, complaint: Complaint, *, places: PlaceDirectory | None, **overrides: Any
) -> ComplaintView:
    session: Session = page.session
    consented_only = sees_only_consented(page.user.role)
    detail = complaint_detail(
        session, reference=complaint.reference, consented_only=consented_only, with_notes=may_edit(page.user)
    )
    if detail is None:  # it vanished between the two reads
        raise PageError(
            404, page.gettext("No complaint has the reference %(reference)s.", reference=complaint.reference)
        )
    deployment: Deployment = page.settings.deployment
    place_query = page.query.get("place_q", "").strip()
    view = ComplaintView(
        detail=detail,
        words=_words(detail),
        same_caller=same_caller(session, complaint=complaint, consented_only=consented_only),
        similar=similar(session, complaint=complaint, consented_only=consented_only),
        sectors=sector_choices(deployment, page.language),
        areas=area_choices(deployment, page.language),
        place_results=places.search(place_query, levels=SOUM_LEVELS) if places and place_query else [],
        manual_mode=page.query.get("mode") == "manual" or detail.status == ComplaintStatus.NEEDS_MANUAL_TRANSCRIPTION,
        can_edit=may_edit(page.user),
        can_reveal=page.user.role == Role.ADMIN,
    )
    if view.manual_mode:
        view.next_waiting = next_waiting(session, after_reference=complaint.reference)
    for name, value in overrides.items():
        setattr(view, name, value)
    return view


def may_edit(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.STAFF)


def _words(detail: ComplaintDetail) -> list[Word]:
    machine = next((v for v in detail.transcripts if v.version == 1 and v.words), None)
    if machine is None or not machine.words:
        return []
    return [
        Word(
            text=str(w.get("word", "")),
            start=float(w.get("start", 0.0)),
            end=float(w.get("end", 0.0)),
            confidence=float(w.get("conf", 0.0)),
            band=_band(float(w.get("conf", 0.0))),
        )
        for w in machine.words
    ]


def _band(confidence: float) -> str:
    if confidence < LOW_CONFIDENCE:
        return "low"
    return "medium" if confidence < MEDIUM_CONFIDENCE else "high"
