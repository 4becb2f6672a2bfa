"""Numbered bags and khoroos in a transcript: "3-р хороо", "гуравдугаар хороо", "khoroo 3", "third bag".

Most bags and every khoroo are known by number, and a speech recogniser writes numbers as words, so
both digits and Mongolian or English number words are read. A number alone means nothing ("1-р баг"
exists in every soum): the location tagger attaches these to a soum or district said nearby.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transcription.textnorm import Token

_DIGITS = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|р|r)?$")
_MN_UNITS = {
    "нэг": 1, "нэгэн": 1, "хоёр": 2, "гурав": 3, "гурван": 3, "гурв": 3, "дөрөв": 4, "дөрвөн": 4, "дөрв": 4,
    "тав": 5, "таван": 5, "зургаа": 6, "зургаан": 6, "долоо": 7, "долоон": 7, "найм": 8, "найман": 8,
    "ес": 9, "есөн": 9,
}  # fmt: skip
_MN_TENS = {"арав": 10, "арван": 10, "хорь": 20, "хорин": 20, "гуч": 30, "гучин": 30, "дөч": 40, "дөчин": 40}
_MN_ORDINAL = ("дугаар", "дүгээр", "дахь", "дэх")
_MARKERS = frozenset({*_MN_ORDINAL, "р", "r", "no", "number", "num", "дугаарын", "дүгээрийн"})
_EN_WORDS = {
    "one": 1, "first": 1, "two": 2, "second": 2, "three": 3, "third": 3, "four": 4, "fourth": 4, "five": 5,
    "fifth": 5, "six": 6, "sixth": 6, "seven": 7, "seventh": 7, "eight": 8, "eighth": 8, "nine": 9,
    "ninth": 9, "ten": 10, "tenth": 10, "eleven": 11, "eleventh": 11, "twelve": 12, "twelfth": 12,
}  # fmt: skip


@dataclass(frozen=True)
class NumberedPlace:
    """A "number + level word" phrase: which tokens, which number, and whether a bag or a khoroo."""

    token_start: int
    token_end: int
    number: int
    level: str
    level_index: int  # the token that is the level word


def _mn_word(word: str, table: dict[str, int]) -> tuple[int, bool] | None:
    """A Mongolian number word, possibly with an ordinal ending attached ("гуравдугаар" → 3, ordinal)."""
    for ending in _MN_ORDINAL:
        if word.endswith(ending) and word[: -len(ending)] in table:
            return table[word[: -len(ending)]], True
    return (table[word], False) if word in table else None


def read_number(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """The number starting at token i and the index after it (markers like "-р", "дугаар" included)."""
    if i >= len(tokens):
        return None
    word = tokens[i].folded
    if m := _DIGITS.match(word):
        value, end = int(m.group(1)), i + 1
    elif word in _EN_WORDS:
        value, end = _EN_WORDS[word], i + 1
    else:
        value, end = 0, i
        tens = _mn_word(word, _MN_TENS)
        if tens is not None:
            value, end = tens[0], i + 1
            if tens[1]:
                return value, end
        unit = _mn_word(tokens[end].folded, _MN_UNITS) if end < len(tokens) else None
        if unit is not None:
            value, end = value + unit[0], end + 1
        if end == i:
            return None
    while end < len(tokens) and tokens[end].folded in _MARKERS:
        end += 1
    return value, end


def find_numbered(tokens: list[Token], levels: list[str | None]) -> list[NumberedPlace]:
    """Every "3-р хороо" / "bag 2" phrase; levels[i] is the level word at token i, if any."""
    found: list[NumberedPlace] = []
    for i, level in enumerate(levels):
        if level not in ("bag", "khoroo"):
            continue
        # Number before the level word (Mongolian, and English "3rd khoroo"): scan back up to four tokens.
        for start in range(max(0, i - 4), i):
            read = read_number(tokens, start)
            if read is not None and read[1] == i and read[0] > 0:
                found.append(NumberedPlace(start, i + 1, read[0], level, i))
                break
        else:
            # Number after it (English "khoroo 3", "bag number 2").
            j = i + 1
            while j < len(tokens) and tokens[j].folded in _MARKERS:
                j += 1
            read = read_number(tokens, j)
            if read is not None and read[0] > 0:
                found.append(NumberedPlace(i, read[1], read[0], level, i))
    return found
