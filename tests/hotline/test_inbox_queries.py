"""The inbox query on a real database: every filter, the status counts, the summary, keyset pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from hotline.inbox_queries import (
    LOW_CONFIDENCE,
    SNIPPET_CHARS,
    Cursor,
    InboxFilter,
    list_complaints,
    snippet,
    status_counts,
)
from hotline.models import Complaint, ComplaintStatus
from tests.factories import make_complaint, make_transcript

T0 = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def refs(session: Session, consented_only: bool = False, **filters: object) -> list[str]:
    page = list_complaints(session, filters=InboxFilter(**filters), consented_only=consented_only)
    return [item.reference for item in page.items]


@pytest.fixture
def mix(session: Session) -> dict[str, Complaint]:
    """Five complaints, one hour apart (a is oldest), differing in every filtered field."""
    a = make_complaint(session, created_at=T0, status=ComplaintStatus.NEEDS_MANUAL_TRANSCRIPTION, soum="8401")
    b = make_complaint(
        session, created_at=T0 + timedelta(hours=1), status=ComplaintStatus.TRANSCRIBED, broadcast_consent=False
    )
    make_transcript(session, b, text="эмнэлэгт эм байхгүй", mean_confidence=0.41)
    c = make_complaint(
        session, created_at=T0 + timedelta(hours=2), status=ComplaintStatus.TRANSCRIBED, sector="education", area="11"
    )
    make_transcript(session, c, text="сургуулийн халаалт", mean_confidence=0.93)
    make_transcript(session, c, version=2, source="staff", text="Сургуулийн халаалт ажиллахгүй")
    d = make_complaint(session, created_at=T0 + timedelta(hours=3), status=ComplaintStatus.FAILED, language="en")
    e = make_complaint(
        session, created_at=T0 + timedelta(hours=4), status=ComplaintStatus.ROUTED, sector="welfare", area="11"
    )
    make_transcript(session, e, text="тэтгэвэр ирээгүй", mean_confidence=LOW_CONFIDENCE)  # not below the bar
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def names(mix: dict[str, Complaint], *keys: str) -> list[str]:
    return [mix[k].reference for k in keys]


def test_unfiltered_is_newest_first(session: Session, mix: dict[str, Complaint]):
    assert refs(session) == names(mix, "e", "d", "c", "b", "a")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"statuses": ("transcribed",)}, "cb"),
        ({"statuses": ("needs_manual_transcription", "failed")}, "da"),
        ({"sectors": ("education", "welfare")}, "ec"),
        ({"areas": ("84",)}, "dba"),
        ({"soum": "8401"}, "a"),
        ({"languages": ("en",)}, "d"),
        ({"created_from": T0 + timedelta(hours=1), "created_before": T0 + timedelta(hours=3)}, "cb"),
        ({"created_from": T0 + timedelta(hours=3, minutes=1)}, "e"),
        ({"broadcast_consent": False}, "b"),
        ({"broadcast_consent": True}, "edca"),
        ({"reviewed": True}, "c"),
        ({"reviewed": False}, "edba"),
        ({"low_confidence": True}, "b"),
        ({"search": "ХАЛААЛТ ажилла"}, "c"),
        ({"search": "эмнэл", "broadcast_consent": True}, ""),
        ({"areas": ("11",), "statuses": ("routed", "transcribed"), "reviewed": False}, "e"),
    ],
)
def test_each_filter(session: Session, mix: dict[str, Complaint], filters: dict[str, object], expected: str):
    assert refs(session, **filters) == names(mix, *expected)


def test_consented_only_hides_the_others_whatever_the_filters(session: Session, mix: dict[str, Complaint]):
    assert refs(session, consented_only=True) == names(mix, "e", "d", "c", "a")
    assert refs(session, consented_only=True, broadcast_consent=False) == []
    assert refs(session, consented_only=True, search="эмнэлэгт") == []


def test_a_zone_other_than_utc_is_the_same_instant(session: Session, mix: dict[str, Complaint]):
    local = datetime(2026, 3, 1, 12, 0, tzinfo=ZoneInfo("Asia/Ulaanbaatar"))  # T0, 04:00 UTC
    assert local == T0
    assert refs(session, created_before=local + timedelta(minutes=1)) == names(mix, "a")


def test_summary_carries_the_current_transcript(session: Session, mix: dict[str, Complaint]):
    by_ref = {item.reference: item for item in list_complaints(session).items}
    reviewed = by_ref[mix["c"].reference]
    assert (reviewed.reviewed, reviewed.transcript_version, reviewed.machine_confidence) == (True, 2, 0.93)
    assert reviewed.snippet == "Сургуулийн халаалт ажиллахгүй"
    untouched = by_ref[mix["a"].reference]
    assert (untouched.reviewed, untouched.transcript_version, untouched.machine_confidence) == (False, 0, None)
    assert untouched.snippet == "" and untouched.soum == "8401"
    assert untouched.caller.endswith("33") and "•" in untouched.caller
    assert untouched.recording is not None and untouched.recording.duration_seconds == 41.5


def test_snippet_cuts_long_transcripts_at_a_word(session: Session):
    words = " ".join(["өвчтөнүүд"] * 40)
    complaint = make_complaint(session)
    make_transcript(session, complaint, text=words)
    [item] = list_complaints(session).items
    assert item.snippet.endswith("…") and len(item.snippet) <= SNIPPET_CHARS + 1
    assert item.snippet[:-1].split(" ") == ["өвчтөнүүд"] * len(item.snippet[:-1].split(" "))
    assert snippet("x" * 500) == "x" * SNIPPET_CHARS + "…"  # one endless word is cut inside it
    assert snippet("short") == "short"


def test_status_counts_ignore_the_status_filter_but_keep_the_others(session: Session, mix: dict[str, Complaint]):
    counts = status_counts(session, filters=InboxFilter(statuses=("failed",), areas=("84",)))
    assert set(counts) == {s.value for s in ComplaintStatus}
    assert {k: v for k, v in counts.items() if v} == {"needs_manual_transcription": 1, "transcribed": 1, "failed": 1}
    searched = status_counts(session, filters=InboxFilter(search="халаалт"))
    assert {k: v for k, v in searched.items() if v} == {"transcribed": 1}
    producer = status_counts(session, consented_only=True)
    assert sum(producer.values()) == 4 and producer["transcribed"] == 1


@pytest.mark.parametrize(
    "filters",
    [InboxFilter(), InboxFilter(sectors=("health",)), InboxFilter(search="өвчтөн"), InboxFilter(reviewed=False)],
)
def test_keyset_pages_with_every_kind_of_filter(session: Session, filters: InboxFilter):
    """Seven complaints, two sharing each instant: pages of two walk them all once, newest first."""
    made = []
    for i in range(7):
        complaint = make_complaint(session, created_at=T0 + timedelta(minutes=i // 2))
        make_transcript(session, complaint, text=f"өвчтөн {i}")
        made.append(complaint.reference)
    seen: list[str] = []
    after: Cursor | None = None
    while True:
        page = list_complaints(session, filters=filters, limit=2, after=after)
        seen += [item.reference for item in page.items]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert seen == list(reversed(made))
