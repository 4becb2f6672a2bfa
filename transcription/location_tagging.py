"""Which aimag, soum, district, bag or khoroo a transcript names, with official codes and the words that say so.

Finding a name is not enough in Mongolia: "Ховд" is an aimag and two soums, "Жаргалант" is six soums,
"Сүхбаатар" is an aimag, a district of the capital and several soums. A name is therefore resolved by,
in order: the level word after it ("Ховд сум"), an aimag said elsewhere in the text or typed on the
keypad, and otherwise a preference for the aimag. What stays ambiguous is emitted as every candidate
with the score shared between them, so staff see the choice instead of a confident wrong guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.deployment import Deployment
from transcription.admin_units import Unit, place_words
from transcription.gazetteer import Gazetteer
from transcription.place_mentions import Mention, find_mentions, level_of
from transcription.place_numbers import find_numbered
from transcription.tags import TRANSCRIPT, TagResult, per_deployment
from transcription.textnorm import Token, stems, tokenize, words

NO_LEVEL_WORD = 0.9  # a bare name is likely right, but "Ховд аймаг" is surer than "Ховд"
WRONG_LEVEL_WORD = 0.7  # "Хэнтий сум": the name matched, but no soum has it
IMPLIED = 0.9  # a soum said implies its aimag, a little less surely than saying the aimag
LOCAL = 0.9  # a bag or khoroo is only as sure as the soum or district it hangs from


@dataclass(frozen=True)
class Resolved:
    mention: Mention
    units: tuple[Unit, ...]
    score: float  # per unit: shared when several candidates remain
    resolved_by: str | None


@per_deployment
def _vocabulary(deployment: Deployment) -> frozenset[str]:
    """Sector keywords, level and ordinary words: real words that must never be fuzzily read as place names."""
    vocab = {w for level in place_words().levels.values() for w in level}
    vocab.update(w for phrase in place_words().ordinary_words for w in words(phrase))
    for sector in deployment.sectors:
        for keywords in (*sector.keywords.values(), sector.names.values()):
            vocab.update(w for keyword in keywords for w in words(keyword))
    return frozenset(vocab)


def _by_level(units: tuple[Unit, ...], level: str) -> list[Unit]:
    if level == "aimag":
        return [u for u in units if u.is_top]
    if level == "city":  # "Ховд хот" is the aimag; "Мөрөн хот" is a soum (an aimag's town)
        return [u for u in units if u.is_top] or [u for u in units if u.level in ("soum", "district")]
    return [u for u in units if u.level == level]


def _within(units: list[Unit], aimags: set[str], gazetteer: Gazetteer) -> list[Unit]:
    return [u for u in units if not u.is_top and gazetteer.top_code(u.code) in aimags]


def _resolve(m: Mention, gazetteer: Gazetteer, keypad: set[str], said: set[str]) -> Resolved:
    units, factor, how = list(m.units), NO_LEVEL_WORD, None
    if m.level:
        fitting = _by_level(m.units, m.level)
        units, factor, how = (fitting, 1.0, "level word") if fitting else (units, WRONG_LEVEL_WORD, None)
    if len(units) > 1:
        top = [u for u in units if u.is_top]
        if not m.level and top and top[0].code in said | keypad:
            units, how = top, "aimag said" if top[0].code in said else "keypad"
        elif narrowed := _within(units, said, gazetteer):
            units, how = narrowed, "aimag said"
        elif narrowed := _within(units, keypad, gazetteer):
            units, how = narrowed, "keypad"
        elif not m.level and top:
            units, how = top, "aimag preferred"
    return Resolved(m, tuple(units), m.similarity * factor / len(units), how)


class _Collected:
    """Tags by (kind, code): one tag per place, the best score, every span that named it."""

    def __init__(self, language: str, gazetteer: Gazetteer, menu_top: str | None) -> None:
        self.language, self.gazetteer, self.menu_top = language, gazetteer, menu_top
        self.found: dict[tuple[str, str], dict[str, Any]] = {}

    def add(
        self, unit: Unit, score: float, spans: list[dict[str, Any]], spelling: str | None = None, **facts: Any
    ) -> None:
        entry = self.found.setdefault(
            (unit.kind, unit.code), {"unit": unit, "score": 0.0, "spans": [], "spellings": [], "facts": {}}
        )
        entry["score"] = max(entry["score"], score)
        entry["spans"] += [s for s in spans if s not in entry["spans"]]
        if spelling and spelling not in entry["spellings"]:
            entry["spellings"].append(spelling)
        entry["facts"].update({k: v for k, v in facts.items() if v is not None})

    def add_implied_tops(self) -> None:
        for (_kind, code), entry in list(self.found.items()):
            if entry["unit"].is_top or "candidates" in entry["facts"]:
                continue
            top = self.gazetteer.unit(self.gazetteer.top_code(code))
            if top is not None and ("area", top.code) not in self.found:
                self.add(top, entry["score"] * IMPLIED, entry["spans"], implied_by=code)

    def results(self) -> list[TagResult]:
        tags = []
        for (kind, code), entry in self.found.items():
            unit: Unit = entry["unit"]
            top = self.gazetteer.top_code(code)
            evidence = {
                "words": list(dict.fromkeys(s["text"] for s in entry["spans"])),
                "spellings": entry["spellings"] or [unit.name],
                "spans": entry["spans"],
                "name": unit.name,
                **entry["facts"],
            }
            suggested = self.menu_top is not None and top != self.menu_top
            tags.append(
                TagResult(
                    kind, code, unit.label(self.language), round(entry["score"], 3), TRANSCRIPT, suggested, evidence
                )
            )
        return sorted(tags, key=lambda t: (-t.score, t.kind, t.code))


def tag_locations(
    *, text: str, language: str, deployment: Deployment, gazetteer: Gazetteer, menu_area: str | None
) -> list[TagResult]:
    """Places named in a transcript, as transcript tags with official codes, scores and evidence spans."""
    tokens = tokenize(text)
    if not tokens:
        return []
    levels = [level_of(t.folded) for t in tokens]
    mentions = find_mentions(text, tokens, levels, gazetteer, vocabulary=_vocabulary(deployment))
    menu_unit = gazetteer.unit(menu_area)
    menu_top = menu_unit.code if menu_unit is not None and menu_unit.is_top else None
    keypad = {menu_top} if menu_top else set()
    first = [_resolve(m, gazetteer, keypad, set()) for m in mentions]
    resolved = []
    for i, m in enumerate(mentions):
        said = {r.units[0].code for k, r in enumerate(first) if k != i and len(r.units) == 1 and r.units[0].is_top}
        resolved.append(_resolve(m, gazetteer, keypad, said))

    collected = _Collected(language, gazetteer, menu_top)
    for r in resolved:
        ambiguous = [u.code for u in r.units] if len(r.units) > 1 else None
        for unit in r.units:
            spelling = gazetteer.spelling(r.mention.key, unit.code)
            collected.add(unit, r.score, [r.mention.span()], spelling, candidates=ambiguous, resolved_by=r.resolved_by)
    _add_local_units(text, tokens, levels, resolved, gazetteer, collected)
    collected.add_implied_tops()
    return collected.results()


def _add_local_units(
    text: str,
    tokens: list[Token],
    levels: list[str | None],
    resolved: list[Resolved],
    gazetteer: Gazetteer,
    collected: _Collected,
) -> None:
    """Bags and khoroos, by number or name, under the nearest soum or district said without ambiguity."""
    contexts = [r for r in resolved if len(r.units) == 1 and r.units[0].level in ("soum", "district")]
    if not contexts:
        return  # "1-р баг" exists in every soum: without one, a number names nothing

    def nearest(position: int) -> Resolved:
        before = [r for r in contexts if r.mention.token_end <= position]
        return before[-1] if before else contexts[0]

    numbered = set()
    for phrase in find_numbered(tokens, levels):
        numbered.add(phrase.level_index)
        parent = nearest(phrase.token_start)
        unit = gazetteer.numbered_child(parent.units[0].code, phrase.number, phrase.level)
        if unit is not None:
            span = _span(text, tokens, phrase.token_start, phrase.token_end, "number")
            collected.add(unit, parent.score * LOCAL, [span], within=parent.units[0].code)
    for i, level in enumerate(levels):
        if level in ("bag", "khoroo") and i not in numbered:
            parent = nearest(i)
            found = _named_child(gazetteer, parent.units[0].code, tokens, levels, i)
            if found is not None:
                unit, start = found
                span = _span(text, tokens, start, i + 1, "name")
                collected.add(unit, parent.score * LOCAL, [span], within=parent.units[0].code)


def _named_child(
    gazetteer: Gazetteer, parent: str, tokens: list[Token], levels: list[str | None], i: int
) -> tuple[Unit, int] | None:
    """The bag named by the one or two words before the level word at i ("Алагтолгой багт"), and where it starts."""
    for size in (2, 1):
        start = i - size
        if start < 0 or any(levels[k] or tokens[k].folded.isdigit() for k in range(start, i)):
            continue
        query = "".join(t.folded for t in tokens[start:i])
        for stem in stems(query, 3):
            if units := gazetteer.child_lookup(parent, stem):
                return units[0], start
        fuzzy = gazetteer.child_fuzzy(parent, query, cutoff=85.0) if len(query) >= 5 else []
        if fuzzy and (units := gazetteer.child_lookup(parent, fuzzy[0][0])):
            return units[0], start
    return None


def _span(text: str, tokens: list[Token], start: int, end: int, match: str) -> dict[str, Any]:
    first, last = tokens[start], tokens[end - 1]
    return {
        "text": text[first.start : last.end],
        "start": first.start,
        "end": last.end,
        "token_start": start,
        "token_end": end,
        "match": match,
    }
