"""Complaints as the radio curation finds them: reviewed by staff, consented or not, in a given week."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from hotline.iso_weeks import parse_week
from hotline.models import Complaint
from tests.factories import make_complaint, make_transcript

WEEK = parse_week("2026-W48")
WEEK_START, WEEK_END = WEEK.bounds("Asia/Ulaanbaatar")  # the Mongolian deployment's week
NOW = WEEK_END - timedelta(hours=4)
CLINIC = "Буянт сумын эмнэлэгт эм байхгүй, эмч долоо хоногт нэг л ирдэг"
SCHOOL = "Сургуулийн барилга халаалтгүй, хүүхдүүд ангидаа даарч байна"


def reviewed(
    session: Session,
    text: str = CLINIC,
    *,
    day: float = 2,
    consent: bool = True,
    staff_reviewed: bool = True,
    **overrides: Any,
) -> Complaint:
    """A complaint made `day` days into the week whose current transcript is by staff (or only the machine's)."""
    created: datetime = WEEK_START + timedelta(days=day)
    values: dict[str, Any] = {"status": "in_review", "created_at": created, "broadcast_consent": consent}
    complaint = make_complaint(session, **{**values, **overrides})
    make_transcript(session, complaint, version=1, source="staff" if staff_reviewed else "machine", text=text)
    session.refresh(complaint)
    return complaint
