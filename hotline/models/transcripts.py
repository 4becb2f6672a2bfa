"""Transcripts (machine version 1, human edits after) and the tags that route a complaint."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, UniqueConstraint
from sqlmodel import Field, SQLModel

from hotline.models.common import json_column, timestamp


class TranscriptSource(StrEnum):
    MACHINE = "machine"
    STAFF = "staff"


class Transcript(SQLModel, table=True):
    """One version of a complaint's transcript; versions are appended, never overwritten."""

    __table_args__ = (UniqueConstraint("complaint_id", "version", name="uq_transcript_complaint_version"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    recording_id: int | None = Field(default=None, foreign_key="recording.id")
    version: int = 1
    source: str = Field(default=TranscriptSource.MACHINE, max_length=16)
    text: str = ""
    words: list[dict[str, Any]] | None = json_column()
    mean_confidence: float | None = None
    no_speech: bool = False
    model: str = Field(default="", max_length=200)
    audio_duration_seconds: float | None = None
    decode_seconds: float | None = None
    author_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = timestamp()


class Tag(SQLModel, table=True):
    """A sector or place a complaint is about, with where the claim came from and its evidence."""

    __table_args__ = (UniqueConstraint("complaint_id", "kind", "code", "source", name="uq_tag_identity"),)

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    kind: str = Field(max_length=20)
    code: str = Field(max_length=40, index=True)
    label: str = Field(default="", max_length=200)
    score: float = 1.0
    source: str = Field(max_length=16)  # menu, transcript, staff
    suggested: bool = False
    evidence: dict[str, Any] | None = json_column()
    # A reviewer's verdict on a machine suggestion ("accepted" / "rejected"), by whom and when; tags staff
    # set themselves have source "staff" and their author here.
    decision: str | None = Field(default=None, max_length=16)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = timestamp()
