"""Staff, producers and admins, and the API tokens they use (stored only as hashes)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Index
from sqlmodel import Field, SQLModel

from hotline.models.common import timestamp


class Role(StrEnum):
    ADMIN = "admin"  # users, settings, and revealing a caller's number (audited)
    STAFF = "staff"  # review, correct, tag, change status
    PRODUCER = "producer"  # reads reviewed, consented complaints for the radio show
    PROVIDER = "provider"  # a service provider's own staff: sees only what is routed to it (issue 10)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True, index=True)
    display_name: str = Field(default="", max_length=200)
    role: str = Field(default=Role.STAFF, max_length=16)
    password_hash: str = Field(default="", max_length=300)
    password_changed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    language: str = Field(default="en", max_length=16)  # the interface language the user chose
    provider_id: int | None = Field(default=None, foreign_key="provider.id")  # role provider: whose staff
    is_active: bool = True
    created_at: datetime = timestamp()


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    label: str = Field(default="", max_length=200)
    created_at: datetime = timestamp()
    last_used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class WebSession(SQLModel, table=True):
    """A browser login. The cookie holds a random token (signed); the table keeps only its hash, so logging
    out, deactivating a user or changing a password ends sessions at once, on every web process."""

    __table_args__ = (
        # Ending every session of a user (deactivation, password change): "live sessions of user X".
        Index("ix_websession_user_live", "user_id", "revoked_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id")
    created_at: datetime = timestamp()
    last_seen_at: datetime = timestamp()
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    address: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)
