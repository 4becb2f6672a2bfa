"""What comes back to the caller: providers' responses, the caller's satisfaction, the notices sent out,
and the status line's look-ups (counted to stop reference guessing)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from hotline.models.common import timestamp


class Response(SQLModel, table=True):
    """One version of a provider's answer to a complaint: text and/or audio, appended, never overwritten."""

    __table_args__ = (UniqueConstraint("complaint_id", "version", name="uq_response_complaint_version"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    provider_id: int | None = Field(default=None, foreign_key="provider.id")
    version: int = 1
    text: str = Field(default="", sa_type=Text)
    audio_key: str | None = Field(default=None, max_length=300)  # normalised audio in the audio store
    audio_format: str | None = Field(default=None, max_length=200)
    audio_duration_seconds: float | None = None
    author_id: int | None = Field(default=None, foreign_key="user.id")
    on_behalf: bool = False  # staff typed it for the provider
    created_at: datetime = timestamp()


class Feedback(SQLModel, table=True):
    """A caller's answer to "are you satisfied?" on the status line, once per call."""

    __table_args__ = (
        UniqueConstraint("complaint_id", "twilio_call_sid", name="uq_feedback_call"),
        Index("ix_feedback_complaint", "complaint_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    twilio_call_sid: str = Field(max_length=64)
    satisfied: bool
    created_at: datetime = timestamp()


class Notice(SQLModel, table=True):
    """An email about a complaint (routing notice, reminder, overdue flag): the outbox row the sending job
    works from, so a failed send is retried and shown to staff rather than lost."""

    __table_args__ = (
        # One notice of each kind per complaint, provider and deadline: a re-run of the daily job sends nothing twice.
        UniqueConstraint("complaint_id", "provider_id", "kind", "deadline_at", name="uq_notice_once"),
        # The sweeper: "notices still pending since <cutoff>".
        Index("ix_notice_status_created", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    provider_id: int | None = Field(default=None, foreign_key="provider.id")
    kind: str = Field(max_length=20)  # routed, reminder, overdue
    deadline_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    recipient: str = Field(default="", max_length=320)
    subject: str = Field(default="", max_length=300)
    body: str = Field(default="", sa_type=Text)
    status: str = Field(default="pending", max_length=16)  # pending, sent, recorded (no SMTP), failed
    attempts: int = 0
    last_error: str = Field(default="", max_length=2000)
    created_at: datetime = timestamp()
    sent_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class StatusLookup(SQLModel, table=True):
    """A reference typed on the status line, by whom (keyed hash) and whether it matched: the daily limit
    per caller counts these, so nobody can walk the reference space by phone."""

    __table_args__ = (Index("ix_statuslookup_caller_created", "caller_hash", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    caller_hash: str = Field(max_length=64)
    twilio_call_sid: str = Field(max_length=64)
    found: bool
    created_at: datetime = timestamp()
