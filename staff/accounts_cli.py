"""`fixmyservice users add|deactivate` and `fixmyservice tokens create|revoke`: thin edges over hotline.accounts
and hotline.api_tokens.

Both migrate first, so an admin can create the first account on a fresh data directory before
the server has ever run. Every change is audited with the actor "cli" (whoever holds the server's
shell). Errors go to stderr with exit status 1; a token is printed as the last line of stdout so
scripts can take it with `tail -n 1`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO, TypeVar

from sqlmodel import Session

from hotline.accounts import AccountError, create_user, deactivate_user
from hotline.api_tokens import create_token, revoke_token
from hotline.audit import Actor
from hotline.db import make_engine, migrate
from hotline.settings import Settings

T = TypeVar("T")
CLI_ACTOR = Actor(user_id=None, label="cli")


def add_user_command(
    settings: Settings,
    *,
    email: str,
    role: str,
    password_stdin: bool,
    stdin: TextIO,
    provider_id: int | None = None,
) -> int:
    """Add a user; with password_stdin the first line of stdin is the password, else the user is token-only.
    A provider login names its provider (`--provider ID`)."""
    password = None
    if password_stdin:
        password = stdin.readline().rstrip("\r\n")
    try:
        user = _with_session(
            settings,
            lambda session: create_user(
                session, email=email, role=role, password=password, actor=CLI_ACTOR, provider_id=provider_id
            ),
        )
    except AccountError as exc:
        print(f"fixmyservice: {exc}", file=sys.stderr)
        return 1
    kind = "with a password" if password is not None else "without a password (API tokens only)"
    of = f" of provider {user.provider_id}" if user.provider_id is not None else ""
    print(f"added {user.role} {user.email}{of} {kind}")
    return 0


def create_token_command(settings: Settings, *, email: str, label: str, stdout: TextIO) -> int:
    """Create an API token for a user and print it, once, as the last line."""
    try:
        issued = _with_session(
            settings, lambda session: create_token(session, email=email, label=label, actor=CLI_ACTOR)
        )
    except AccountError as exc:
        print(f"fixmyservice: {exc}", file=sys.stderr)
        return 1
    print(f"created API token {issued.api_token.id} for {email.strip().lower()}; it is shown only once:", file=stdout)
    print(issued.token, file=stdout)
    return 0


def deactivate_user_command(settings: Settings, *, email: str) -> int:
    """Lock a user out (staff who leave); the account and what it did stay on record."""
    try:
        user = _with_session(settings, lambda session: deactivate_user(session, email=email, actor=CLI_ACTOR))
    except AccountError as exc:
        print(f"fixmyservice: {exc}", file=sys.stderr)
        return 1
    print(f"deactivated {user.email}; their API tokens no longer work")
    return 0


def revoke_token_command(settings: Settings, *, token_id: int) -> int:
    """Revoke one API token by the id printed when it was created."""
    if not _with_session(settings, lambda session: revoke_token(session, token_id=token_id, actor=CLI_ACTOR)):
        print(f"fixmyservice: no live API token with id {token_id}", file=sys.stderr)
        return 1
    print(f"revoked API token {token_id}")
    return 0


def _with_session(settings: Settings, work: Callable[[Session], T]) -> T:
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return work(session)
    finally:
        engine.dispose()
