"""Find the spans of a transcript that name a place in the gazetteer, before deciding which place.

Spans are runs of 1–3 words ("Баян Өлгий", "Ulan Bator"), tried as a compact key with Mongolian case
endings removed, then fuzzily (ASR writes "Ховт" for "Ховд"). The word after a span is kept when it
names a level ("аймгийн", "сум", "district"): it both licenses looser matching and later picks
between the aimag and the soum that share a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from transcription.admin_units import Unit, place_words
from transcription.gazetteer import Gazetteer
from transcription.textnorm import Token, is_cyrillic, is_unspaced, stems, substring_positions

MAX_WORDS = 3


@dataclass(frozen=True)
class Mention:
    """A span of the text that matches one gazetteer key (and so one or several units)."""

    token_start: int
    token_end: int  # exclusive
    start: int  # character offsets into the text
    end: int
    text: str
    key: str
    match: str  # exact, stem (a case ending removed), fuzzy
    similarity: float  # 0–1
    level: str | None  # the level named by the word right after the span
    level_word: str | None
    units: tuple[Unit, ...]

    def span(self) -> dict[str, object]:
        """The JSON evidence for this span."""
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "token_start": self.token_start,
            "token_end": self.token_end,
            "match": self.match,
            "similarity": round(self.similarity, 3),
            "level_word": self.level_word,
        }


@cache
def _level_words() -> dict[str, str]:
    return {word: level for level, words in place_words().levels.items() for word in words}


def level_of(word: str) -> str | None:
    """The level a (folded) word names: "аймгийн" → aimag, "сумын" → soum, "khoroo" → khoroo."""
    table = _level_words()
    for stem in stems(word, 3):
        if stem in table:
            return table[stem]
    return None


def fuzzy_cutoff(length: int, *, level_word: bool, words: int) -> float | None:
    """How similar (0–100, rapidfuzz ratio) a span must be to a key; None: exact only.

    Short words get no slack ("Увс" against "ус", water). Next to a level word a name may have one wrong
    letter ("Ховт аймгийн"); without one, only long names may ("Bayanhongor"), because ordinary words sit
    one letter away from short names ("machine" / "Malchin"). Multi-word spans must be long and close.
    """
    if words > 1:
        return 90.0 if length >= 8 else None
    if length < 4 or (length == 4 and not level_word):
        return None
    if level_word:
        return 75.0 if length == 4 else 80.0
    return 88.0


# What a span matched: (gazetteer key, how, similarity 0–1, units), or None.
_Found = tuple[str, str, float, tuple[Unit, ...]] | None


def find_mentions(
    text: str, tokens: list[Token], levels: list[str | None], gazetteer: Gazetteer, *, vocabulary: frozenset[str]
) -> list[Mention]:
    """Non-overlapping place mentions, best first; `vocabulary` words are never read as fuzzy places."""
    found: list[Mention] = []
    seen: dict[tuple[str, int, bool], _Found] = {}  # transcripts repeat words: look each span up once
    for i, token in enumerate(tokens):
        if is_unspaced(token.folded):
            found += _substring_mentions(token, gazetteer)
            continue
        for j in range(i + 1, min(i + MAX_WORDS, len(tokens)) + 1):
            last = tokens[j - 1].folded
            if (
                levels[j - 1]
                or last.isdigit()
                or is_unspaced(last)
                or (j > i + 1 and min(len(last), len(token.folded)) < 2)
            ):
                break
            level = levels[j] if j < len(tokens) else None
            if level in ("bag", "khoroo"):
                continue  # "Алагтолгой баг" is a bag name: looked up under its soum, not here
            query = "".join(t.folded for t in tokens[i:j])
            memo = (query, j - i, level is not None)
            if memo not in seen:
                seen[memo] = _lookup(query, j - i, level is not None, gazetteer, vocabulary)
            if (hit := seen[memo]) is not None:
                start, end = token.start, tokens[j - 1].end
                level_word = tokens[j].text if level else None
                found.append(Mention(i, j, start, end, text[start:end], *hit[:3], level, level_word, hit[3]))
    # Best match first; among equals the longer span ("Говь-Алтай" over "Алтай").
    found.sort(key=lambda m: (-m.similarity, -(m.token_end - m.token_start), -(m.end - m.start), m.start))
    chosen: list[Mention] = []
    for mention in found:
        if all(mention.end <= c.start or mention.start >= c.end for c in chosen):
            chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


def _lookup(query: str, words: int, level: bool, gazetteer: Gazetteer, vocabulary: frozenset[str]) -> _Found:
    """Exact key (after removing a case ending), else the closest keys within the fuzzy cutoff."""
    for stem in stems(query, 2):
        units = gazetteer.lookup(stem)
        if units:
            if gazetteer.is_common_word(stem) and not level:
                return None
            return stem, "exact" if stem == query else "stem", 1.0, tuple(units)
    if words == 1 and any(stem in vocabulary for stem in stems(query, 2)):
        return None  # a real word ("манай сумын", our soum's), not a misheard name
    best: dict[str, float] = {}
    # Case endings are Mongolian: in Latin text, stripping "s" or "ed" would only invent near-misses.
    for stem in stems(query, 4)[:3] if is_cyrillic(query) else (query,):
        cutoff = fuzzy_cutoff(len(stem), level_word=level, words=words)
        if cutoff is None:
            continue
        for key, score in gazetteer.fuzzy(stem, cutoff=cutoff):
            if level or not gazetteer.is_common_word(key):
                best[key] = max(best.get(key, 0.0), score)
    if not best:
        return None
    top = max(best.values())
    keys = [k for k, s in best.items() if s == top]
    return keys[0], "fuzzy", top / 100, tuple(dict.fromkeys(u for k in keys for u in gazetteer.lookup(k)))


def _substring_mentions(token: Token, gazetteer: Gazetteer) -> list[Mention]:
    """Names inside a run of Khmer-like script, where words are not separated by spaces."""
    exact_offsets = len(token.folded) == len(token.text)
    mentions = []
    for key, code in gazetteer.unspaced:
        for at in substring_positions(token.folded, key):
            start, end = (token.start + at, token.start + at + len(key)) if exact_offsets else (token.start, token.end)
            text = token.text[at : at + len(key)] if exact_offsets else token.text
            unit = gazetteer.units[code]
            mentions.append(
                Mention(token.index, token.index + 1, start, end, text, key, "exact", 1.0, None, None, (unit,))
            )
    return mentions
