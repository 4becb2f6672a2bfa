"""A provider's answer to a complaint, kept in versions like transcripts, and staff closing the case.

Saving the first answer is what moves a routed complaint to `answered` (hotline.lifecycle, with answered_at
set): the response row, the status move, its history and the audit events land in one transaction, so
an answer is never recorded without the status, nor the status without the answer. A later version (a
correction, an added recording) is appended and leaves the status and the first answer's time alone.

The routed provider's own logins answer for it; staff and admins may answer on its behalf (say, from a
letter), which the version records. An answer's audio is normalised before this module sees it
(hotline.answer_audio); it is stored only once every check has passed, and removed again if the row
cannot be written, so a refused answer leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hotline.answer_audio import AUDIO_FORMAT, AnswerAudio, store_answer_audio
from hotline.audio_store import AudioStore
from hotline.audit import Actor, AuditAction, record
from hotline.complaint_audio import StoredAudio
from hotline.lifecycle import change_status
from hotline.models import Complaint, ComplaintStatus, User, utcnow
from hotline.models.answers import Response
from hotline.models.common import saved_id
from hotline.models.users import Role
from hotline.review_errors import Conflict, Invalid, NotPermitted
from hotline.review_text import clean_text

CLOSURES = ("fixed", "not_fixed", "not_responsible")
MAX_RESPONSE_CHARS = 20_000
_ANSWERABLE = frozenset({ComplaintStatus.ROUTED, ComplaintStatus.ANSWERED})
_ON_BEHALF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


@dataclass(frozen=True)
class ResponseVersion:
    """One version of the answer as pages and the API show it."""

    version: int
    text: str
    has_audio: bool
    audio_duration_seconds: float | None
    on_behalf: bool
    author: str | None  # the author's email, for staff; None where the reader may not see other users
    created_at: datetime

    def without_author(self) -> ResponseVersion:
        return replace(self, author=None)


def may_answer(user: User, complaint: Complaint) -> bool:
    """Staff and admins (on the provider's behalf), or a login of the provider the complaint is routed to."""
    if user.role in _ON_BEHALF_ROLES:
        return True
    return user.role == Role.PROVIDER and user.provider_id is not None and user.provider_id == complaint.provider_id


def save_response(
    session: Session,
    *,
    complaint: Complaint,
    user: User,
    actor: Actor,
    text: str,
    audio: AnswerAudio | None = None,
    store: AudioStore | None = None,
) -> Response:
    """Append the next version of the answer; a routed complaint becomes answered (no commit)."""
    if not may_answer(user, complaint):
        raise NotPermitted("only the provider this complaint is routed to, or staff on its behalf, may answer it")
    text = clean_text(text, what="response", max_chars=MAX_RESPONSE_CHARS)
    if not text and audio is None:
        raise Invalid("an answer needs text, an audio file, or both")
    if complaint.provider_id is None or complaint.status not in _ANSWERABLE:
        raise Conflict(f"complaint {complaint.reference} is {complaint.status}; only a routed complaint is answered")
    if audio is not None and store is None:
        raise ValueError("an answer with audio needs the audio store")
    first = complaint.status == ComplaintStatus.ROUTED and _mark_answered(session, complaint, actor)
    stored = store_answer_audio(store, reference=complaint.reference, audio=audio) if audio and store else None
    response = Response(
        complaint_id=saved_id(complaint),
        provider_id=complaint.provider_id,
        version=_next_version(session, saved_id(complaint)),
        text=text,
        audio_key=stored.key if stored else None,
        audio_format=AUDIO_FORMAT if stored else None,
        audio_duration_seconds=audio.duration_seconds if audio else None,
        author_id=actor.user_id,
        on_behalf=user.role in _ON_BEHALF_ROLES,
    )
    session.add(response)
    try:
        session.flush()
    except IntegrityError:  # another answer took this version number first
        if stored is not None and store is not None:
            store.path(stored.key).unlink(missing_ok=True)
        raise Conflict(f"another answer to {complaint.reference} was saved at the same moment; try again") from None
    record(
        session,
        actor,
        AuditAction.RESPONSE_SAVED,
        object_type="complaint",
        object_id=complaint.reference,
        after=_summary(response, first=first),
    )
    return response


def close_complaint(session: Session, *, complaint: Complaint, closure: str, actor: Actor, reason: str = "") -> None:
    """Staff close the case saying how it ended (fixed, not fixed, not the provider's to fix); no commit."""
    if closure not in CLOSURES:
        raise Invalid(f"closure must be one of {', '.join(CLOSURES)}, not {closure!r}")
    before = complaint.closure
    change_status(session, complaint=complaint, to=ComplaintStatus.CLOSED, actor=actor, reason=reason)
    session.exec(update(Complaint).where(col(Complaint.id) == saved_id(complaint)).values(closure=closure))
    session.expire(complaint)
    record(
        session,
        actor,
        AuditAction.COMPLAINT_CLOSED,
        object_type="complaint",
        object_id=complaint.reference,
        before=before or "",
        after=closure,
    )


def list_responses(session: Session, *, complaint: Complaint, provider_id: int | None = None) -> list[ResponseVersion]:
    """Every version of the answer (or only those given for one provider), newest first, with its author's email."""
    query = (
        select(Response, User.email)
        .join(User, col(User.id) == col(Response.author_id), isouter=True)
        .where(Response.complaint_id == saved_id(complaint))
    )
    if provider_id is not None:
        query = query.where(Response.provider_id == provider_id)
    rows = session.exec(query.order_by(col(Response.version).desc())).all()
    return [
        ResponseVersion(
            version=row.version,
            text=row.text,
            has_audio=row.audio_key is not None,
            audio_duration_seconds=row.audio_duration_seconds,
            on_behalf=row.on_behalf,
            author=email,
            created_at=row.created_at,
        )
        for row, email in rows
    ]


def response_audio(
    session: Session, *, complaint: Complaint, version: int, provider_id: int | None = None
) -> StoredAudio | None:
    """The stored WAV of one version of the answer (given for `provider_id`, if named), or None without audio."""
    query = select(Response).where(Response.complaint_id == saved_id(complaint), Response.version == version)
    if provider_id is not None:
        query = query.where(Response.provider_id == provider_id)
    row = session.exec(query).first()
    if row is None or row.audio_key is None:
        return None
    return StoredAudio(storage_key=row.audio_key, media_type="audio/wav", size_bytes=None)


def _mark_answered(session: Session, complaint: Complaint, actor: Actor) -> bool:
    """Move routed → answered with answered_at; False when another answer did so since this one read the
    complaint (two logins of the provider answering at once): this one is then simply the next version."""
    try:
        change_status(session, complaint=complaint, to=ComplaintStatus.ANSWERED, actor=actor, reason="answer saved")
    except Conflict:
        if complaint.status == ComplaintStatus.ANSWERED:  # re-read by change_status
            return False
        raise
    session.exec(update(Complaint).where(col(Complaint.id) == saved_id(complaint)).values(answered_at=utcnow()))
    session.expire(complaint)
    return True


def _next_version(session: Session, complaint_id: int) -> int:
    newest = session.exec(select(func.max(Response.version)).where(Response.complaint_id == complaint_id)).one()
    return int(newest or 0) + 1


def _summary(response: Response, *, first: bool) -> str:
    parts = [f"version {response.version}", f"{len(response.text.split())} words"]
    if response.audio_duration_seconds is not None:
        parts.append(f"audio {response.audio_duration_seconds:.0f} s")
    if response.on_behalf:
        parts.append("on the provider's behalf")
    return ", ".join(parts) + ("; complaint answered" if first else "")
