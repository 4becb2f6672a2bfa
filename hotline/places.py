"""Places staff can tag a complaint with, looked up by code or searched by name, behind a port.

The deployment file knows only the top-level areas (aimags, provinces). The country's full list of soums and
districts, with Latin spellings, is the transcription stage's gazetteer, which the core must not import; so
the core asks a `PlaceDirectory`, and the composition root hands it one built from the gazetteer.
`AreaDirectory` is the core's own directory of the deployment's areas: enough to tag areas, and what a
deployment without an official unit list has.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from hotline.deployment import Deployment

MAX_QUERY = 100
# The levels of a soum (a district is the capital's soum): the finest place a complaint is tagged with, a provider
# covers, a producer is shown or anything that airs names.
SOUM_LEVELS = ("soum", "district")


@dataclass(frozen=True)
class Place:
    """One administrative unit: its official code, level, names by language and the area it lies in."""

    code: str
    level: str  # "area" (aimag, capital, province), "soum", "district", …
    name: str
    area: str | None  # the top-level area's code; its own code for an area
    names: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def label(self, language: str | None) -> str:
        return self.names.get(language or "") or self.names.get("en") or self.name


class PlaceDirectory(Protocol):
    """What staff tagging needs to know about places."""

    def place(self, code: str) -> Place | None:
        """The place with this code, or None."""
        ...

    def search(self, text: str, *, levels: Sequence[str] = (), limit: int = 20) -> list[Place]:
        """Places whose Cyrillic or Latin name contains `text`, best matches (prefixes) first."""
        ...


def search_key(text: str) -> str:
    """Case-, accent- and punctuation-blind form for matching names ("Bayan-Ölgii" → "bayanolgii"); keeps
    Cyrillic letters as they are apart from case, so "Өлгий" and "өлгий" meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = (ch for ch in decomposed if unicodedata.category(ch)[0] in "LN" and not _is_latin_accent(ch))
    return unicodedata.normalize("NFC", "".join(kept))


def _is_latin_accent(ch: str) -> bool:
    return unicodedata.category(ch) == "Mn"


class IndexedPlaces:
    """A read-only in-memory directory over any list of places and their spellings; safe to share."""

    def __init__(self, entries: Iterable[tuple[Place, Iterable[str]]]) -> None:
        self._places: dict[str, Place] = {}
        self._keys: list[tuple[str, str]] = []  # (search key, code)
        for place, spellings in entries:
            self._places[place.code] = place
            keys = {search_key(s) for s in (place.name, *place.names.values(), *spellings)}
            self._keys.extend((key, place.code) for key in sorted(keys) if key)

    def __len__(self) -> int:
        return len(self._places)

    def place(self, code: str) -> Place | None:
        return self._places.get(code)

    def search(self, text: str, *, levels: Sequence[str] = (), limit: int = 20) -> list[Place]:
        query = search_key(text[:MAX_QUERY])
        if not query:
            return []
        ranked: dict[str, int] = {}
        for key, code in self._keys:
            if query in key:
                rank = 0 if key == query else 1 if key.startswith(query) else 2
                ranked[code] = min(rank, ranked.get(code, rank))
        found = [self._places[code] for code in ranked]
        if levels:
            found = [p for p in found if p.level in levels]
        found.sort(key=lambda p: (ranked[p.code], p.level != "area", p.name))
        return found[:limit]


class AreaDirectory(IndexedPlaces):
    """The deployment's own areas (names in every language and their variants) as a place directory."""

    def __init__(self, deployment: Deployment) -> None:
        super().__init__(
            (
                Place(
                    code=area.code,
                    level="area",
                    name=next(iter(area.names.values()), area.code),
                    area=area.code,
                    names=dict(area.names),
                ),
                area.variants,
            )
            for area in deployment.areas
        )
