"""The weekly radio show: one episode per station and ISO week, and the complaints curated into it.

An episode holds every candidate of its week, not only the chosen ones, so the producer can swap a case in
without re-running the curation, and a re-draft can keep what the producer edited. Build, package and
publication fields are filled by the package job and the publish step; `version` guards the producer's
edits against each other (optimistic concurrency: a PATCH names the version it read).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from hotline.models.common import json_column, status_column, timestamp


class EpisodeStatus(StrEnum):
    DRAFT = "draft"  # curated; the producer edits it; drafting again re-ranks it
    BUILDING = "building"  # the package job is cutting and normalising the audio
    BUILT = "built"  # the package is stored and can be downloaded
    PUBLISHED = "published"  # in the station's feed; its complaints are marked aired


class BuildStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class VoiceTreatment(StrEnum):
    """How the caller's voice airs. A pitch shift can be reversed: re-voicing is the safe choice."""

    ORIGINAL = "original"
    DISGUISED = "disguised"  # pitch and formant shift
    REVOICED = "revoiced"  # the host reads the edited words; no caller audio airs


class AnswerAirs(StrEnum):
    """What of the chosen provider response airs: its recorded audio, or its text read by the host."""

    AUDIO = "audio"
    TEXT = "text"


class Episode(SQLModel, table=True):
    __table_args__ = (
        # One episode per station and week; also serves "a station's episodes, by week" (GET /api/episodes).
        UniqueConstraint("station", "week", name="uq_episode_station_week"),
    )

    id: int | None = Field(default=None, primary_key=True)
    station: str = Field(max_length=40)  # a station code of the deployment
    week: str = Field(max_length=8)  # ISO week, "2026-W48"
    # The producer's air date when the show moves; None: the station's weekday in the week (hotline.air_dates).
    air_date: date | None = None
    status: str = status_column(EpisodeStatus.DRAFT)
    title: str = Field(default="", max_length=300)
    intro: str = Field(default="", sa_type=Text)  # the host's opening lines
    outro: str = Field(default="", sa_type=Text)
    version: int = 1  # bumped by every change a producer or a re-draft makes
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
    drafted_at: datetime = timestamp()  # the curation's last run
    edited_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))  # a producer's last edit
    # The package job's progress, shown on the producer's page and in the 409 of an early download.
    build_status: str | None = Field(default=None, max_length=16)
    build_percent: int = 0
    build_error: str = Field(default="", max_length=2000)
    build_started_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    build_finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # The zip in the audio store.
    package_key: str | None = Field(default=None, max_length=300)
    package_bytes: int | None = None
    package_sha256: str | None = Field(default=None, max_length=64)
    # The feed: published episodes appear in their station's RSS with this stable guid.
    published_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    feed_guid: str | None = Field(default=None, max_length=100)
    # Delivery after a publish (queue_workers.episode_publish_jobs): the feed written and, for a station with
    # AzuraCast, the MP3s uploaded. The error of the last failed try stays here for the producer until a try
    # succeeds (RQ retries); delivered_at is the last success.
    delivery_error: str = Field(default="", max_length=2000)
    delivered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # What AzuraCast has taken of this episode: its path there → the sha256 of the bytes sent. Written after
    # each accepted file, so a retry sends only the files it lacks (or whose bytes changed).
    azuracast_uploaded: dict[str, str] | None = json_column()


class EpisodeSegment(SQLModel, table=True):
    """One candidate complaint of an episode: its rank and why, whether it airs and where, and how."""

    __table_args__ = (
        UniqueConstraint("episode_id", "complaint_id", name="uq_episodesegment_complaint"),
        # Deleting a complaint checks this foreign key (see migration 0005); and "the episodes a complaint was in".
        Index("ix_episodesegment_complaint", "complaint_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    episode_id: int = Field(foreign_key="episode.id")  # served by uq_episodesegment_complaint
    complaint_id: int = Field(foreign_key="complaint.id")
    chosen: bool = False
    position: int | None = None  # order in the show among the chosen segments, from 1
    rank: int = 0  # the curation's order among all candidates, from 1
    score: float = 0.0
    # answered, recurrence + the near-duplicate group's references, overdue days, sector, recency, …
    reasons: dict[str, Any] | None = json_column()
    # The caller's clip: first and last word (0-based) of the current transcript's words; None = from the
    # start / to the end.
    trim_first_word: int | None = None
    trim_last_word: int | None = None
    voice: str = Field(default=VoiceTreatment.ORIGINAL, max_length=16)
    host_lines: str = Field(default="", sa_type=Text)
    response_id: int | None = Field(default=None, foreign_key="response.id")
    answer_airs: str | None = Field(default=None, max_length=8)
    edited: bool = False  # a producer changed it: a re-draft keeps it as it is
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()
