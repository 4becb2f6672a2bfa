"""Where a deployment's places come from: official unit lists by country, plus the deployment's own areas.

Mongolia ships the national statistical list (22 aimags/capital, 339 soums/districts, 1,809 bags/khoroos,
Cyrillic only), so Latin spellings are generated here. Any other country starts from the areas in its
deployment file (names and variants), which is enough to tag provinces; a country's official list can be
added to SOURCES_BY_COUNTRY without touching the taggers.
"""

from __future__ import annotations

import csv
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from hotline.deployment import Deployment
from hotline.transliteration import latin_variants, russian_keyboard_variants, transliterate

TOP_LEVELS = frozenset({"capital", "aimag", "area"})
_NUMBERED = re.compile(r"^\s*(\d+)\s*-?\s*р\s+(баг|хороо)\s*,?\s*(.*)$")
_ALIASES = re.compile(r"/([^/]+)/")


@dataclass(frozen=True)
class Unit:
    """One administrative unit with its official code and every spelling worth matching."""

    code: str
    level: str  # capital, aimag, district, soum, khoroo, bag; "area" for a unit known only from the deployment
    name: str  # official name in the country's script
    parent: str | None
    spellings: tuple[str, ...] = field(default=(), repr=False)
    number: int | None = None  # "3-р хороо" → 3: bags and khoroos are often said by number
    labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def is_top(self) -> bool:
        return self.parent is None

    @property
    def kind(self) -> str:
        """The tag kind: top-level units are "area", the kind the keypad menu records."""
        return "area" if self.is_top else self.level

    def label(self, language: str | None) -> str:
        """The unit's name for people reading the complaint's language (Latin for non-Mongolian readers)."""
        return self.labels.get(language or "") or self.labels.get("en") or self.name


@dataclass(frozen=True)
class PlaceWords:
    """Level words ("аймаг", "district") and names that are also ordinary words, per country."""

    levels: dict[str, frozenset[str]]
    common_names: dict[str, tuple[str, ...]]
    ordinary_words: frozenset[str]


@cache
def place_words() -> PlaceWords:
    data = _read_toml("place_words.toml")
    return PlaceWords(
        levels={level: frozenset(words) for level, words in data["levels"].items()},
        common_names={country: tuple(names) for country, names in data["common_names"].items()},
        ordinary_words=frozenset(w for words in data["ordinary_words"].values() for w in words),
    )


def _read_toml(name: str) -> dict[str, Any]:
    with resources.files("transcription").joinpath("data", name).open("rb") as fh:
        return tomllib.load(fh)


def _spellings(*names: str) -> tuple[str, ...]:
    """Names plus their Latin and keyboard variants, original first, without duplicates."""
    seen: dict[str, None] = {}
    for name in names:
        for spelling in (name, *latin_variants(name), *russian_keyboard_variants(name)):
            seen.setdefault(spelling.strip(), None)
    return tuple(s for s in seen if s)


def latin_name(name: str) -> str:
    """The spelling English-language maps use (Uvurkhangai, Bayan-Ulgii), for labels."""
    return transliterate(name, "english")


@cache
def mongolia_units() -> tuple[Unit, ...]:
    """The national statistical list, with Latin spellings and numbers of numbered bags and khoroos."""
    units = []
    with resources.files("transcription").joinpath("data", "mongolia_admin_units.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["name_mn"].strip()
            number, names, english = None, [name], latin_name(name)
            if match := _NUMBERED.match(name):
                number, rest = int(match.group(1)), match.group(3)
                names = [n.strip() for n in [_ALIASES.sub("", rest), *_ALIASES.findall(rest)] if n.strip()]
                english = ", ".join([f"{row['level'].strip().title()} {number}", *map(latin_name, names[:1])])
            if name.endswith(" тосгон"):  # "Хатгал тосгон" (village) is said "Хатгал"
                names.append(name.removesuffix(" тосгон"))
            units.append(
                Unit(
                    code=row["code"].strip(),
                    level=row["level"].strip(),
                    name=name,
                    parent=row["parent_code"].strip() or None,
                    spellings=_spellings(*names),
                    number=number,
                    labels={"mn": name, "en": english},
                )
            )
    return tuple(units)


def deployment_units(deployment: Deployment) -> list[Unit]:
    """The deployment's keypad areas as top-level units: names in every language and listed variants."""
    units = []
    for area in deployment.areas:
        names = list(area.names.values())
        units.append(
            Unit(
                code=area.code,
                level="area",
                name=names[0] if names else area.code,
                parent=None,
                spellings=_spellings(*names, *area.variants),
                labels=dict(area.names),
            )
        )
    return units


# Official unit lists by ISO country code; every deployment also gets its own areas on top.
SOURCES_BY_COUNTRY: dict[str, Callable[[], Iterable[Unit]]] = {"MN": mongolia_units}


def units_for(deployment: Deployment) -> list[Unit]:
    """All units for a deployment: the country's official list (if we ship one) merged with its areas."""
    merged: dict[str, Unit] = {}
    source = SOURCES_BY_COUNTRY.get(deployment.country.upper())
    for unit in source() if source else ():
        merged[unit.code] = unit
    for area in deployment_units(deployment):
        known = merged.get(area.code)
        if known is None or not known.is_top:
            merged[area.code] = area
            continue
        # Same code: keep the official name and level, add the deployment's spellings and labels.
        spellings = tuple(dict.fromkeys((*known.spellings, *area.spellings)))
        merged[area.code] = replace(known, spellings=spellings, labels={**known.labels, **area.labels})
    return list(merged.values())


def common_names_for(deployment: Deployment) -> tuple[str, ...]:
    return place_words().common_names.get(deployment.country.upper(), ())
