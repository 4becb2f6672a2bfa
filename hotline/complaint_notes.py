"""Internal notes on a complaint: for staff only, never aired, published or sent to a provider.

A note is kept as written (trimmed, NFC) with its author and time; adding one is audited without its text,
since notes may mention people and the audit log outlives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from hotline.audit import Actor, AuditAction, record
from hotline.models import Complaint, Note, User
from hotline.models.common import ensure_aware, saved_id
from hotline.review_errors import NotPermitted
from hotline.review_text import clean_text

MAX_NOTE_CHARS = 5_000


@dataclass(frozen=True)
class NoteDetail:
    id: int
    author: str | None
    text: str
    created_at: datetime


def add_note(session: Session, *, complaint: Complaint, text: str, actor: Actor) -> Note:
    """Add a note by the actor (a user: notes always have an author) and audit it (no commit)."""
    if actor.user_id is None:
        raise NotPermitted("only a signed-in user can write a note")
    clean = clean_text(text, what="note", max_chars=MAX_NOTE_CHARS, required=True)
    note = Note(complaint_id=saved_id(complaint), author_id=actor.user_id, text=clean)
    session.add(note)
    session.flush()
    record(
        session,
        actor,
        AuditAction.NOTE_ADDED,
        object_type="complaint",
        object_id=complaint.reference,
        after=f"note {note.id} ({len(clean)} characters)",
    )
    return note


def list_notes(session: Session, *, complaint_id: int) -> list[NoteDetail]:
    """The complaint's notes, oldest first, with their authors' emails."""
    rows = session.exec(
        select(Note, User.email)
        .outerjoin(User, col(User.id) == col(Note.author_id))
        .where(Note.complaint_id == complaint_id)
        .order_by(col(Note.created_at), col(Note.id))
    ).all()
    return [
        NoteDetail(id=saved_id(note), author=email, text=note.text, created_at=ensure_aware(note.created_at))  # type: ignore[arg-type]
        for note, email in rows
    ]
