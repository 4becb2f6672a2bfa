"""A partner radio station's settings in the deployment file: its areas and language, when its show airs,
its jingles, loudness and AzuraCast upload.

Kept apart from the call flow's settings (hotline.deployment, which lists the stations) because only the
weekly show reads them. StrictModel is the base every section of a deployment file shares.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator


class StrictModel(BaseModel):
    """A section of a deployment file: an unknown key (a typo) stops start-up, and values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


STATION_CODE = r"^[a-z0-9][a-z0-9_-]{0,39}$"  # in URLs, job ids and feed paths
ENV_NAME = r"^[A-Z_][A-Z0-9_]{0,99}$"
CLOCK_TIME = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"  # "HH:MM", 24-hour
JINGLE_KINDS = ("intro", "outro", "between")


class Jingles(StrictModel):
    """Audio files the rough cut plays around the segments, relative to the deployment file (all optional)."""

    intro: str | None = None
    outro: str | None = None
    between: str | None = None

    @field_validator("intro", "outro", "between")
    @classmethod
    def _relative(cls, v: str | None) -> str | None:
        if v is not None and (Path(v).is_absolute() or ".." in Path(v).parts or not v.strip()):
            raise ValueError(f"a jingle is a file under the deployment directory, got {v!r}")
        return v


class AzuraCast(StrictModel):
    """Where a station's MP3s may be uploaded; the API key is read from the named environment variable, so no
    secret ever sits in a deployment file."""

    base_url: str
    station_id: int = Field(ge=1)
    api_key_env: str = Field(pattern=ENV_NAME, description="an environment variable's name (A-Z, 0-9, _)")

    @field_validator("base_url")
    @classmethod
    def _http(cls, v: str) -> str:
        if not v.startswith(("https://", "http://")) or any(ch.isspace() for ch in v):
            raise ValueError(f"base_url must be an http(s) URL, got {v!r}")
        return v.rstrip("/")


class Station(StrictModel):
    """A partner radio station airing the weekly dialogue show: its episodes draw on the areas it serves."""

    code: str = Field(pattern=STATION_CODE, description="1-40 of a-z, 0-9, '-', '_' (a letter or digit first)")
    name: str
    language: str  # a language of the deployment: host lines and place names are drafted in it
    areas: list[str] = Field(default_factory=list, description="area codes served; none = the whole country")
    segments: int = Field(default=6, ge=1, le=30, description="segments chosen when an episode is drafted")
    hotline_number: str = ""  # the number the show announces, when it differs from the deployment's
    jingles: Jingles = Field(default_factory=Jingles)
    azuracast: AzuraCast | None = None
    # The package's loudness when this station's differs from the deployment's settings (EPISODE_LOUDNESS_LUFS,
    # EPISODE_TRUE_PEAK_DBTP): e.g. -16 LUFS for a station that only publishes a podcast.
    loudness_lufs: float | None = Field(default=None, gt=-70.0, lt=0.0)
    true_peak_dbtp: float | None = Field(default=None, ge=-20.0, le=0.0)
    # When the show airs, in the deployment's time zone: the weekday of each episode's ISO week (1 = Monday …
    # 7 = Sunday) and the local time. The run sheet, the audio's dates and "aired on" follow it (hotline.air_dates).
    air_weekday: int = Field(default=7, ge=1, le=7, description="ISO weekday: 1 = Monday … 7 = Sunday")
    air_time: str = Field(default="12:00", description='local time, "HH:MM" (24-hour)')

    @field_validator("air_time")
    @classmethod
    def _clock(cls, v: str) -> str:
        if not re.fullmatch(CLOCK_TIME, v):
            raise ValueError(f'air_time is the local time as "HH:MM" (24-hour, 00:00 to 23:59), got {v!r}')
        return v

    def air_clock(self) -> time:
        """`air_time` as a time of day (already checked)."""
        hours, minutes = self.air_time.split(":")
        return time(int(hours), int(minutes))
