"""The dashboard's figures on a real database: ISO weeks in Ulaanbaatar time, medians and 90th percentiles of
the time to first answer worked out by hand, overdue as of a chosen now, satisfaction, and the inbox export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from hotline.dashboard_queries import (
    DashboardFilter,
    Week,
    answer_durations,
    answer_times,
    build_dashboard,
    default_period,
    percentile,
    weekly_counts,
)
from hotline.inbox_export import export_pages
from hotline.inbox_queries import InboxFilter
from hotline.models import Complaint, Feedback
from hotline.settings import Settings
from tests.answer_factories import make_response
from tests.factories import make_complaint, make_transcript
from tests.staff.review_api import a_provider

UB = ZoneInfo("Asia/Ulaanbaatar")  # UTC+8, no daylight saving
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Ulaanbaatar, ISO week 2026-W48
HOUR = 3600.0


def period(start: datetime, end: datetime, **narrowed: tuple[str, ...]) -> DashboardFilter:
    return DashboardFilter(created_from=start, created_before=end, **narrowed)


def answered(
    session: Session, settings: Settings, *, provider: int, created: datetime, after: timedelta, **fields: object
) -> Complaint:
    complaint = make_complaint(session, created_at=created, status="routed", provider_id=provider, **fields)
    make_response(session, complaint, settings=settings, text="Эмч томилогдлоо.", created_at=created + after)
    return complaint


def test_percentiles_interpolate_between_ranks_like_percentile_cont() -> None:
    assert percentile([10.0, 1.0, 3.0, 2.0], 0.5) == 2.5
    assert percentile([1.0, 2.0, 3.0, 10.0], 0.9) == pytest.approx(3 + 0.7 * 7)  # rank 2.7
    assert percentile([5.0], 0.9) == 5.0
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_the_default_period_is_the_last_twelve_iso_weeks_in_local_time() -> None:
    start, end = default_period(NOW, UB)
    assert start == datetime(2026, 9, 7, tzinfo=UB)  # Monday of 2026-W37: W48 and the eleven before it
    assert end == datetime(2026, 11, 25, tzinfo=UB)  # the end of today, local
    assert start.isocalendar()[1] == 37 and start.weekday() == 0


def test_complaints_are_counted_per_sector_area_and_local_iso_week(session: Session) -> None:
    sunday_late = datetime(2026, 11, 22, 15, 30, tzinfo=UTC)  # Sunday 23:30 local: still 2026-W47
    monday_early = datetime(2026, 11, 22, 16, 30, tzinfo=UTC)  # Monday 00:30 local: 2026-W48
    for created in (sunday_late, monday_early, monday_early):
        make_complaint(session, created_at=created, sector="health", area="84")
    make_complaint(session, created_at=monday_early, sector="education", area="11")
    make_complaint(session, created_at=datetime(2026, 11, 1, tzinfo=UTC), sector="health", area="84")  # before
    counts = weekly_counts(
        session, filters=period(datetime(2026, 11, 16, tzinfo=UB), datetime(2026, 11, 25, tzinfo=UB)), timezone=UB
    )
    assert [w.label for w in counts.weeks] == ["2026-W47", "2026-W48"]
    assert counts.weeks[0] == Week(label="2026-W47", starts_on=datetime(2026, 11, 16).date())
    assert [(r.sector, r.area, r.counts, r.total) for r in counts.rows] == [
        ("health", "84", (1, 2), 3),
        ("education", "11", (0, 1), 1),
    ]
    assert counts.totals == (1, 3)
    narrowed = weekly_counts(
        session,
        filters=period(datetime(2026, 11, 16, tzinfo=UB), datetime(2026, 11, 25, tzinfo=UB), areas=("11",)),
        timezone=UB,
    )
    assert [(r.sector, r.total) for r in narrowed.rows] == [("education", 1)]


def test_time_to_first_answer_per_provider_and_sector_matches_hand_computed_figures(
    session: Session, settings: Settings
) -> None:
    clinic, school = a_provider(session), a_provider(session)
    day = datetime(2026, 11, 10, 1, 0, tzinfo=UTC)
    for hours in (1, 2, 3, 10):  # health, by the clinic: median 2.5 h, 90th percentile 7.9 h
        answered(session, settings, provider=clinic, created=day, after=timedelta(hours=hours))
    answered(session, settings, provider=school, created=day, after=timedelta(days=3), sector="education")
    late = answered(session, settings, provider=clinic, created=day, after=timedelta(hours=30))
    make_response(session, late, settings=settings, text="second version", version=2, created_at=day)  # not the first
    answered(session, settings, provider=clinic, created=day - timedelta(days=60), after=timedelta(hours=500))  # before
    make_complaint(session, created_at=day, status="routed", provider_id=clinic)  # not answered yet

    durations = answer_durations(session, filters=period(day - timedelta(days=7), day + timedelta(days=7)))
    by_provider = {t.key: t for t in answer_times((p, s) for p, _, s in durations)}
    assert by_provider[clinic].answered == 5  # 1, 2, 3, 10 and 30 hours
    assert by_provider[clinic].median_seconds == pytest.approx(3 * HOUR)
    assert by_provider[clinic].p90_seconds == pytest.approx((10 + 0.6 * 20) * HOUR)  # rank 3.6 of 1,2,3,10,30
    assert (by_provider[school].median_seconds, by_provider[school].p90_seconds) == (72 * HOUR, 72 * HOUR)
    by_sector = {t.key: t for t in answer_times((s, d) for _, s, d in durations)}
    assert set(by_sector) == {"health", "education"} and by_sector["health"].answered == 5
    only_four = answer_times((p, s) for p, _, s in durations if s < 20 * HOUR)
    assert only_four[0].median_seconds == pytest.approx(2.5 * HOUR)
    assert only_four[0].p90_seconds == pytest.approx(7.9 * HOUR)


def test_overdue_is_counted_as_of_the_given_now_whenever_the_complaint_was_made(
    session: Session, settings: Settings
) -> None:
    clinic, school = a_provider(session), a_provider(session)
    passed, coming = NOW - timedelta(days=2), NOW + timedelta(days=2)
    long_ago = NOW - timedelta(days=200)  # far before the period: still overdue
    for deadline in (passed, passed - timedelta(days=90)):
        make_complaint(session, status="routed", provider_id=clinic, response_deadline_at=deadline, created_at=long_ago)
    make_complaint(session, status="routed", provider_id=clinic, response_deadline_at=coming)
    make_complaint(session, status="answered", provider_id=clinic, response_deadline_at=passed)
    make_complaint(session, status="routed", provider_id=school, response_deadline_at=passed, sector="education")

    start, end = default_period(NOW, UB)
    figures = build_dashboard(session, filters=period(start, end), now=NOW, timezone=UB)
    assert [(r.provider_id, r.overdue) for r in figures.overdue] == [(clinic, 2), (school, 1)]
    assert figures.overdue[0].oldest_deadline_at == passed - timedelta(days=90)
    a_week_earlier = build_dashboard(session, filters=period(start, end), now=NOW - timedelta(days=7), timezone=UB)
    assert [(r.provider_id, r.overdue) for r in a_week_earlier.overdue] == [(clinic, 1)]
    health = build_dashboard(session, filters=period(start, end, sectors=("education",)), now=NOW, timezone=UB)
    assert [(r.provider_id, r.overdue) for r in health.overdue] == [(school, 1)]


def test_satisfaction_counts_callers_answers_about_complaints_of_the_period(session: Session) -> None:
    clinic = a_provider(session)
    recent = make_complaint(session, provider_id=clinic, status="answered", created_at=NOW - timedelta(days=3))
    old = make_complaint(session, provider_id=clinic, status="answered", created_at=NOW - timedelta(days=300))
    for n, (complaint, satisfied) in enumerate([(recent, True), (recent, True), (recent, False), (old, False)]):
        session.add(Feedback(complaint_id=complaint.id, twilio_call_sid=f"CA{n:032d}", satisfied=satisfied))
    session.commit()
    start, end = default_period(NOW, UB)
    figures = build_dashboard(session, filters=period(start, end), now=NOW, timezone=UB)
    assert [(r.provider_id, r.satisfied, r.not_satisfied) for r in figures.satisfaction] == [(clinic, 2, 1)]


def test_the_inbox_export_pages_through_every_match_and_keeps_producers_to_consented_complaints(
    session: Session,
) -> None:
    clinic = a_provider(session)
    made = [make_complaint(session, broadcast_consent=n % 3 != 0, provider_id=clinic) for n in range(7)]
    make_transcript(session, made[0], text='=HYPERLINK("http://evil") эмнэлэг')
    school_case = make_complaint(session, sector="education")

    pages = list(export_pages(session, filters=InboxFilter(sectors=("health",)), consented_only=False, page_size=3))
    assert [len(p) for p in pages] == [3, 3, 1]
    rows = [row for page in pages for row in page]
    assert {row.reference for row in rows} == {c.reference for c in made}
    assert next(r for r in rows if r.reference == made[0].reference).transcript.startswith("=HYPERLINK")
    assert all(r.provider_id == clinic and r.created_at.tzinfo is not None for r in rows)
    consented = [r for p in export_pages(session, filters=InboxFilter(), consented_only=True) for r in p]
    expected = {c.reference for c in made if c.broadcast_consent} | {school_case.reference}
    assert {r.reference for r in consented} == expected and len(expected) == 5
    searched = [
        r for p in export_pages(session, filters=InboxFilter(search="эмнэлэг"), consented_only=False) for r in p
    ]
    assert [r.reference for r in searched] == [made[0].reference]
