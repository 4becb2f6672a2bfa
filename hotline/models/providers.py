"""Service providers (the clinics, schools, welfare offices and utilities that answer) and what they cover.

Coverage is two small link tables rather than lists in a JSON column: the routing suggestion ("who
covers health in this soum?") is then an indexed join on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from hotline.models.common import json_column, timestamp


class Provider(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    names: dict[str, Any] | None = json_column()  # language code → the provider's name in it
    email: str = Field(default="", max_length=320)  # where routing notices go
    phone: str = Field(default="", max_length=40)
    agreement_signed: bool = False
    agreement_signed_on: date | None = None
    active: bool = True
    created_at: datetime = timestamp()
    updated_at: datetime = timestamp()


class ProviderSector(SQLModel, table=True):
    """A sector a provider answers for."""

    __table_args__ = (
        UniqueConstraint("provider_id", "sector", name="uq_providersector"),
        # Routing suggestion: "providers for sector S".
        Index("ix_providersector_sector", "sector", "provider_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id")
    sector: str = Field(max_length=40)


class ProviderArea(SQLModel, table=True):
    """A place a provider serves: an aimag (area code) or a soum (gazetteer code). None listed: the whole country."""

    __table_args__ = (
        UniqueConstraint("provider_id", "code", name="uq_providerarea"),
        # Routing suggestion: "providers serving this soum or its aimag".
        Index("ix_providerarea_code", "code", "provider_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id")
    code: str = Field(max_length=16)
    level: str = Field(max_length=16)  # "area" or "soum"
