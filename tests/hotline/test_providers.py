"""The provider directory: fields checked against the deployment and the gazetteer, changes audited, and the
routing suggestion ordered soum → aimag → nationwide, signed agreements first."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import Session, select

from hotline.deployment import DEFAULT_DEPLOYMENT, Deployment, load_deployment
from hotline.models import AuditEvent
from hotline.places import PlaceDirectory
from hotline.provider_fields import ProviderFields
from hotline.provider_suggestions import Match, suggest_providers
from hotline.providers import create_provider, list_providers, update_provider
from hotline.review_errors import Invalid
from tests.factories import make_complaint
from tests.hotline.review_helpers import audit_actions, reviewer
from transcription.place_directory import gazetteer_places

KHOVD, BAYAN_ULGII = "84", "83"
JARGALANT_KHOVD, BUYANT_KHOVD, BUYANT_BAYAN_ULGII = "8401", "8410", "8319"


@pytest.fixture(scope="module")
def deployment() -> Deployment:
    return load_deployment(DEFAULT_DEPLOYMENT)


@pytest.fixture(scope="module")
def places(deployment: Deployment) -> PlaceDirectory:
    return gazetteer_places(deployment)


def fields(**overrides: object) -> ProviderFields:
    base = ProviderFields(
        names={"en": "Khovd hospital", "mn": "Ховд аймгийн нэгдсэн эмнэлэг"},
        sectors=["health"],
        areas=[KHOVD],
        email="Clinic@Khovd.example.mn",
        phone="+976 7043 2000",
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def test_a_provider_is_stored_with_its_coverage_and_audited(
    session: Session, deployment: Deployment, places: PlaceDirectory
) -> None:
    _, actor = reviewer(session, "admin")
    made = create_provider(
        session,
        fields=fields(areas=[KHOVD, JARGALANT_KHOVD], agreement_signed=True, agreement_signed_on=date(2026, 1, 31)),
        deployment=deployment,
        places=places,
        actor=actor,
    )
    session.commit()

    [stored] = list_providers(session)
    assert stored == made
    assert stored.email == "clinic@khovd.example.mn" and stored.areas == [KHOVD, JARGALANT_KHOVD]
    assert stored.agreement_signed and stored.agreement_signed_on == date(2026, 1, 31)
    assert stored.name("mn") == "Ховд аймгийн нэгдсэн эмнэлэг" and stored.name("ko") == "Khovd hospital"
    assert audit_actions(session) == ["provider_added"]
    event = session.exec(select(AuditEvent)).one()
    assert event.object_type == "provider" and event.object_id == str(made.id) and "sectors=health" in event.after


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sectors": ["plumbing"]}, "unknown sector plumbing"),
        ({"sectors": []}, "at least one sector"),
        ({"areas": ["99"]}, "unknown place '99'"),
        ({"names": {"fr": "Hôpital"}}, "unknown language 'fr'"),
        ({"names": {"en": "  "}}, "a name in at least one language"),
        ({"email": "not-an-address"}, "not a valid email"),
        ({"phone": "call me"}, "phone may hold only"),
        ({"agreement_signed_on": date(2026, 1, 31)}, "not marked signed"),
    ],
)
def test_bad_fields_are_refused_with_a_reason(
    session: Session, deployment: Deployment, places: PlaceDirectory, overrides: dict[str, object], message: str
) -> None:
    _, actor = reviewer(session, "admin")
    with pytest.raises(Invalid, match=message):
        create_provider(session, fields=fields(**overrides), deployment=deployment, places=places, actor=actor)


def test_update_replaces_coverage_and_deactivation_drops_the_provider_from_suggestions(
    session: Session, deployment: Deployment, places: PlaceDirectory
) -> None:
    _, actor = reviewer(session, "admin")
    made = create_provider(session, fields=fields(), deployment=deployment, places=places, actor=actor)
    session.commit()
    complaint = make_complaint(session, sector="education", area=KHOVD)
    assert suggest_providers(session, complaint=complaint, places=places) == []

    changed = update_provider(
        session,
        provider_id=made.id,
        fields=replace(made.fields(), sectors=["education", "health"], areas=[BAYAN_ULGII, KHOVD]),
        deployment=deployment,
        places=places,
        actor=actor,
    )
    session.commit()
    assert changed.sectors == ["education", "health"] and changed.areas == [BAYAN_ULGII, KHOVD]
    assert [s.provider.id for s in suggest_providers(session, complaint=complaint, places=places)] == [made.id]

    update_provider(
        session,
        provider_id=made.id,
        fields=replace(changed.fields(), active=False),
        deployment=deployment,
        places=places,
        actor=actor,
    )
    session.commit()
    assert suggest_providers(session, complaint=complaint, places=places) == []
    assert list_providers(session, active_only=True) == [] and len(list_providers(session)) == 1
    assert audit_actions(session) == ["provider_added", "provider_changed", "provider_changed"]


def test_suggestions_go_from_the_soum_to_the_aimag_to_the_country_signed_first(
    session: Session, deployment: Deployment, places: PlaceDirectory
) -> None:
    _, actor = reviewer(session, "admin")

    def add(name: str, *, areas: list[str], signed: bool = False, sector: str = "health") -> int:
        made = create_provider(
            session,
            fields=fields(names={"en": name}, areas=areas, sectors=[sector], agreement_signed=signed),
            deployment=deployment,
            places=places,
            actor=actor,
        )
        return made.id

    national_signed = add("Ministry of Health", areas=[], signed=True)
    national = add("Health hotline NGO", areas=[])
    aimag = add("Khovd hospital", areas=[KHOVD])
    aimag_signed = add("Khovd health department", areas=[KHOVD], signed=True)
    soum = add("Buyant soum clinic", areas=[BUYANT_KHOVD])
    add("Buyant (Bayan-Ulgii) clinic", areas=[BUYANT_BAYAN_ULGII], signed=True)  # same name, other aimag
    add("Other aimag hospital", areas=[BAYAN_ULGII], signed=True)
    add("Khovd school", areas=[KHOVD], sector="education", signed=True)
    session.commit()

    complaint = make_complaint(session, sector="health", area=KHOVD, soum=BUYANT_KHOVD)
    ranked = suggest_providers(session, complaint=complaint, places=places)
    assert [s.provider.id for s in ranked] == [soum, aimag_signed, aimag, national_signed, national]
    assert [s.match for s in ranked] == [Match.SOUM, Match.AREA, Match.AREA, Match.NATIONWIDE, Match.NATIONWIDE]

    # A soum without an area still finds its aimag through the gazetteer; no sector, no suggestion.
    soum_only = make_complaint(session, sector="health", area=None, soum=BUYANT_KHOVD)
    assert [s.provider.id for s in suggest_providers(session, complaint=soum_only, places=places)][:2] == [
        soum,
        aimag_signed,
    ]
    assert suggest_providers(session, complaint=make_complaint(session, sector=None), places=places) == []
