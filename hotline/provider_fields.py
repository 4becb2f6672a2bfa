"""What an admin sets on a provider, and the checks it passes before the directory stores it.

Every sector and place a provider covers is checked against the deployment (sectors, areas) and the place
directory (soums and districts), so routing never matches on a code nobody can tag a complaint with. Places
finer than a soum (bags, khoroos) are refused: notices never name a place finer than the soum either.
Kept apart from the directory (hotline.providers) so the rules on each field read on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hotline.accounts import AccountError, normalise_email
from hotline.deployment import Deployment
from hotline.places import SOUM_LEVELS, PlaceDirectory
from hotline.review_errors import Invalid
from hotline.review_text import clean_text

AREA, SOUM = "area", "soum"
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


def checked_fields(
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
