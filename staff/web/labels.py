"""Names staff read for the values the core stores (statuses, transcript sources, tag kinds and verdicts).

Marked with N_ so Babel extracts them; templates translate them where they are shown with `_()`.
"""

from __future__ import annotations

from collections.abc import Mapping

from staff.web.i18n import N_

STATUS_LABELS: Mapping[str, str] = {
    "received": N_("Received"),
    "transcribing": N_("Transcribing"),
    "needs_manual_transcription": N_("Needs manual transcription"),
    "transcribed": N_("Transcribed"),
    "in_review": N_("In review"),
    "routed": N_("Routed"),
    "answered": N_("Answered"),
    "aired": N_("Aired"),
    "closed": N_("Closed"),
    "duplicate": N_("Duplicate"),
    "not_actionable": N_("Not actionable"),
    "failed": N_("Failed"),
}

SOURCE_LABELS: Mapping[str, str] = {
    "machine": N_("machine"),
    "staff": N_("staff"),
    "menu": N_("keypad menu"),
    "transcript": N_("transcript"),
}

TAG_KIND_LABELS: Mapping[str, str] = {
    "sector": N_("Sector"),
    "area": N_("Area"),
    "soum": N_("Soum"),
    "district": N_("District"),
}

DECISION_LABELS: Mapping[str, str] = {
    "accepted": N_("accepted"),
    "rejected": N_("rejected"),
}

LABELS = {
    "statuses": STATUS_LABELS,
    "sources": SOURCE_LABELS,
    "tag_kinds": TAG_KIND_LABELS,
    "decisions": DECISION_LABELS,
}
