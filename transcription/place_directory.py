"""The gazetteer's places as the core's PlaceDirectory, for staff tagging a soum by Cyrillic or Latin name.

The core (hotline.places) defines what staff tagging needs; this stage owns the country's official unit
list and its Latin spellings, so the composition root builds the directory here and hands it to the web app.
Bags and khoroos are left out: "1-р баг" exists in every soum and means nothing on its own in a search.
"""

from __future__ import annotations

import threading

from hotline.deployment import Deployment
from hotline.places import IndexedPlaces, Place
from transcription.admin_units import Unit, units_for

_LEFT_OUT = frozenset({"bag", "khoroo"})
_cache: dict[tuple[str, str], IndexedPlaces] = {}
_lock = threading.Lock()


def gazetteer_places(deployment: Deployment) -> IndexedPlaces:
    """The deployment's places (areas, soums, districts), built once per process and deployment."""
    key = (deployment.country.upper(), deployment.name)
    with _lock:
        places = _cache.get(key)
        if places is None:
            places = _cache[key] = build_places(units_for(deployment))
        return places


def build_places(units: list[Unit]) -> IndexedPlaces:
    by_code = {unit.code: unit for unit in units}
    return IndexedPlaces((_place(unit, by_code), unit.spellings) for unit in units if unit.level not in _LEFT_OUT)


def _place(unit: Unit, by_code: dict[str, Unit]) -> Place:
    top: Unit | None = unit
    while top is not None and top.parent:
        top = by_code.get(top.parent)
    level = "area" if unit.is_top else unit.level
    return Place(code=unit.code, level=level, name=unit.name, area=top.code if top else None, names=dict(unit.labels))
