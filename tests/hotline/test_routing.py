"""Routing a complaint: the status move, provider, deadline, the queued notice and the audit in one unit of work;
and the deadline pass (reminder three days before, overdue flag after) driven by a controlled clock."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from hotline.deadlines import sweep_deadlines
from hotline.lifecycle import IllegalTransition
from hotline.models import Complaint, ComplaintStatus
from hotline.models.answers import Notice
from hotline.models.common import ensure_aware
from hotline.notice_outbox import notices_of
from hotline.places import PlaceDirectory
from hotline.privacy import mask_number
from hotline.provider_fields import ProviderFields
from hotline.providers import create_provider
from hotline.review_errors import Invalid
from hotline.routing import route_complaint
from hotline.settings import Settings
from tests.conftest import PUBLIC_BASE_URL, make_settings
from tests.factories import CALLER_NUMBER, make_complaint
from tests.hotline.review_helpers import audit_actions, reviewer
from transcription.place_directory import gazetteer_places

_admins = itertools.count(1)
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TRANSCRIPT = "Буянт сумын эмнэлэгт эм байхгүй, эмч ирдэггүй."


@pytest.fixture
def routing_settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url, ROUTING_DEADLINE_DAYS=30, REMINDER_DAYS_BEFORE=3)


@pytest.fixture
def places(routing_settings: Settings) -> PlaceDirectory:
    return gazetteer_places(routing_settings.deployment)


def add_provider(session: Session, settings: Settings, places: PlaceDirectory, **changes: object) -> int:
    _, admin = reviewer(session, "admin", email=f"admin{next(_admins)}@example.org")
    values: dict[str, object] = {
        "names": {"mn": "Ховд аймгийн эмнэлэг", "en": "Khovd hospital"},
        "sectors": ["health"],
        "areas": ["84"],
        "email": "clinic@khovd.example.mn",
    } | changes
    made = create_provider(
        session,
        fields=ProviderFields(**values),  # type: ignore[arg-type]
        deployment=settings.deployment,
        places=places,
        actor=admin,
    )
    session.commit()
    return made.id


def in_review(session: Session) -> Complaint:
    return make_complaint(
        session, status=ComplaintStatus.IN_REVIEW, soum="8410", transcript_text=TRANSCRIPT, transcript_version=1
    )


def test_routing_moves_the_complaint_sets_the_deadline_and_queues_a_notice_without_the_number(
    session: Session, routing_settings: Settings, places: PlaceDirectory
) -> None:
    provider_id = add_provider(session, routing_settings, places)
    complaint = in_review(session)
    _, staff = reviewer(session, "staff")

    routed = route_complaint(
        session, complaint=complaint, provider_id=provider_id, actor=staff, settings=routing_settings,
        places=places, now=NOW,
    )  # fmt: skip
    session.commit()

    session.expire_all()
    stored = session.get(Complaint, complaint.id)
    assert stored is not None and stored.status == ComplaintStatus.ROUTED and stored.provider_id == provider_id
    assert ensure_aware(stored.routed_at) == NOW
    assert ensure_aware(stored.response_deadline_at) == NOW + timedelta(days=30) == routed.deadline_at
    assert audit_actions(session)[-2:] == ["status_changed", "complaint_routed"]

    notice = session.exec(select(Notice)).one()
    assert notice.id == routed.notice_id and notice.kind == "routed" and notice.status == "pending"
    assert notice.recipient == "clinic@khovd.example.mn" and ensure_aware(notice.deadline_at) == routed.deadline_at
    assert complaint.reference in notice.subject and "2026-04-01" in notice.subject  # local date of the deadline
    for expected in (complaint.reference, TRANSCRIPT, "Эрүүл мэнд", "Буянт, Ховд",
                     f"{PUBLIC_BASE_URL}/complaints/{complaint.reference}"):  # fmt: skip
        assert expected in notice.body
    for secret in (CALLER_NUMBER, CALLER_NUMBER.lstrip("+"), mask_number(CALLER_NUMBER), ".wav", "/audio"):
        assert secret not in notice.body and secret not in notice.subject


def test_an_english_only_provider_gets_english_and_a_given_deadline_ends_that_local_day(
    session: Session, routing_settings: Settings, places: PlaceDirectory
) -> None:
    provider_id = add_provider(session, routing_settings, places, names={"en": "Health NGO"}, areas=[])
    complaint = in_review(session)
    _, staff = reviewer(session)
    routed = route_complaint(
        session, complaint=complaint, provider_id=provider_id, actor=staff, settings=routing_settings,
        places=places, deadline=date(2026, 3, 20), now=NOW,
    )  # fmt: skip
    session.commit()
    # Ulaanbaatar is UTC+8: the end of 20 March there is 16:00 UTC that day.
    assert routed.deadline_at == datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
    session.expire_all()
    stored = session.get(Complaint, complaint.id)
    assert stored is not None and ensure_aware(stored.response_deadline_at) == routed.deadline_at
    [notice] = notices_of(session, complaint_id=complaint.id or 0)
    body = session.get(Notice, notice.id)
    assert body is not None and "What the caller said" in body.body and "Sector: health" in body.body
    assert "by 2026-03-20" in body.subject


def test_refusals_write_nothing(session: Session, routing_settings: Settings, places: PlaceDirectory) -> None:
    active = add_provider(session, routing_settings, places)
    inactive = add_provider(session, routing_settings, places, email="old@khovd.example.mn", active=False)
    _, staff = reviewer(session)
    complaint = in_review(session)
    cases: list[tuple[dict[str, object], type[Exception], str]] = [
        ({"provider_id": 999}, Invalid, "no provider"),
        ({"provider_id": inactive}, Invalid, "deactivated"),
        ({"provider_id": active, "deadline": date(2026, 3, 1)}, Invalid, "has passed"),
        ({"provider_id": active, "deadline": date(2028, 1, 1)}, Invalid, "at most a year"),
    ]
    for kwargs, error, message in cases:
        with pytest.raises(error, match=message):
            route_complaint(session, complaint=complaint, actor=staff, settings=routing_settings, places=places,
                            now=NOW, **kwargs)  # type: ignore[arg-type]  # fmt: skip
        session.rollback()
    transcribed = make_complaint(session, status=ComplaintStatus.TRANSCRIBED)
    with pytest.raises(IllegalTransition):
        route_complaint(session, complaint=transcribed, provider_id=active, actor=staff, settings=routing_settings,
                        places=places, now=NOW)  # fmt: skip
    session.rollback()
    assert session.exec(select(Notice)).all() == []
    assert "complaint_routed" not in audit_actions(session)


def test_rerouting_keeps_the_status_and_notifies_the_new_provider(
    session: Session, routing_settings: Settings, places: PlaceDirectory
) -> None:
    first = add_provider(session, routing_settings, places)
    second = add_provider(session, routing_settings, places, email="dept@khovd.example.mn")
    _, staff = reviewer(session)
    complaint = in_review(session)
    route_complaint(session, complaint=complaint, provider_id=first, actor=staff, settings=routing_settings,
                    places=places, now=NOW)  # fmt: skip
    session.commit()
    again = route_complaint(session, complaint=complaint, provider_id=second, actor=staff, settings=routing_settings,
                            places=places, now=NOW + timedelta(hours=1))  # fmt: skip
    session.commit()
    assert again.complaint.status == ComplaintStatus.ROUTED and again.complaint.provider_id == second
    recipients = [n.recipient for n in session.exec(select(Notice).order_by(col(Notice.id)))]
    assert recipients == ["clinic@khovd.example.mn", "dept@khovd.example.mn"]
    assert audit_actions(session).count("status_changed") == 1


def test_the_deadline_pass_reminds_once_and_flags_overdue_once(
    session: Session, routing_settings: Settings, places: PlaceDirectory
) -> None:
    provider_id = add_provider(session, routing_settings, places)
    _, staff = reviewer(session)
    complaint = in_review(session)
    routed = route_complaint(session, complaint=complaint, provider_id=provider_id, actor=staff,
                             settings=routing_settings, places=places, now=NOW)  # fmt: skip
    session.commit()
    deadline = routed.deadline_at

    def run(at: datetime) -> tuple[list[str], list[str]]:
        report = sweep_deadlines(session, now=at, settings=routing_settings, places=places)
        session.commit()
        return report.reminders, report.overdue

    assert run(deadline - timedelta(days=3, seconds=1)) == ([], [])
    assert run(deadline - timedelta(days=3)) == ([complaint.reference], [])
    assert run(deadline - timedelta(days=1)) == ([], [])  # already reminded
    assert run(deadline) == ([], [complaint.reference])
    assert run(deadline + timedelta(days=2)) == ([], [])

    session.expire_all()
    stored = session.get(Complaint, complaint.id)
    assert stored is not None and ensure_aware(stored.overdue_at) == deadline
    kinds = [n.kind for n in session.exec(select(Notice).order_by(col(Notice.id)))]
    assert kinds == ["routed", "reminder", "overdue"]


def test_a_number_said_or_typed_in_the_transcript_stays_out_of_the_notice(
    session: Session, routing_settings: Settings, places: PlaceDirectory
) -> None:
    provider_id = add_provider(session, routing_settings, places)
    _, staff = reviewer(session)
    said = "Эм алга. Над руу 9911-2233 эсвэл +976 99 11 22 33 дугаараар залгаарай. 2026 онд 3 удаа ирсэн."
    complaint = make_complaint(session, status=ComplaintStatus.IN_REVIEW, transcript_text=said)
    route_complaint(session, complaint=complaint, provider_id=provider_id, actor=staff, settings=routing_settings,
                    places=places, now=NOW)  # fmt: skip
    session.commit()
    body = session.exec(select(Notice)).one().body
    assert "Эм алга. Над руу […] эсвэл […] дугаараар залгаарай. 2026 онд 3 удаа ирсэн." in body
    assert "9911" not in body.replace(complaint.reference, "")


def test_a_complaint_routed_inside_the_reminder_window_gets_no_reminder_but_is_flagged_overdue(
    session: Session, routing_settings: Settings, places: PlaceDirectory
) -> None:
    provider_id = add_provider(session, routing_settings, places)
    _, staff = reviewer(session)
    complaint = in_review(session)
    routed = route_complaint(session, complaint=complaint, provider_id=provider_id, actor=staff,
                             settings=routing_settings, places=places, deadline=date(2026, 3, 3), now=NOW)  # fmt: skip
    session.commit()
    first = sweep_deadlines(session, now=NOW + timedelta(hours=1), settings=routing_settings, places=places)
    session.commit()
    late = sweep_deadlines(session, now=routed.deadline_at, settings=routing_settings, places=places)
    session.commit()
    assert (first.reminders, first.overdue, late.overdue) == ([], [], [complaint.reference])
