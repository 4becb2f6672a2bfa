"""Staff versions of a transcript: appended, never overwritten, and never over someone else's newer work.

Version 1 is the recogniser's (or, for a language without a model, the first typed one); every save adds
version N+1 by its author. A save names the version it was based on; if another reviewer saved meanwhile,
the save is refused (OutdatedVersion) rather than silently replacing their words. The check is one
conditional UPDATE of the complaint's version counter, so it holds between processes too, and the unique
(complaint_id, version) constraint backs it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hotline.audit import Actor, AuditAction, record
from hotline.current_transcript import adopt_transcript
from hotline.models import Complaint, ComplaintStatus, Transcript, TranscriptSource, User, utcnow
from hotline.models.common import ensure_aware, saved_id
from hotline.review_errors import Conflict, Invalid
from hotline.review_text import clean_text
from hotline.word_diff import DiffPart, changed_words, word_diff

MAX_TRANSCRIPT_CHARS = 20_000  # a three-minute call is ~500 words; this leaves room for long manual notes
_BUSY = (ComplaintStatus.RECEIVED, ComplaintStatus.TRANSCRIBING)  # the machine may still write version 1


class OutdatedVersion(Conflict):
    """The save was based on a version that is no longer the newest."""

    def __init__(self, reference: str, based_on: int, current: int) -> None:
        super().__init__(
            f"complaint {reference} has transcript version {current} now, but this save was based on version "
            f"{based_on}: reload, check the newer words, and save again"
        )
        self.based_on, self.current = based_on, current


@dataclass(frozen=True)
class TranscriptVersion:
    """One version as staff see it; words and confidence only for the machine's version."""

    version: int
    source: str
    text: str
    author: str | None
    created_at: datetime
    words: list[dict[str, Any]] | None
    mean_confidence: float | None
    diff: list[DiffPart] | None  # against the version before; None for the first


def normalise_transcript(text: str) -> str:
    """NFC, unified line ends, trimmed; control characters and texts over the cap are refused."""
    return clean_text(text, what="transcript", max_chars=MAX_TRANSCRIPT_CHARS)


def save_version(
    session: Session, *, complaint: Complaint, text: str, based_on_version: int, actor: Actor
) -> Transcript:
    """Append the reviewer's text as version based_on_version + 1, make it current and audit it (no commit)."""
    text = normalise_transcript(text)
    previous = _version_text(session, complaint_id=saved_id(complaint), version=based_on_version)
    new_version = based_on_version + 1
    now = utcnow()
    claimed = session.exec(
        update(Complaint)
        .where(
            col(Complaint.id) == complaint.id,
            col(Complaint.transcript_version) == based_on_version,
            col(Complaint.status).not_in(_BUSY),
        )
        .values(transcript_version=new_version, updated_at=now)
    ).rowcount
    if not claimed:
        raise _why_not(session, complaint, based_on_version)
    session.expire(complaint)
    transcript = Transcript(
        complaint_id=saved_id(complaint),
        version=new_version,
        source=TranscriptSource.STAFF,
        text=text,
        author_id=actor.user_id,
        created_at=now,
    )
    session.add(transcript)
    try:
        session.flush()
    except IntegrityError:  # the constraint caught what the counter missed (a row written around it)
        raise OutdatedVersion(complaint.reference, based_on_version, new_version) from None
    adopt_transcript(session, complaint, transcript)
    removed, added = changed_words(word_diff(previous or "", text))
    record(
        session,
        actor,
        AuditAction.TRANSCRIPT_SAVED,
        object_type="complaint",
        object_id=complaint.reference,
        before=f"version {based_on_version}: {len(previous.split()) if previous else 0} words",
        after=f"version {new_version}: {len(text.split())} words ({removed} removed, {added} added)",
    )
    return transcript


def confirm(session: Session, *, complaint: Complaint, based_on_version: int, actor: Actor) -> Transcript:
    """Keep the current words as they are, as a staff version: the complaint then counts as reviewed."""
    current = _version_text(session, complaint_id=saved_id(complaint), version=based_on_version)
    if current is None:
        raise Invalid("there is no transcript to confirm yet: type one and save it")
    return save_version(session, complaint=complaint, text=current, based_on_version=based_on_version, actor=actor)


def list_versions(session: Session, *, complaint_id: int) -> list[TranscriptVersion]:
    """Every version, oldest first, with its author's email and its diff against the one before."""
    rows = session.exec(
        select(Transcript, User.email)
        .outerjoin(User, col(User.id) == col(Transcript.author_id))
        .where(Transcript.complaint_id == complaint_id)
        .order_by(col(Transcript.version))
    ).all()
    versions: list[TranscriptVersion] = []
    previous: str | None = None
    for transcript, email in rows:
        machine = transcript.source == TranscriptSource.MACHINE
        versions.append(
            TranscriptVersion(
                version=transcript.version,
                source=transcript.source,
                text=transcript.text,
                author=email,
                created_at=ensure_aware(transcript.created_at),  # type: ignore[arg-type]
                words=(transcript.words or []) if machine else None,
                mean_confidence=transcript.mean_confidence if machine else None,
                diff=word_diff(previous, transcript.text) if previous is not None else None,
            )
        )
        previous = transcript.text
    return versions


def _version_text(session: Session, *, complaint_id: int, version: int) -> str | None:
    if version < 0:
        raise Invalid(f"based_on_version must be 0 or more, got {version}")
    if version == 0:
        return None
    return session.exec(
        select(Transcript.text).where(Transcript.complaint_id == complaint_id, Transcript.version == version)
    ).first()


def _why_not(session: Session, complaint: Complaint, based_on_version: int) -> Conflict:
    session.expire(complaint)
    if complaint.status in _BUSY:
        return Conflict(f"complaint {complaint.reference} is still being transcribed ({complaint.status}); try later")
    return OutdatedVersion(complaint.reference, based_on_version, complaint.transcript_version)
