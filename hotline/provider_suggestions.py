"""Whom to suggest for a complaint: active providers of its sector, those serving its soum first, then its
aimag, then the whole country.

Kept apart from the directory (hotline.providers), which it only reads: ranking is routing's question,
asked from the routing page and the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from sqlmodel import Session, col, select

from hotline.models import Complaint
from hotline.models.providers import Provider, ProviderSector
from hotline.places import PlaceDirectory
from hotline.providers import ProviderView, list_providers


class Match(IntEnum):
    """How closely a provider's places fit a complaint's; lower is more specific."""

    SOUM = 0
    AREA = 1
    NATIONWIDE = 2


@dataclass(frozen=True)
class Suggestion:
    provider: ProviderView
    match: Match
    reasons: list[str] = field(default_factory=list)


def suggest_providers(session: Session, *, complaint: Complaint, places: PlaceDirectory) -> list[Suggestion]:
    """Active providers for the complaint's sector that serve its soum, then its aimag, then the whole country;
    within each, those with a signed agreement first. Providers serving only other places are left out."""
    if not complaint.sector:
        return []
    soum = complaint.soum
    area = complaint.area
    if area is None and soum is not None:
        place = places.place(soum)
        area = place.area if place is not None else None
    ids = list(
        session.exec(
            select(ProviderSector.provider_id)  # served by ix_providersector_sector
            .join(Provider, col(Provider.id) == ProviderSector.provider_id)
            .where(ProviderSector.sector == complaint.sector, col(Provider.active).is_(True))
        )
    )
    suggestions = []
    for provider in list_providers(session, ids=ids):
        match = _match(provider.areas, soum=soum, area=area)
        if match is not None:
            suggestions.append(Suggestion(provider=provider, match=match))
    suggestions.sort(key=lambda s: (s.match, not s.provider.agreement_signed, s.provider.id))
    return suggestions


def _match(covered: list[str], *, soum: str | None, area: str | None) -> Match | None:
    if not covered:
        return Match.NATIONWIDE
    if soum is not None and soum in covered:
        return Match.SOUM
    if area is not None and area in covered:
        return Match.AREA
    return None
