"""Staff verdicts on a complaint's tags: accept or reject a suggestion, or set the sector, area or soum.

The machine's tags (from the keypad menu and the transcript) are kept as they were and only get a verdict;
what staff choose is a Tag of its own with source "staff" and its author, so the page can show who said
what. The complaint's columns (sector, area, soum) hold the current answer that the inbox filters and the
routing read; every change is audited in the same transaction.
"""

from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session, select

from hotline.audit import Actor, AuditAction, record
from hotline.deployment import Deployment
from hotline.models import Complaint, Tag, utcnow
from hotline.models.common import saved_id
from hotline.places import SOUM_LEVELS, PlaceDirectory
from hotline.review_errors import Invalid

STAFF_SOURCE = "staff"


class TagKind(StrEnum):
    SECTOR = "sector"
    AREA = "area"
    SOUM = "soum"


# Which of the complaint's columns a tag of each kind answers (the gazetteer tags the capital's soums "district").
_CURRENT_FOR = {"sector": TagKind.SECTOR, "area": TagKind.AREA, "soum": TagKind.SOUM, "district": TagKind.SOUM}


class TagDecision(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"


def decide_tag(session: Session, *, complaint: Complaint, tag_id: int, decision: str, actor: Actor) -> Tag:
    """Accept or reject one of the complaint's tags; accepting a sector, area or soum also makes it current."""
    verdict = _decision(decision)
    tag = session.get(Tag, tag_id)
    if tag is None or tag.complaint_id != complaint.id:
        raise Invalid(f"complaint {complaint.reference} has no tag {tag_id}")
    before = tag.decision or "undecided"
    tag.decision, tag.decided_by_id, tag.decided_at = verdict, actor.user_id, utcnow()
    session.add(tag)
    change = ""
    if verdict is TagDecision.ACCEPTED and (current := _CURRENT_FOR.get(tag.kind)) is not None:
        change = _make_current(complaint, current, tag.code)
    _audit(session, actor, complaint, before=f"{tag.kind} {tag.code} ({tag.source}): {before}", after=verdict + change)
    return tag


def set_tag(
    session: Session,
    *,
    complaint: Complaint,
    kind: str,
    code: str | None,
    actor: Actor,
    deployment: Deployment,
    places: PlaceDirectory,
) -> list[Tag]:
    """Set (or, with code None, clear) the complaint's sector, area or soum as staff; returns the staff tags
    written. A soum in another area also moves the complaint's area there, as a second staff tag."""
    which = _kind(kind)
    if code is None:
        before = _current(complaint, which)
        _make_current(complaint, which, None)
        _audit(session, actor, complaint, before=f"{which} {before or 'none'}", after=f"{which} cleared")
        return []
    labels = [(which, code, _label(which, code, complaint=complaint, deployment=deployment, places=places))]
    if which is TagKind.SOUM:
        soum = places.place(code)
        if soum is not None and soum.area and soum.area != complaint.area:
            area_label = _label(TagKind.AREA, soum.area, complaint=complaint, deployment=deployment, places=places)
            labels.append((TagKind.AREA, soum.area, area_label))
    written: list[Tag] = []
    for tag_kind, tag_code, label in labels:
        before = _current(complaint, tag_kind)
        written.append(_staff_tag(session, complaint, tag_kind, tag_code, label, actor))
        _make_current(complaint, tag_kind, tag_code)
        _audit(session, actor, complaint, before=f"{tag_kind} {before or 'none'}", after=f"{tag_kind} {tag_code}")
    return written


def _staff_tag(session: Session, complaint: Complaint, kind: TagKind, code: str, label: str, actor: Actor) -> Tag:
    """The staff tag for (kind, code), reused if staff set it before (the tag identity is unique)."""
    tag = session.exec(
        select(Tag).where(
            Tag.complaint_id == complaint.id, Tag.kind == kind, Tag.code == code, Tag.source == STAFF_SOURCE
        )
    ).first()
    if tag is None:
        tag = Tag(complaint_id=saved_id(complaint), kind=kind, code=code, source=STAFF_SOURCE, score=1.0)
    tag.label = label[:200]
    tag.decision, tag.decided_by_id, tag.decided_at = TagDecision.ACCEPTED, actor.user_id, utcnow()
    session.add(tag)
    return tag


def _label(kind: TagKind, code: str, *, complaint: Complaint, deployment: Deployment, places: PlaceDirectory) -> str:
    """The code's name in the complaint's language; refuses codes the deployment or gazetteer does not know."""
    if kind is TagKind.SECTOR:
        sector = deployment.sector(code)
        if sector is None:
            raise Invalid(f"unknown sector {code!r}; sectors are {', '.join(s.code for s in deployment.sectors)}")
        return sector.names.get(complaint.language) or next(iter(sector.names.values()), code)
    if kind is TagKind.AREA:
        area = deployment.area(code)
        if area is None:
            raise Invalid(f"unknown area {code!r}; areas are {', '.join(a.code for a in deployment.areas)}")
        return area.names.get(complaint.language) or next(iter(area.names.values()), code)
    place = places.place(code)
    if place is None or place.level not in SOUM_LEVELS:
        raise Invalid(f"unknown soum {code!r}: search the places by name for its code")
    return place.label(complaint.language)


def _make_current(complaint: Complaint, kind: TagKind, code: str | None) -> str:
    before = _current(complaint, kind)
    setattr(complaint, kind.value, code)
    complaint.updated_at = utcnow()
    return f"; {kind} {before or 'none'} -> {code or 'none'}" if before != code else ""


def _current(complaint: Complaint, kind: TagKind) -> str | None:
    value: str | None = getattr(complaint, kind.value)
    return value


def _audit(session: Session, actor: Actor, complaint: Complaint, *, before: str, after: str) -> None:
    record(
        session,
        actor,
        AuditAction.TAG_CHANGED,
        object_type="complaint",
        object_id=complaint.reference,
        before=before,
        after=after,
    )


def _kind(kind: str) -> TagKind:
    try:
        return TagKind(kind)
    except ValueError:
        raise Invalid(f"kind must be one of {', '.join(TagKind)}, got {kind!r}") from None


def _decision(decision: str) -> TagDecision:
    try:
        return TagDecision(decision)
    except ValueError:
        raise Invalid(f"decision must be one of {', '.join(TagDecision)}, got {decision!r}") from None
