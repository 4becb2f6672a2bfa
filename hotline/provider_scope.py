"""What a provider's login may see: the one place that decides it, so the pages and the API cannot disagree.

A provider's staff see the complaints routed to their organisation, and of each only what they need to
answer it: the reference, status, sector, area and soum (never a finer place), the deadline, the current
reviewed transcript, their own answers, and the caller's recording only where the deployment allows it
(PROVIDERS_HEAR_AUDIO). Nothing else leaves this module: no caller number in any form (the masked one is
personal data too), no internal notes, no status history or audit trail, no other user, no tags' evidence,
and no complaint of another provider. Every query filters on the user's provider in SQL, so another
provider's complaint is never even loaded; a user without a provider sees nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from hotline.complaint_audio import StoredAudio, stored_audio
from hotline.complaint_queries import as_utc
from hotline.inbox_queries import Cursor
from hotline.models import Complaint, ComplaintStatus, User, utcnow
from hotline.models.common import ensure_aware
from hotline.models.users import Role
from hotline.responses import ResponseVersion, list_responses, response_audio

MAX_PAGE = 200


@dataclass(frozen=True)
class ProviderCase:
    """One complaint as its provider's list shows it."""

    reference: str
    status: str
    language: str
    sector: str | None
    area: str | None
    soum: str | None
    created_at: datetime
    routed_at: datetime | None
    response_deadline_at: datetime | None
    answered_at: datetime | None
    overdue: bool
    closure: str | None


@dataclass(frozen=True)
class ProviderCaseDetail:
    """One complaint as its provider's staff read and answer it."""

    case: ProviderCase
    transcript_text: str
    transcript_version: int
    reviewed: bool
    audio_available: bool  # the caller's recording may be played (deployment allows it, and it is stored)
    responses: list[ResponseVersion]


def provider_of(user: User) -> int | None:
    """The provider whose complaints this user may see; None (nothing at all) for other roles or an unlinked login."""
    return user.provider_id if user.role == Role.PROVIDER and user.is_active else None


def find_case(session: Session, *, user: User, reference: str) -> Complaint | None:
    """The complaint if it is routed to the user's provider; None otherwise (so it reads as not existing)."""
    provider_id = provider_of(user)
    if provider_id is None:
        return None
    return session.exec(
        select(Complaint).where(Complaint.reference == reference, Complaint.provider_id == provider_id)
    ).first()


def list_cases(
    session: Session, *, user: User, limit: int = 50, after: Cursor | None = None
) -> tuple[list[ProviderCase], Cursor | None]:
    """The provider's complaints, newest first, one keyset page (served by ix_complaint_provider)."""
    provider_id = provider_of(user)
    if provider_id is None:
        return [], None
    query = select(Complaint).where(Complaint.provider_id == provider_id)
    if after is not None:
        at = as_utc(after.created_at)
        query = query.where(
            or_(col(Complaint.created_at) < at, and_(col(Complaint.created_at) == at, col(Complaint.id) < after.id))
        )
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(
        session.exec(query.order_by(col(Complaint.created_at).desc(), col(Complaint.id).desc()).limit(limit + 1))
    )
    page = rows[:limit]
    cursor = None
    if len(rows) > limit:
        last = page[-1]
        assert last.id is not None
        cursor = Cursor(created_at=as_utc(last.created_at), id=last.id)
    now = utcnow()
    return [case_of(row, now=now) for row in page], cursor


def case_detail(session: Session, *, user: User, reference: str, hear_audio: bool) -> ProviderCaseDetail | None:
    """Everything the provider may read of one complaint, or None when it is not theirs."""
    complaint = find_case(session, user=user, reference=reference)
    if complaint is None:
        return None
    return ProviderCaseDetail(
        case=case_of(complaint, now=utcnow()),
        transcript_text=complaint.transcript_text,
        transcript_version=complaint.transcript_version,
        reviewed=complaint.reviewed,
        audio_available=hear_audio and stored_audio(session, complaint=complaint) is not None,
        responses=readable_responses(session, user=user, complaint=complaint),
    )


def caller_audio(session: Session, *, user: User, reference: str, hear_audio: bool) -> StoredAudio | None:
    """The caller's recording for the provider's player: only where the deployment allows it, only their own."""
    if not hear_audio:
        return None
    complaint = find_case(session, user=user, reference=reference)
    return stored_audio(session, complaint=complaint) if complaint is not None else None


def readable_responses(session: Session, *, user: User, complaint: Complaint) -> list[ResponseVersion]:
    """The answers this user may read: all of them, with authors, for staff; for a provider's login only
    those its own organisation gave (a complaint routed on from another provider keeps that one's answers
    to itself), without naming any user."""
    if user.role != Role.PROVIDER:
        return list_responses(session, complaint=complaint)
    own = list_responses(session, complaint=complaint, provider_id=_own_provider(user))
    return [version.without_author() for version in own]


def readable_answer_audio(session: Session, *, user: User, complaint: Complaint, version: int) -> StoredAudio | None:
    """One version's recorded answer, if this user may hear it (a provider: only its organisation's)."""
    if user.role != Role.PROVIDER:
        return response_audio(session, complaint=complaint, version=version)
    return response_audio(session, complaint=complaint, version=version, provider_id=_own_provider(user))


def _own_provider(user: User) -> int:
    # -1 matches no row: a provider's login without a provider reads nothing rather than everything.
    provider_id = provider_of(user)
    return provider_id if provider_id is not None else -1


def case_of(complaint: Complaint, *, now: datetime) -> ProviderCase:
    return ProviderCase(
        reference=complaint.reference,
        status=complaint.status,
        language=complaint.language,
        sector=complaint.sector,
        area=complaint.area,
        soum=complaint.soum,
        created_at=complaint.created_at,
        routed_at=complaint.routed_at,
        response_deadline_at=complaint.response_deadline_at,
        answered_at=complaint.answered_at,
        overdue=is_overdue(complaint, now=now),
        closure=complaint.closure,
    )


def is_overdue(complaint: Complaint, *, now: datetime) -> bool:
    """Flagged by the daily job, or past its deadline and still waiting for the answer."""
    if complaint.overdue_at is not None and complaint.status == ComplaintStatus.ROUTED:
        return True
    deadline = ensure_aware(complaint.response_deadline_at)
    return complaint.status == ComplaintStatus.ROUTED and deadline is not None and deadline < now
