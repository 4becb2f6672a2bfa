"""Escape free text (host lines, titles, provider names) for the Markdown run sheet.

The sheet is also read raw, in a text editor or on a phone, so only what would change the structure is
escaped: inline markup (emphasis, code, links, raw HTML, table pipes, entities) everywhere, and block
markers (headings, quotes, list items, setext underlines) only where a line starts with them. Newlines
become `<br>`, the one line break that works inside a GFM table cell and in a paragraph alike.
"""

from __future__ import annotations

import re


class MarkdownText(str):
    """Text that is Markdown already (escaped, or written by us): the escaper passes it through."""

    __slots__ = ()


_INLINE = re.compile(r"([\\`*_\[\]<>|~])|(&(?=#|\w+;))")
_BLOCK_START = re.compile(
    r"^(?:"
    r"(#)(?=#{0,5}(?:\s|$))"  # ATX heading
    r"|(>)"  # block quote
    r"|([-+])(?=\s|$)"  # bullet list item ("*" is escaped everywhere already)
    r"|([-=])(?=[-=]*\s*$)"  # setext underline or thematic break
    r"|\d{1,9}([.)])(?=\s|$)"  # ordered list item
    r")"
)


def _escape_line(line: str) -> str:
    line = _INLINE.sub(lambda m: "\\" + m.group(0), line.strip())
    match = _BLOCK_START.match(line)
    if match is None:
        return line
    marker = next(index for index in range(1, 6) if match.group(index) is not None)
    at = match.start(marker)
    return line[:at] + "\\" + line[at:]


def escape_markdown(text: object) -> MarkdownText:
    """`text` as literal Markdown on one line (safe in a table cell); MarkdownText passes through unchanged."""
    if isinstance(text, MarkdownText):
        return text
    lines = str(text).splitlines() or [""]
    return MarkdownText("<br>".join(_escape_line(line) for line in lines))
