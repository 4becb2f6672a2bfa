"""Mongolian Cyrillic → Latin, in the handful of spellings people and transcripts actually use.

There is no single Latin form of a Mongolian place name: the national standard (MNS 5217:2012) writes
Өвөрхангай as "Övörkhangai", maps and NGOs write "Uvurkhangai" or "Ovorkhangai", and phone keyboards give
"Ovorhangay". A gazetteer that knows only one of them misses the others, so we generate each common
scheme rather than a full cartesian product: a few variants per name keeps the index small and the
fuzzy matcher absorbs the remaining one-letter differences.
"""

from __future__ import annotations

# MNS 5217:2012, the national standard for Mongolian Cyrillic in Latin letters.
MNS_5217: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "ye", "ё": "yo", "ж": "j", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ү": "ü", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "i",
    "ы": "y", "ь": "i", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

# Each scheme changes a few letters of the standard; keys of two letters are digraphs ("ий").
SCHEMES: dict[str, dict[str, str]] = {
    "mns": {},  # Övörkhangai, Khövsgöl, Bayan-Ölgii
    "english": {"ө": "u", "ү": "u"},  # Uvurkhangai, Khuvsgul, Bayan-Ulgii: most English-language maps
    "ascii": {"ө": "o", "ү": "u"},  # Ovorkhangai, Khovsgol: the standard with diacritics dropped
    "h": {"ө": "o", "ү": "u", "х": "h", "ий": "iy", "й": "y"},  # Ovorhangay, Hentiy, Arhangay: phone typing
    "h-u": {"ө": "u", "ү": "u", "х": "h", "е": "e"},  # Uvurhangai, Bayanhongor, Huvsgul
}

# Cyrillic typed on a Russian keyboard has no Ө or Ү: "Увурхангай", "Хубсугул", "Умнеговь".
_RUSSIAN_KEYBOARD = ({"ө": "о", "ү": "у"}, {"ө": "у", "ү": "у"}, {"ө": "е", "ү": "у"})


def transliterate(text: str, scheme: str = "mns") -> str:
    """Latin spelling of Mongolian Cyrillic text under one scheme; other characters pass through."""
    table = SCHEMES[scheme]
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if len(pair) == 2 and pair.lower() in table:
            latin, source, i = table[pair.lower()], pair, i + 2
        else:
            source = text[i]
            lower = source.lower()
            latin = table.get(lower, MNS_5217.get(lower, source))
            i += 1
        out.append(latin[:1].upper() + latin[1:] if source[:1].isupper() and latin else latin)
    return "".join(out)


def latin_variants(text: str) -> list[str]:
    """Every scheme's spelling of a Cyrillic name, standard first, duplicates removed; [] if not Cyrillic."""
    if not any("\u0400" <= ch <= "\u04ff" for ch in text):
        return []
    seen: dict[str, None] = {}
    for scheme in SCHEMES:
        seen.setdefault(transliterate(text, scheme), None)
    return list(seen)


def russian_keyboard_variants(text: str) -> list[str]:
    """The name as typed without Ө and Ү (staff notes, SMS, older documents); [] when it has neither."""
    if not any(ch in "өүӨҮ" for ch in text):
        return []
    seen: dict[str, None] = {}
    for table in _RUSSIAN_KEYBOARD:
        seen.setdefault("".join(_replace_keep_case(ch, table) for ch in text), None)
    return list(seen)


def _replace_keep_case(ch: str, table: dict[str, str]) -> str:
    new = table.get(ch.lower())
    if new is None:
        return ch
    return new.upper() if ch.isupper() else new
