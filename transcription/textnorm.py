"""Text shapes the taggers compare: folded tokens with their character offsets, and suffix-stripped stems.

Transcripts come from ASR (lower case, no punctuation), from staff typing Cyrillic or Latin, and from
several scripts. Folding makes "Khövsgöl", "KHOVSGOL" and "khovsgol" one string; tokens keep their
offsets into the original text so every tag can point at the words that justify it. Mongolian is
agglutinative ("Ховдод", "аймгийн", "эмнэлгийн"), so words are also tried with their case endings removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, CJK): names and keywords
# are found as substrings there.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\u3040-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Word characters, plus the combining marks of those scripts (Khmer vowel signs are not \w in Python).
_TOKEN = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0483-\u0489\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff])+")

# Mongolian case, plural and reflexive endings (Cyrillic), longest first so the fullest ending goes first.
_MN_SUFFIXES = tuple(
    sorted(
        {
            # genitive
            "ийн", "ын", "ний", "ны", "гийн", "н", "ы", "ий",
            # dative-locative
            "д", "т", "ад", "эд", "од", "өд", "нд", "анд", "энд", "онд", "өнд", "ид",
            # accusative
            "ийг", "ыг", "г", "иг", "ныг",
            # ablative
            "аас", "ээс", "оос", "өөс", "иас", "иос", "иэс", "гаас", "гээс", "гоос", "наас", "нээс", "ноос",
            # instrumental
            "аар", "ээр", "оор", "өөр", "иар", "иор", "гаар", "гээр", "гоор",
            # comitative, directive
            "тай", "тэй", "той", "руу", "рүү", "луу", "лүү",
            # "people of", plural, "without"
            "ынхан", "ийнхан", "ынхон", "ийнхэн", "ууд", "үүд", "нууд", "нүүд", "гүй", "гуй",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
_MN_REFLEXIVE = ("гаа", "гээ", "аа", "ээ", "оо", "өө")
# Romanised Mongolian endings ("Khovdod", "aimgiin") and English inflections ("hospitals", "schooling").
_LATIN_SUFFIXES = ("iin", "yn", "iig", "yg", "aas", "ees", "oos", "ad", "ed", "od", "nd", "ing", "es", "s", "'s")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: its original spelling, its folded form and where it sits."""

    text: str
    folded: str
    start: int
    end: int
    index: int


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch.isascii():
        return ch
    if unicodedata.name(ch, "").startswith("LATIN"):
        return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if ch == "\u200b":  # zero-width space, used between Khmer words
        return ""
    return ch


def fold(text: str) -> str:
    """Lower-case, NFC, Latin diacritics removed (ö → o), Cyrillic and other scripts kept as letters."""
    text = unicodedata.normalize("NFC", text).casefold()
    if text.isascii():
        return text
    return "".join(_fold_char(ch) for ch in text)


def tokenize(text: str) -> list[Token]:
    """Words of a text with offsets; hyphens and punctuation separate words ("Баян-Өлгий" is two)."""
    return [
        Token(text=m.group(), folded=fold(m.group()), start=m.start(), end=m.end(), index=i)
        for i, m in enumerate(_TOKEN.finditer(text))
    ]


def compact(text: str) -> str:
    """A name with case, diacritics, spaces and hyphens removed: "Bayan-Ölgii" and "bayan olgii" agree."""
    return "".join(m.group() for m in _TOKEN.finditer(fold(text)))


def words(text: str) -> list[str]:
    """The folded words of a text, for keywords that span several words."""
    return [m.group() for m in _TOKEN.finditer(fold(text))]


def is_unspaced(text: str) -> bool:
    """True for scripts written without spaces (Khmer, Thai…), where word matching cannot work."""
    return _UNSPACED.search(text) is not None


def _splits_cluster(text: str, i: int) -> bool:
    """Position i falls inside a character cluster: before a vowel sign, or after a Khmer coeng (subscript)."""
    if i <= 0 or i >= len(text):
        return False
    return unicodedata.category(text[i]) in ("Mn", "Mc") or text[i - 1] == "\u17d2"


def substring_positions(text: str, needle: str) -> list[int]:
    """Where needle occurs in text on whole character clusters: "លូ" (drain) is not inside "ផ្លូវ" (road)."""
    found, at = [], text.find(needle)
    while at >= 0 and needle:
        if not _splits_cluster(text, at) and not _splits_cluster(text, at + len(needle)):
            found.append(at)
        at = text.find(needle, at + 1)
    return found


def is_cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None


@lru_cache(maxsize=65536)
def stems(word: str, min_length: int = 3) -> tuple[str, ...]:
    """The word and the stems left by removing one case ending (after an optional reflexive), longest first."""
    found = {word}
    suffixes = _MN_SUFFIXES if is_cyrillic(word) else _LATIN_SUFFIXES
    bases = [word]
    if is_cyrillic(word):
        # A reflexive ending ("аймагтаа") leaves at least three letters, so "эмээ" (grandmother) is not "эм".
        keep = max(min_length, 3)
        bases += [word[: -len(r)] for r in _MN_REFLEXIVE if word.endswith(r) and len(word) - len(r) >= keep]
    for base in bases:
        found.add(base)
        for suffix in suffixes:
            if base.endswith(suffix) and len(base) - len(suffix) >= min_length:
                found.add(base[: -len(suffix)])
    return tuple(sorted(found, key=len, reverse=True))
