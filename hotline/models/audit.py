"""The audit log: who did what to which object, when and from where; written in the same transaction as the act."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlmodel import Field, SQLModel

from hotline.models.common import timestamp


class AuditEvent(SQLModel, table=True):
    """One sensitive action. Summaries describe the change; they never hold a caller's number or a password."""

    __table_args__ = (
        # The audit page, newest first, filtered by actor, by action or by object.
        Index("ix_auditevent_created", "created_at"),
        Index("ix_auditevent_actor", "actor_id", "created_at"),
        Index("ix_auditevent_action", "action", "created_at"),
        Index("ix_auditevent_object", "object_type", "object_id", "created_at"),
        # The login rate limit: "failed logins for this address since T" (per account uses ix_auditevent_object).
        Index("ix_auditevent_action_address", "action", "address", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor: str = Field(default="", max_length=320)  # the email at the time, "system" or "anonymous"
    action: str = Field(max_length=64)
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=320)
    before: str = Field(default="", sa_type=Text)
    after: str = Field(default="", sa_type=Text)
    address: str = Field(default="", max_length=64)
    created_at: datetime = timestamp()
