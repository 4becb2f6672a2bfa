"""A phone call, the complaint it produced and the recording that carries the caller's voice."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Index, Text
from sqlmodel import Field, SQLModel

from hotline.models.common import status_column, timestamp


class CallOutcome(StrEnum):
    """Where a call got to; a call that never records leaves no complaint but keeps this."""

    IN_MENU = "in_menu"
    RECORDING = "recording"
    REPORTED = "reported"
    NO_RECORDING = "no_recording"
    STATUS_CHECKED = "status_checked"
    GAVE_UP = "gave_up"  # too many invalid inputs
    HUNG_UP = "hung_up"  # left before recording


class ComplaintStatus(StrEnum):
    """A complaint's lifecycle, modelled on FixMyStreet's; hotline.lifecycle says which moves are allowed."""

    RECEIVED = "received"
    TRANSCRIBING = "transcribing"
    NEEDS_MANUAL_TRANSCRIPTION = "needs_manual_transcription"
    TRANSCRIBED = "transcribed"
    IN_REVIEW = "in_review"
    ROUTED = "routed"
    ANSWERED = "answered"
    AIRED = "aired"
    CLOSED = "closed"
    DUPLICATE = "duplicate"  # duplicate_of names the original
    NOT_ACTIONABLE = "not_actionable"
    FAILED = "failed"


class RecordingStatus(StrEnum):
    PENDING = "pending"  # Twilio told us about it; not yet downloaded
    DOWNLOADING = "downloading"
    STORED = "stored"
    FAILED = "failed"  # download or audio check failed after every retry; reason in last_error
    BROKEN = "broken"  # downloaded and kept, but not decodable audio
    ABSENT = "absent"  # Twilio reported no audio


class Call(SQLModel, table=True):
    """One inbound call, keyed by Twilio's CallSid; every webhook step updates this row."""

    id: int | None = Field(default=None, primary_key=True)
    twilio_call_sid: str = Field(max_length=64, unique=True, index=True)
    # From and To may be SIP URIs or client identities of any length Twilio allows, hence text.
    caller_number_encrypted: str = Field(default="", sa_type=Text)
    caller_hash: str = Field(default="", max_length=64, index=True)  # keyed hash for "same caller" look-ups
    caller_masked: str = Field(default="", sa_type=Text)
    called_number: str = Field(default="", sa_type=Text)
    twilio_status: str = Field(default="ringing", max_length=40)
    outcome: str = status_column(CallOutcome.IN_MENU)
    language: str | None = Field(default=None, max_length=16)
    menu_choice: str | None = Field(default=None, max_length=16)  # "report" or "status"
    sector: str | None = Field(default=None, max_length=40)
    area: str | None = Field(default=None, max_length=16)
    area_source: str | None = Field(default=None, max_length=16)  # typed, preset, unknown
    broadcast_consent: bool | None = None
    duration_seconds: int | None = None
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    ended_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class Complaint(SQLModel, table=True):
    """What a caller reported; at most one per call, found again by its reference number."""

    __table_args__ = (
        # The sweeper: "complaints received or transcribing whose status has not moved since <cutoff>".
        Index("ix_complaint_sweep_status_changed", "status", "status_changed_at"),
        # The inbox: "newest first (created_at, id) among complaints with status / sector / area X",
        # walked backwards by the keyset cursor without a sort.
        Index("ix_complaint_inbox_status", "status", "created_at", "id"),
        Index("ix_complaint_inbox_sector", "sector", "created_at", "id"),
        Index("ix_complaint_inbox_area", "area", "created_at", "id"),
        # The unfiltered inbox and the "same caller" / "similar complaints" panels' date bound.
        Index("ix_complaint_inbox_newest", "created_at", "id"),
        # A provider's own list, and the daily deadline job: "routed to P" / "routed, deadline before T".
        Index("ix_complaint_provider", "provider_id", "created_at", "id"),
        Index("ix_complaint_deadline", "status", "response_deadline_at"),
        # Duplicates of an original (and the foreign-key check when a complaint is deleted, which otherwise
        # scans the whole table per row).
        Index("ix_complaint_duplicate_of", "duplicate_of_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=16, unique=True, index=True)
    call_id: int = Field(foreign_key="call.id", unique=True)
    language: str = Field(max_length=16)
    sector: str | None = Field(default=None, max_length=40)  # indexed with created_at below
    area: str | None = Field(default=None, max_length=16)
    broadcast_consent: bool = False
    status: str = status_column(ComplaintStatus.RECEIVED, index=False)
    status_reason: str = Field(default="", max_length=1000)
    status_changed_at: datetime = timestamp(index=True)
    # A transcription job claims the complaint before decoding; another job may take over only once
    # the lease has expired (its worker died). Attempts count claims, so the sweeper knows when to stop.
    claimed_by: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    transcribe_attempts: int = 0
    soum: str | None = Field(default=None, max_length=16)  # gazetteer code, when staff or the transcript named one
    duplicate_of_id: int | None = Field(default=None, foreign_key="complaint.id")
    # The newest transcript version, copied here in the same transaction that adds it, so the inbox filters
    # and searches one table: its text, the text folded for search (hotline.search), which version it is,
    # and whether staff wrote it (a complaint whose newest version is by staff counts as *reviewed*).
    transcript_text: str = Field(default="", sa_type=Text)
    search_text: str = Field(default="", sa_type=Text)
    transcript_version: int = 0
    reviewed: bool = False
    machine_confidence: float | None = None  # the recogniser's mean word confidence (version 1)
    # Routing and answering: who must answer, by when, and what became of it.
    provider_id: int | None = Field(default=None, foreign_key="provider.id")
    routed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    response_deadline_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    answered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    overdue_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # flagged by the daily job
    closure: str | None = Field(default=None, max_length=20)  # fixed, not_fixed, not_responsible
    aired_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # its episode was published
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class Recording(SQLModel, table=True):
    """The caller's audio: where Twilio holds it, and where and how we stored our copy."""

    __table_args__ = (
        # The sweeper: "pending or downloading recordings not touched since <cutoff>", oldest first.
        Index("ix_recording_sweep_status_updated", "status", "updated_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    twilio_recording_sid: str = Field(max_length=64, unique=True, index=True)
    call_id: int = Field(foreign_key="call.id", index=True)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    source_url: str = Field(default="", sa_type=Text)  # media URLs can be long; Twilio sets no limit
    status: str = status_column(RecordingStatus.PENDING)
    reported_duration_seconds: int | None = None  # what Twilio said
    duration_seconds: float | None = None  # what we measured
    storage_key: str | None = Field(default=None, max_length=300)
    sha256: str | None = Field(default=None, max_length=64)
    audio_format: str | None = Field(default=None, max_length=200)
    size_bytes: int | None = None
    attempts: int = 0
    # An intake job claims the row before downloading (see Complaint.claimed_by).
    claimed_by: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    last_error: str = Field(default="", max_length=2000)
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    stored_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    provider_deleted_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
