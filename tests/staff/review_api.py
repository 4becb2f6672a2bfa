"""Helpers for the review API tests: tokens per role, JSON posts, and counts of what was written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select
from starlette.testclient import TestClient

from hotline import accounts, api_tokens
from hotline.models.providers import Provider


def bearer(session: Session, role: str, email: str | None = None) -> dict[str, str]:
    address = email or f"{role}@example.org"
    if accounts.find_user(session, email=address) is None:
        provider_id = a_provider(session) if role == "provider" else None  # a provider login needs its provider
        accounts.create_user(session, email=address, role=role, provider_id=provider_id)
    return {"Authorization": f"Bearer {api_tokens.create_token(session, email=address).token}"}


def a_provider(session: Session) -> int:
    provider = Provider(names={"en": "Test provider"}, email="provider-contact@example.org")
    session.add(provider)
    session.commit()
    assert provider.id is not None
    return provider.id


def post(client: TestClient, path: str, headers: dict[str, str], body: Any) -> Any:
    return client.post(path, json=body, headers=headers)


def count(session: Session, model: type[SQLModel]) -> int:
    session.rollback()
    session.expire_all()
    return int(session.exec(select(func.count()).select_from(model)).one())
