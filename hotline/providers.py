"""The provider directory: who answers for which sectors and places, added, changed and read back.

What an admin may set is checked first (hotline.provider_fields); whom to suggest for a complaint is
hotline.provider_suggestions. A provider covering no place answers nationwide. Every change is audited in
the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hotline.audit import Actor, AuditAction, record
from hotline.deployment import Deployment
from hotline.models import utcnow
from hotline.models.common import ensure_aware, saved_id
from hotline.models.providers import Provider, ProviderArea, ProviderSector
from hotline.places import PlaceDirectory
from hotline.provider_fields import ProviderFields, checked_fields
from hotline.review_errors import Invalid


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


def create_provider(
    session: Session, *, fields: ProviderFields, deployment: Deployment, places: PlaceDirectory, actor: Actor
) -> ProviderView:
    """Add a provider after checking every field; audited, not committed."""
    clean, levels = checked_fields(fields, deployment, places)
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
    clean, levels = checked_fields(fields, deployment, places)
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


def _aware(moment: datetime) -> datetime:
    aware = ensure_aware(moment)
    assert aware is not None
    return aware


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
