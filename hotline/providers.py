"""The provider directory: who answers for which sectors and places, and whom to suggest for a complaint.

Every sector and place a provider covers is checked against the deployment (sectors, areas) and the place
directory (soums and districts), so routing never matches on a code nobody can tag a complaint with. Places
finer than a soum (bags, khoroos) are refused: notices never name a place finer than the soum either.
A provider covering no place answers nationwide. Every change is audited in the caller's transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import IntEnum

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hotline.accounts import AccountError, normalise_email
from hotline.audit import Actor, AuditAction, record
from hotline.deployment import Deployment
from hotline.models import Complaint, utcnow
from hotline.models.common import ensure_aware, saved_id
from hotline.models.providers import Provider, ProviderArea, ProviderSector
from hotline.places import PlaceDirectory
from hotline.review_errors import Invalid
from hotline.review_text import clean_text

AREA, SOUM = "area", "soum"
SOUM_LEVELS = frozenset({"soum", "district"})  # the finest places a provider may cover
MAX_NAME = 200
_PHONE = re.compile(r"^[0-9+()\- ]{0,40}$")


@dataclass(frozen=True)
class ProviderFields:
    """What an admin sets on a provider; `update_provider` takes a whole one (PATCH merges into the current)."""

    names: dict[str, str]
    sectors: list[str]
    areas: list[str]
    email: str
    phone: str = ""
    agreement_signed: bool = False
    agreement_signed_on: date | None = None
    active: bool = True


@dataclass(frozen=True)
class ProviderView:
    """A provider with its coverage, as the API and pages show it."""

    id: int
    names: dict[str, str]
    sectors: list[str]
    areas: list[str]
    email: str
    phone: str
    agreement_signed: bool
    agreement_signed_on: date | None
    active: bool
    created_at: datetime
    updated_at: datetime

    def name(self, language: str | None) -> str:
        """The name in `language`, else English, else any."""
        return self.names.get(language or "") or self.names.get("en") or next(iter(self.names.values()), "")

    def fields(self) -> ProviderFields:
        return ProviderFields(
            names=dict(self.names),
            sectors=list(self.sectors),
            areas=list(self.areas),
            email=self.email,
            phone=self.phone,
            agreement_signed=self.agreement_signed,
            agreement_signed_on=self.agreement_signed_on,
            active=self.active,
        )


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


def create_provider(
    session: Session, *, fields: ProviderFields, deployment: Deployment, places: PlaceDirectory, actor: Actor
) -> ProviderView:
    """Add a provider after checking every field; audited, not committed."""
    clean, levels = _checked(fields, deployment, places)
    provider = Provider()
    _apply(provider, clean)
    session.add(provider)
    session.flush()
    _replace_coverage(session, saved_id(provider), clean, levels)
    record(session, actor, AuditAction.PROVIDER_ADDED, object_type="provider", object_id=str(provider.id),
           after=_summary(clean))  # fmt: skip
    return provider_view(session, provider_id=saved_id(provider))


def update_provider(
    session: Session,
    *,
    provider_id: int,
    fields: ProviderFields,
    deployment: Deployment,
    places: PlaceDirectory,
    actor: Actor,
) -> ProviderView:
    """Replace a provider's fields and coverage (deactivating is `active=False`); audited, not committed."""
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise Invalid(f"no provider with id {provider_id}")
    before = _summary(provider_view(session, provider_id=provider_id).fields())
    clean, levels = _checked(fields, deployment, places)
    _apply(provider, clean)
    provider.updated_at = utcnow()
    session.add(provider)
    _replace_coverage(session, provider_id, clean, levels)
    record(session, actor, AuditAction.PROVIDER_CHANGED, object_type="provider", object_id=str(provider_id),
           before=before, after=_summary(clean))  # fmt: skip
    session.flush()
    return provider_view(session, provider_id=provider_id)


def provider_view(session: Session, *, provider_id: int) -> ProviderView:
    views = list_providers(session, ids=[provider_id])
    if not views:
        raise Invalid(f"no provider with id {provider_id}")
    return views[0]


def find_provider(session: Session, *, provider_id: int) -> ProviderView | None:
    views = list_providers(session, ids=[provider_id])
    return views[0] if views else None


def list_providers(session: Session, *, active_only: bool = False, ids: list[int] | None = None) -> list[ProviderView]:
    """Providers with their sectors and places, by id; three queries whatever their number."""
    query = select(Provider).order_by(col(Provider.id))
    if active_only:
        query = query.where(col(Provider.active).is_(True))
    if ids is not None:
        query = query.where(col(Provider.id).in_(ids))
    providers = list(session.exec(query))
    wanted = [saved_id(p) for p in providers]
    sectors: dict[int, list[str]] = {i: [] for i in wanted}
    areas: dict[int, list[str]] = {i: [] for i in wanted}
    for s in session.exec(select(ProviderSector).where(col(ProviderSector.provider_id).in_(wanted))):
        sectors[s.provider_id].append(s.sector)
    for a in session.exec(select(ProviderArea).where(col(ProviderArea.provider_id).in_(wanted))):
        areas[a.provider_id].append(a.code)
    return [
        ProviderView(
            id=saved_id(p),
            names={str(k): str(v) for k, v in (p.names or {}).items()},
            sectors=sorted(sectors[saved_id(p)]),
            areas=sorted(areas[saved_id(p)]),
            email=p.email,
            phone=p.phone,
            agreement_signed=p.agreement_signed,
            agreement_signed_on=p.agreement_signed_on,
            active=p.active,
            created_at=_aware(p.created_at),
            updated_at=_aware(p.updated_at),
        )
        for p in providers
    ]


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


def _aware(moment: datetime) -> datetime:
    aware = ensure_aware(moment)
    assert aware is not None
    return aware


def _match(covered: list[str], *, soum: str | None, area: str | None) -> Match | None:
    if not covered:
        return Match.NATIONWIDE
    if soum is not None and soum in covered:
        return Match.SOUM
    if area is not None and area in covered:
        return Match.AREA
    return None


def _checked(
    fields: ProviderFields, deployment: Deployment, places: PlaceDirectory
) -> tuple[ProviderFields, dict[str, str]]:
    """The fields cleaned, and each place's level; Invalid names the first thing wrong."""
    names = _names(fields.names, deployment)
    known_sectors = [s.code for s in deployment.sectors]
    unknown = [s for s in fields.sectors if s not in known_sectors]
    if unknown:
        raise Invalid(f"unknown sector {', '.join(unknown)}; sectors are {', '.join(known_sectors)}")
    if not fields.sectors:
        raise Invalid("a provider answers for at least one sector")
    levels = {code: _level(code, deployment, places) for code in fields.areas}
    try:
        email = normalise_email(fields.email)
    except AccountError:
        raise Invalid(f"not a valid email address: {fields.email!r}") from None
    phone = fields.phone.strip()
    if not _PHONE.match(phone):
        raise Invalid("phone may hold only digits, spaces, +, - and brackets (at most 40)")
    if fields.agreement_signed_on is not None and not fields.agreement_signed:
        raise Invalid("agreement_signed_on is given but the agreement is not marked signed")
    clean = ProviderFields(
        names=names,
        sectors=sorted(set(fields.sectors)),
        areas=sorted(set(fields.areas)),
        email=email,
        phone=phone,
        agreement_signed=fields.agreement_signed,
        agreement_signed_on=fields.agreement_signed_on,
        active=fields.active,
    )
    return clean, levels


def _names(given: dict[str, str], deployment: Deployment) -> dict[str, str]:
    languages = [language.code for language in deployment.languages]
    names = {}
    for code, name in given.items():
        if code not in languages:
            raise Invalid(f"unknown language {code!r} for a name; languages are {', '.join(languages)}")
        text = clean_text(name, what=f"name ({code})", max_chars=MAX_NAME).strip()
        if text:
            names[code] = text
    if not names:
        raise Invalid("a provider needs a name in at least one language")
    return names


def _level(code: str, deployment: Deployment, places: PlaceDirectory) -> str:
    if deployment.area(code) is not None:
        return AREA
    place = places.place(code)
    if place is None:
        raise Invalid(f"unknown place {code!r}: give an area code of the deployment or a soum's code")
    if place.level not in SOUM_LEVELS:
        raise Invalid(f"place {code!r} is a {place.level}; a provider covers areas or soums, nothing finer")
    return SOUM


def _apply(provider: Provider, fields: ProviderFields) -> None:
    provider.names = dict(fields.names)
    provider.email = fields.email
    provider.phone = fields.phone
    provider.agreement_signed = fields.agreement_signed
    provider.agreement_signed_on = fields.agreement_signed_on
    provider.active = fields.active


def _replace_coverage(session: Session, provider_id: int, fields: ProviderFields, levels: dict[str, str]) -> None:
    session.exec(delete(ProviderSector).where(col(ProviderSector.provider_id) == provider_id))
    session.exec(delete(ProviderArea).where(col(ProviderArea.provider_id) == provider_id))
    session.add_all(ProviderSector(provider_id=provider_id, sector=s) for s in fields.sectors)
    session.add_all(ProviderArea(provider_id=provider_id, code=c, level=levels[c]) for c in fields.areas)
    session.flush()


def _summary(fields: ProviderFields) -> str:
    """For the audit log: what changed, in one line (a provider's contact is not a caller's number)."""
    agreement = f"signed {fields.agreement_signed_on or ''}".strip() if fields.agreement_signed else "unsigned"
    return (
        f"names={fields.names} sectors={','.join(fields.sectors)} areas={','.join(fields.areas) or 'nationwide'} "
        f"email={fields.email} phone={fields.phone} agreement={agreement} active={fields.active}"
    )
