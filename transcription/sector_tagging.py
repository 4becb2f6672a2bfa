"""Which service sector a transcript is about, from the deployment's keyword lists, with the words as proof.

Keywords are stems in the complaint's language. A word matches a keyword exactly, with a case ending
removed ("усны" → "ус"), as a longer inflection of a stem of four letters or more ("эмнэлэгт" ← "эмнэл"),
or fuzzily for long words ("hospitl"). Short keywords never match by prefix or fuzzily: "эм" (medicine)
must not catch "эмэгтэй" (woman). The longest keyword wins where keywords overlap, so "эрүүл мэндийн
даатгал" (health insurance) counts for welfare, not for health.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from hotline.deployment import Deployment
from transcription.tags import TRANSCRIPT, TagResult, per_deployment
from transcription.textnorm import Token, is_unspaced, stems, substring_positions, tokenize, words

PREFIX_MIN = 4  # a stem this long may be followed by any short ending
PREFIX_REST = 6  # …of at most this many letters
FUZZY_MIN = 5
PER_WORD = 0.6  # one exact keyword makes a sector this likely; more words push it towards (never to) 1
STEM_QUALITY = 0.9
FUZZY_QUALITY = 0.8
MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class Keyword:
    text: str
    sector: str
    words: tuple[str, ...]


@dataclass
class _Index:
    """One language's keywords: by first word for sequences, plus the word vocabulary for look-ups."""

    by_first: dict[str, list[Keyword]] = field(default_factory=dict)
    unspaced: list[Keyword] = field(default_factory=list)
    vocab: set[str] = field(default_factory=set)
    long_words: list[str] = field(default_factory=list)
    seen: dict[str, dict[str, tuple[str, float]]] = field(default_factory=dict)  # word → matches, across calls

    def matches(self, word: str) -> dict[str, tuple[str, float]]:
        """Keyword words a text word stands for; remembered, since a worker sees the same words all day."""
        found = self.seen.get(word)
        if found is None:
            if len(self.seen) > MEMO_LIMIT:
                self.seen.clear()
            found = self.seen[word] = _word_matches(word, self)
        return found


@dataclass(frozen=True)
class _Hit:
    keyword: Keyword
    token_start: int
    token_end: int
    start: int
    end: int
    match: str
    quality: float


@per_deployment
def keyword_indexes(deployment: Deployment) -> dict[str, _Index]:
    """Per-language keyword indexes, built once per deployment."""
    indexes: dict[str, _Index] = {}
    for sector in deployment.sectors:
        for language, keywords in sector.keywords.items():
            index = indexes.setdefault(language, _Index())
            for text in keywords:
                keyword = Keyword(text, sector.code, tuple(words(text)))
                if not keyword.words:
                    continue
                if is_unspaced(text):
                    index.unspaced.append(keyword)
                    continue
                index.by_first.setdefault(keyword.words[0], []).append(keyword)
                index.vocab.update(keyword.words)
    for index in indexes.values():
        index.long_words = sorted(w for w in index.vocab if len(w) >= FUZZY_MIN)
    return indexes


def _word_matches(word: str, index: _Index) -> dict[str, tuple[str, float]]:
    """Keyword words a text word stands for, each with how it matched and a quality 0–1."""
    found: dict[str, tuple[str, float]] = {}
    if word in index.vocab:
        found[word] = ("exact", 1.0)
    for stem in stems(word, 2)[1:]:
        if stem in index.vocab:
            found.setdefault(stem, ("stem", 1.0))
    for length in range(max(PREFIX_MIN, len(word) - PREFIX_REST), len(word)):
        if word[:length] in index.vocab:
            found.setdefault(word[:length], ("stem", STEM_QUALITY))
    if not found and len(word) >= FUZZY_MIN and not word.isdigit():
        for stem in stems(word, FUZZY_MIN)[:3]:
            cutoff = 88.0 if len(stem) <= 6 else 85.0
            for key, score, _ in process.extract(stem, index.long_words, scorer=fuzz.ratio, score_cutoff=cutoff):
                if key not in found or found[key][1] < score / 100 * FUZZY_QUALITY:
                    found[key] = ("fuzzy", round(score / 100 * FUZZY_QUALITY, 3))
    return found


def _hits(tokens: list[Token], index: _Index) -> list[_Hit]:
    per_token = [index.matches(t.folded) for t in tokens]
    hits: list[_Hit] = []
    for i, token_matches in enumerate(per_token):
        for first in token_matches:
            for keyword in index.by_first.get(first, ()):
                end = i + len(keyword.words)
                if end > len(tokens) or any(w not in per_token[i + k] for k, w in enumerate(keyword.words)):
                    continue
                how = [per_token[i + k][w] for k, w in enumerate(keyword.words)]
                match = next((m for m in ("fuzzy", "stem") if any(h[0] == m for h in how)), "exact")
                quality = min(h[1] for h in how)
                hits.append(_Hit(keyword, i, end, tokens[i].start, tokens[end - 1].end, match, quality))
        if is_unspaced(tokens[i].folded):
            hits += _substring_hits(tokens[i], index)
    hits.sort(key=lambda h: (-(h.token_end - h.token_start), -(h.end - h.start), -h.quality, h.start))
    chosen: list[_Hit] = []
    for hit in hits:
        if all(hit.end <= c.start or hit.start >= c.end for c in chosen):
            chosen.append(hit)
    return sorted(chosen, key=lambda h: h.start)


def _substring_hits(token: Token, index: _Index) -> list[_Hit]:
    """Keywords inside a run of Khmer-like script (no spaces between words)."""
    exact_offsets = len(token.folded) == len(token.text)
    hits = []
    for keyword in index.unspaced:
        needle = "".join(keyword.words)
        for at in substring_positions(token.folded, needle):
            start, end = (
                (token.start + at, token.start + at + len(needle)) if exact_offsets else (token.start, token.end)
            )
            hits.append(_Hit(keyword, token.index, token.index + 1, start, end, "exact", 1.0))
    return hits


def tag_sectors(*, text: str, language: str, deployment: Deployment, menu_sector: str | None) -> list[TagResult]:
    """Sectors the transcript's words point to; suggested=True where they differ from the keypad choice."""
    index = keyword_indexes(deployment).get(language)
    tokens = tokenize(text)
    if index is None or not tokens:
        return []
    by_sector: dict[str, list[_Hit]] = {}
    for hit in _hits(tokens, index):
        by_sector.setdefault(hit.keyword.sector, []).append(hit)
    tags = []
    for code, hits in by_sector.items():
        best: dict[str, float] = {}
        for hit in hits:
            best[hit.keyword.text] = max(best.get(hit.keyword.text, 0.0), hit.quality)
        score = min(0.99, 1 - (1 - PER_WORD) ** sum(best.values()))
        sector = deployment.sector(code)
        label = (sector.names.get(language) or next(iter(sector.names.values()), code)) if sector else code
        suggested = menu_sector is not None and code != menu_sector
        tags.append(
            TagResult("sector", code, label, round(score, 3), TRANSCRIPT, suggested, _evidence(text, hits, menu_sector))
        )
    return sorted(tags, key=lambda t: (-t.score, t.code))


def _evidence(text: str, hits: list[_Hit], menu_sector: str | None) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "words": list(dict.fromkeys(text[h.start : h.end] for h in hits)),
        "keywords": list(dict.fromkeys(h.keyword.text for h in hits)),
        "spans": [
            {
                "text": text[h.start : h.end],
                "start": h.start,
                "end": h.end,
                "token_start": h.token_start,
                "token_end": h.token_end,
                "keyword": h.keyword.text,
                "match": h.match,
                "quality": h.quality,
            }
            for h in hits
        ],
    }
    if menu_sector is not None:
        evidence["menu_sector"] = menu_sector
    return evidence
