"""Every machine tag for a complaint: the caller's keypad choices, then what the transcript adds.

Keypad choices are facts the caller gave (score 1.0, source "menu"); transcript tags are evidence with
a score and the words behind it. Where the transcript agrees with the keypad it is kept as
corroboration; where it points elsewhere it is marked suggested, for staff to accept or dismiss. With
no text (no model for the language, or silence) only the keypad tags remain.
"""

from __future__ import annotations

from hotline.deployment import Deployment
from transcription.gazetteer import Gazetteer
from transcription.location_tagging import tag_locations
from transcription.sector_tagging import tag_sectors
from transcription.tags import MENU, TRANSCRIPT, TagResult

__all__ = ["MENU", "TRANSCRIPT", "TagResult", "menu_tags", "tag_complaint"]


def menu_tags(
    *, language: str, deployment: Deployment, gazetteer: Gazetteer, menu_sector: str | None, menu_area: str | None
) -> list[TagResult]:
    """The keypad choices as tags; unknown codes are kept (the caller pressed them) and say so."""
    tags = []
    if menu_sector:
        sector = deployment.sector(menu_sector)
        label = (sector.names.get(language) or next(iter(sector.names.values()))) if sector else menu_sector
        evidence: dict[str, object] = {"digit": sector.digit} if sector else {"unknown_code": True}
        tags.append(TagResult("sector", menu_sector, label, 1.0, MENU, False, evidence))
    if menu_area:
        unit, area = gazetteer.unit(menu_area), deployment.area(menu_area)
        if area is not None:
            label = area.names.get(language) or next(iter(area.names.values()), menu_area)
        else:
            label = unit.label(language) if unit is not None else menu_area
        known = unit is not None or area is not None
        evidence = {"typed": menu_area} if known else {"typed": menu_area, "unknown_code": True}
        tags.append(TagResult("area", menu_area, label, 1.0, MENU, False, evidence))
    return tags


def tag_complaint(
    *,
    text: str,
    language: str,
    deployment: Deployment,
    gazetteer: Gazetteer,
    menu_sector: str | None,
    menu_area: str | None,
) -> list[TagResult]:
    """Menu tags first, then transcript sector and location tags (best first)."""
    language = language or deployment.languages[0].code
    tags = menu_tags(
        language=language, deployment=deployment, gazetteer=gazetteer, menu_sector=menu_sector, menu_area=menu_area
    )
    if text and text.strip():
        tags += tag_sectors(text=text, language=language, deployment=deployment, menu_sector=menu_sector)
        tags += tag_locations(
            text=text, language=language, deployment=deployment, gazetteer=gazetteer, menu_area=menu_area
        )
    return tags
