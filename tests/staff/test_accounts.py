"""Accounts: password hashing, users, API tokens, and the `users add` / `tokens create` commands."""

from __future__ import annotations

import hashlib
import io
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient

from fixmyservice.cli import main
from hotline import accounts, api_tokens, passwords
from hotline.db import make_engine
from hotline.models import ApiToken, User

PASSWORD = "correct horse battery"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, engine: Engine) -> Path:
    """Environment for `fixmyservice` pointing at the test database (the one the `client` app uses).

    Asking for `engine` makes the shared clean-up empty the tables the command wrote to.
    """
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "cli-data"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    return tmp_path / "cli-data"


def run_cli(monkeypatch: pytest.MonkeyPatch, argv: list[str], *, stdin: str = "") -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


# --- passwords ---------------------------------------------------------------------------------------


def test_password_hash_verifies_and_rejects_wrong_password():
    encoded = passwords.hash_password(PASSWORD)
    scheme, n, r, p, salt, digest = encoded.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**15), "8", "1")
    assert PASSWORD not in encoded and salt and digest
    assert passwords.verify_password(PASSWORD, encoded)
    assert not passwords.verify_password(PASSWORD + "!", encoded)
    assert not passwords.verify_password("", encoded)


def test_same_password_gets_a_different_salt_each_time():
    assert passwords.hash_password(PASSWORD) != passwords.hash_password(PASSWORD)


@pytest.mark.parametrize(
    "stored", ["", "plain-text", "scrypt$1$8$1$c2FsdA$ZGlnZXN0", "scrypt$99999999$8$1$c2FsdA$ZGlnZXN0", "md5$x$y$z$a$b"]
)
def test_malformed_or_empty_hash_never_verifies(stored: str):
    assert not passwords.verify_password(PASSWORD, stored)


# --- users and tokens --------------------------------------------------------------------------------


def test_create_user_normalises_email_and_stores_only_a_hash(session: Session):
    user = accounts.create_user(session, email="  Ana@Example.ORG ", role="admin", password=PASSWORD)
    assert (user.email, user.role, user.is_active) == ("ana@example.org", "admin", True)
    assert user.password_hash != PASSWORD and passwords.verify_password(PASSWORD, user.password_hash)


def test_user_without_password_cannot_log_in_with_any_password(session: Session):
    user = accounts.create_user(session, email="bot@example.org", role="producer")
    assert user.password_hash == ""
    assert not passwords.verify_password("", user.password_hash)


@pytest.mark.parametrize(
    ("email", "role", "password", "message"),
    [
        ("not-an-email", "staff", None, "valid email"),
        ("a@b", "staff", None, "valid email"),
        ("two@@example.org", "staff", None, "valid email"),
        ("ana@example.org", "owner", None, "unknown role"),
        ("ana@example.org", "staff", "short", "at least 12"),
    ],
)
def test_create_user_refuses_bad_input(session: Session, email: str, role: str, password: str | None, message: str):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.create_user(session, email=email, role=role, password=password)
    assert session.exec(select(User)).all() == []


def test_duplicate_email_is_refused_whatever_its_case(session: Session):
    accounts.create_user(session, email="ana@example.org", role="staff")
    with pytest.raises(accounts.DuplicateUserError, match="already exists"):
        accounts.create_user(session, email="ANA@example.org", role="admin")
    assert len(session.exec(select(User)).all()) == 1


def test_token_is_stored_only_as_its_sha256(session: Session):
    accounts.create_user(session, email="ana@example.org", role="staff")
    issued = api_tokens.create_token(session, email="ana@example.org", label="laptop")
    assert issued.token.startswith("fms_") and len(issued.token) > 40
    row = session.exec(select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(issued.token.encode()).hexdigest() != issued.token
    assert issued.token not in row.token_hash and row.label == "laptop"


def test_authenticate_token_finds_the_user_and_notes_last_use(session: Session):
    user = accounts.create_user(session, email="ana@example.org", role="staff")
    issued = api_tokens.create_token(session, email=user.email)
    assert issued.api_token.last_used_at is None

    found = api_tokens.authenticate_token(session, token=issued.token)
    assert found is not None and found.id == user.id
    session.refresh(issued.api_token)
    first_use = issued.api_token.last_used_at
    assert first_use is not None

    # Within the resolution a second use does not write again; after it, it does.
    assert api_tokens.authenticate_token(session, token=issued.token) is not None
    session.refresh(issued.api_token)
    assert issued.api_token.last_used_at == first_use
    issued.api_token.last_used_at = first_use - api_tokens.LAST_USED_RESOLUTION - timedelta(seconds=1)
    session.add(issued.api_token)
    session.commit()
    assert api_tokens.authenticate_token(session, token=issued.token) is not None
    session.refresh(issued.api_token)
    assert issued.api_token.last_used_at is not None and issued.api_token.last_used_at > first_use - timedelta(
        seconds=1
    )


def test_revoked_unknown_and_inactive_tokens_are_refused(session: Session):
    user = accounts.create_user(session, email="ana@example.org", role="staff")
    revoked = api_tokens.create_token(session, email=user.email)
    kept = api_tokens.create_token(session, email=user.email)
    assert revoked.api_token.id is not None
    assert api_tokens.revoke_token(session, token_id=revoked.api_token.id)
    assert not api_tokens.revoke_token(session, token_id=revoked.api_token.id)

    assert api_tokens.authenticate_token(session, token=revoked.token) is None
    assert api_tokens.authenticate_token(session, token=kept.token) is not None
    assert api_tokens.authenticate_token(session, token=kept.token + "x") is None
    assert api_tokens.authenticate_token(session, token="") is None

    user.is_active = False
    session.add(user)
    session.commit()
    assert api_tokens.authenticate_token(session, token=kept.token) is None
    with pytest.raises(accounts.UnknownUserError, match="not active"):
        api_tokens.create_token(session, email=user.email)


# --- commands ----------------------------------------------------------------------------------------


def test_users_add_on_a_fresh_data_dir_migrates_first(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    data_dir = tmp_path / "fresh"
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)

    assert (
        run_cli(
            monkeypatch,
            ["users", "add", "ana@example.org", "--role", "admin", "--password-stdin"],
            stdin=PASSWORD + "\n",
        )
        == 0
    )
    assert "added admin ana@example.org" in capsys.readouterr().out

    engine = make_engine(f"sqlite:///{(data_dir / 'fixmyservice.sqlite3').resolve()}")
    try:
        with Session(engine) as s:
            user = s.exec(select(User)).one()
            assert (user.email, user.role) == ("ana@example.org", "admin")
            assert passwords.verify_password(PASSWORD, user.password_hash)
            assert not passwords.verify_password(PASSWORD + "\n", user.password_hash)
    finally:
        engine.dispose()


def test_cli_user_and_token_work_against_the_api(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], client: TestClient
):
    assert run_cli(monkeypatch, ["users", "add", "ana@example.org", "--role", "producer"]) == 0
    capsys.readouterr()

    assert run_cli(monkeypatch, ["tokens", "create", "ana@example.org", "--label", "radio laptop"]) == 0
    out = capsys.readouterr().out
    token = out.strip().splitlines()[-1]
    assert token.startswith("fms_") and " " not in token

    response = client.get("/api/menu", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["country"] == "MN"


def test_cli_refuses_duplicate_user(cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    assert run_cli(monkeypatch, ["users", "add", "ana@example.org"]) == 0
    capsys.readouterr()
    assert run_cli(monkeypatch, ["users", "add", "Ana@example.org", "--role", "admin"]) == 1
    captured = capsys.readouterr()
    assert "already exists" in captured.err and captured.out == ""


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["users", "add", "ana@example.org", "--password-stdin"], "too short\n", "at least 12"),
        (["users", "add", "ana@example.org", "--password-stdin"], "", "at least 12"),
        (["users", "add", "ana.example.org"], "", "valid email"),
        (["tokens", "create", "nobody@example.org"], "", "no user"),
    ],
)
def test_cli_errors_exit_1_with_a_message(
    cli_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    session: Session,
    argv: list[str],
    stdin: str,
    message: str,
):
    assert run_cli(monkeypatch, argv, stdin=stdin) == 1
    captured = capsys.readouterr()
    assert message in captured.err and "fms_" not in captured.out
    assert session.exec(select(User)).all() == []


def test_cli_revokes_a_token_and_deactivates_a_user(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], client: TestClient
):
    """An admin can cut off one lost laptop's token, or a departed staff member, from the command line."""
    assert run_cli(monkeypatch, ["users", "add", "bat@example.org"]) == 0
    tokens = []
    for label in ("office", "laptop"):
        assert run_cli(monkeypatch, ["tokens", "create", "bat@example.org", "--label", label]) == 0
        header, token = capsys.readouterr().out.strip().splitlines()[-2:]
        tokens.append((int(header.split()[3]), token))
    (office_id, office), (laptop_id, laptop) = tokens

    def status(token: str) -> int:
        return client.get("/api/menu", headers={"Authorization": f"Bearer {token}"}).status_code

    assert run_cli(monkeypatch, ["tokens", "revoke", str(laptop_id)]) == 0
    assert (status(office), status(laptop)) == (200, 401)
    assert run_cli(monkeypatch, ["tokens", "revoke", str(laptop_id)]) == 1
    assert f"no live API token with id {laptop_id}" in capsys.readouterr().err

    assert run_cli(monkeypatch, ["users", "deactivate", "Bat@example.org"]) == 0
    assert status(office) == 401
    assert run_cli(monkeypatch, ["tokens", "create", "bat@example.org"]) == 1
    assert run_cli(monkeypatch, ["users", "deactivate", "nobody@example.org"]) == 1
    assert office_id != laptop_id
