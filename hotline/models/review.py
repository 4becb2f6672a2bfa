"""What staff add around a complaint: each status change with who, when and why, and internal notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from hotline.models.common import timestamp


class StatusChange(SQLModel, table=True):
    """One move along the lifecycle; the complaint row holds the current status, this the history."""

    __table_args__ = (
        # The complaint page's history: "changes of complaint X in order".
        Index("ix_statuschange_complaint", "complaint_id", "created_at"),
        # The foreign-key check when a complaint is deleted: without it, a full scan per deleted row.
        Index("ix_statuschange_duplicate_of", "duplicate_of_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    from_status: str = Field(max_length=40)
    to_status: str = Field(max_length=40)
    reason: str = Field(default="", max_length=1000)
    actor_id: int | None = Field(default=None, foreign_key="user.id")  # None: the system (intake, transcription)
    duplicate_of_id: int | None = Field(default=None, foreign_key="complaint.id")
    created_at: datetime = timestamp()


class Note(SQLModel, table=True):
    """An internal note on a complaint: staff only, never aired, published or sent to a provider."""

    __table_args__ = (Index("ix_note_complaint", "complaint_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    author_id: int = Field(foreign_key="user.id")
    text: str = Field(sa_type=Text)
    created_at: datetime = timestamp()
