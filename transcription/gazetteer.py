"""An index of a deployment's places, built once per worker and searched in microseconds per word.

Every spelling is reduced to a compact key ("Bayan-Ölgii" → "bayanolgii"): exact look-ups are dict hits,
and fuzzy look-ups (ASR errors, "Ховт" for "Ховд") run rapidfuzz only over keys that share the query's
first letter, so a 200-word transcript costs a few thousand C-level comparisons, not Python loops over
every unit. Bags and khoroos are indexed under their soum or district only: "1-р баг" exists in every
soum, so it means something only once the soum is known.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from hotline.deployment import Deployment
from transcription.admin_units import Unit, common_names_for, place_words, units_for
from transcription.textnorm import compact, is_cyrillic, is_unspaced, words

_LOCAL_LEVELS = frozenset({"bag", "khoroo"})
_VOWELS = frozenset("аэоөуүиыяеьё")
_MEMO_LIMIT = 100_000


class Gazetteer:
    """Units by code and by every spelling key; read-only after construction, safe to share between threads."""

    def __init__(self, units: Iterable[Unit], *, common_names: Iterable[str] = ()) -> None:
        self.units: dict[str, Unit] = {u.code: u for u in units}
        self._common = frozenset(compact(n) for n in common_names)
        self._levels = frozenset().union(*place_words().levels.values())
        self._keys: dict[str, list[str]] = defaultdict(list)
        self._spelling: dict[tuple[str, str], str] = {}
        self._children: dict[str, list[Unit]] = defaultdict(list)
        self._child_keys: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.unspaced: list[tuple[str, str]] = []  # (key, code) for substring search in Khmer-like scripts
        for unit in self.units.values():
            if unit.parent:
                self._children[unit.parent].append(unit)
            index = self._child_keys[unit.parent or ""] if unit.level in _LOCAL_LEVELS else self._keys
            for spelling in unit.spellings:
                for key in self._keys_of(spelling):
                    if unit.code not in index[key]:
                        index[key].append(unit.code)
                        self._spelling.setdefault((key, unit.code), spelling)
                    if is_unspaced(key) and unit.level not in _LOCAL_LEVELS:
                        self.unspaced.append((key, unit.code))
        self._fuzzy_seen: dict[tuple[str, float, int], list[tuple[str, float]]] = {}  # a worker sees words again
        self._buckets: dict[str, list[str]] = defaultdict(list)
        for key in self._keys:
            if not is_unspaced(key):
                self._buckets[key[0]].append(key)

    def _keys_of(self, spelling: str) -> list[str]:
        """Compact keys of a spelling: without a trailing level word, and Cyrillic without a final vowel."""
        parts = words(spelling)
        if len(parts) > 1 and parts[-1] in self._levels:
            parts = parts[:-1]
        key = "".join(parts)
        if not key:
            return []
        keys = [key]
        # "Сэлэнгэ" → "Сэлэнгийн", "Дорноговь" → "Дорноговийн": the final vowel gives way to the ending.
        if is_cyrillic(key) and key[-1] in _VOWELS and len(key) >= 5:
            keys.append(key[:-1])
        return keys

    def __len__(self) -> int:
        return len(self.units)

    def __contains__(self, code: object) -> bool:
        return code in self.units

    def unit(self, code: str | None) -> Unit | None:
        return self.units.get(code or "")

    def lookup(self, key: str) -> list[Unit]:
        """Units (aimags, soums, districts…) with this exact compact spelling key."""
        return [self.units[c] for c in self._keys.get(key, ())]

    def is_common_word(self, key: str) -> bool:
        """The key is a place name that is also an ordinary word: trust it only next to a level word."""
        return key in self._common

    def spelling(self, key: str, code: str) -> str:
        """The gazetteer spelling that produced a key, for evidence ("Khovd" rather than "khovd")."""
        return self._spelling.get((key, code), key)

    def fuzzy(self, query: str, *, cutoff: float, limit: int = 5) -> list[tuple[str, float]]:
        """Keys within `cutoff` (0–100, rapidfuzz ratio) of the query, best first; same first letter only."""
        memo = (query, cutoff, limit)
        if (hit := self._fuzzy_seen.get(memo)) is not None:
            return hit
        choices = self._buckets.get(query[:1], [])
        found = process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit) if choices else []
        if len(self._fuzzy_seen) > _MEMO_LIMIT:
            self._fuzzy_seen.clear()
        result = self._fuzzy_seen[memo] = [(key, score) for key, score, _ in found]
        return result

    def child_lookup(self, parent: str, key: str) -> list[Unit]:
        """Bags or khoroos of one soum or district with this spelling key."""
        return [self.units[c] for c in self._child_keys.get(parent, {}).get(key, ())]

    def child_fuzzy(self, parent: str, query: str, *, cutoff: float) -> list[tuple[str, float]]:
        keys = list(self._child_keys.get(parent, {}))
        found = process.extract(query, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3) if keys else []
        return [(key, score) for key, score, _ in found]

    def numbered_child(self, parent: str, number: int, level: str | None = None) -> Unit | None:
        """The child of a soum or district with that number ("3-р хороо"), preferring the level that was said."""
        matches = [u for u in self._children.get(parent, ()) if u.number == number]
        preferred = [u for u in matches if u.level == level]
        return next(iter(preferred or matches), None)

    def top_code(self, code: str) -> str | None:
        """The aimag (or capital, province) a unit belongs to; itself for a top-level unit."""
        unit = self.units.get(code)
        while unit is not None and unit.parent:
            unit = self.units.get(unit.parent)
        return unit.code if unit else None


def build_gazetteer(deployment: Deployment) -> Gazetteer:
    """A fresh gazetteer for a deployment (use default_gazetteer to share one per process)."""
    return Gazetteer(units_for(deployment), common_names=common_names_for(deployment))


_cache: dict[tuple[str, str], Gazetteer] = {}
_lock = threading.Lock()


def default_gazetteer(deployment: Deployment) -> Gazetteer:
    """The gazetteer for a deployment, built once per process and per deployment content."""
    areas = json.dumps([a.model_dump() for a in deployment.areas], sort_keys=True, ensure_ascii=False)
    key = (deployment.country.upper(), areas)
    with _lock:
        gazetteer = _cache.get(key)
        if gazetteer is None:
            gazetteer = _cache[key] = build_gazetteer(deployment)
        return gazetteer
