"""Text staff type (transcripts, notes, reasons), cleaned the same way before it is stored.

NFC so that "й" typed as и + breve and "й" typed at once are one word for search and diffs; one kind of
line end; trimmed. Control characters other than newline and tab are refused: nobody types them, and
PostgreSQL refuses NUL in text, which would otherwise surface as a server error.
"""

from __future__ import annotations

import unicodedata

from hotline.review_errors import Invalid

_KEPT_CONTROLS = frozenset("\n\t")


def clean_text(text: str, *, what: str, max_chars: int, required: bool = False) -> str:
    """The text as stored, or Invalid naming `what` when it is empty (if required), too long or has controls."""
    clean = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if required and not clean:
        raise Invalid(f"a {what} cannot be empty")
    if any(unicodedata.category(ch) == "Cc" and ch not in _KEPT_CONTROLS for ch in clean):
        raise Invalid(f"a {what} cannot contain control characters")
    if len(clean) > max_chars:
        raise Invalid(f"a {what} is at most {max_chars:,} characters, this one has {len(clean):,}")
    return clean
