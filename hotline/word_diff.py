"""A word-level diff between two transcript versions, for the version history on the page and in the API.

Reviewers correct misheard words, so a character diff is noise and a line diff says nothing (a transcript
is one line). The diff works on whitespace-separated words; a replaced word shows as a deletion followed by
an insertion, which reads naturally as "was / became".
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

DiffOp = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class DiffPart:
    """A run of words that both versions share, or that only the new one (insert) or old one (delete) has."""

    op: DiffOp
    words: list[str]


def word_diff(old: str, new: str) -> list[DiffPart]:
    """The edits that turn `old` into `new`, as runs of words in reading order."""
    before, after = old.split(), new.split()
    # autojunk would treat frequent words ("the", "-ийн") as junk on long texts and misalign the diff.
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    parts: list[DiffPart] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(DiffPart("equal", before[i1:i2]))
            continue
        if i2 > i1:  # replace and delete
            parts.append(DiffPart("delete", before[i1:i2]))
        if j2 > j1:  # replace and insert
            parts.append(DiffPart("insert", after[j1:j2]))
    return parts


def changed_words(parts: list[DiffPart]) -> tuple[int, int]:
    """How many words were removed and added: a short summary for the audit log."""
    removed = sum(len(p.words) for p in parts if p.op == "delete")
    added = sum(len(p.words) for p in parts if p.op == "insert")
    return removed, added
