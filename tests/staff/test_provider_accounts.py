"""Provider logins belong to one provider: `fixmyservice users add EMAIL --role provider --provider N`, and
hotline.accounts refuses a provider login without its provider and a provider id on any other role."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from hotline import accounts
from hotline.accounts import AccountError
from hotline.audit import Actor
from hotline.models import AuditEvent
from tests.conftest import reread
from tests.staff.review_api import a_provider
from tests.staff.test_accounts import cli_env, run_cli  # noqa: F401 - cli_env is a fixture


@pytest.mark.usefixtures("cli_env")
def test_the_cli_adds_a_provider_login_tied_to_its_provider(
    monkeypatch: pytest.MonkeyPatch,
    session: Session,
    capsys: pytest.CaptureFixture[str],
) -> None:
    provider_id = a_provider(session)
    argv = ["users", "add", "Nurse@Khovd.example.mn", "--role", "provider", "--provider", str(provider_id)]
    assert run_cli(monkeypatch, argv) == 0
    assert f"added provider nurse@khovd.example.mn of provider {provider_id}" in capsys.readouterr().out
    reread(session)
    user = accounts.find_user(session, email="nurse@khovd.example.mn")
    assert user is not None and user.role == "provider" and user.provider_id == provider_id
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "user_added")).one()
    assert event.actor == "cli" and event.after == f"role=provider provider={provider_id}"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--role", "provider"], "needs its provider"),
        (["--role", "provider", "--provider", "9999"], "no provider with id 9999"),
        (["--role", "staff", "--provider", "{provider}"], "only a provider login belongs to a provider"),
    ],
)
@pytest.mark.usefixtures("cli_env")
def test_the_cli_refuses_a_provider_login_without_a_real_provider_and_a_provider_on_other_roles(
    monkeypatch: pytest.MonkeyPatch,
    session: Session,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    provider_id = a_provider(session)
    args = [a.replace("{provider}", str(provider_id)) for a in argv]
    assert run_cli(monkeypatch, ["users", "add", "someone@example.org", *args]) == 1
    assert message in capsys.readouterr().err
    reread(session)
    assert accounts.find_user(session, email="someone@example.org") is None


def test_create_user_checks_the_provider(session: Session) -> None:
    provider_id = a_provider(session)
    with pytest.raises(AccountError, match="needs its provider"):
        accounts.create_user(session, email="a@example.org", role="provider")
    with pytest.raises(AccountError, match="only a provider login"):
        accounts.create_user(session, email="b@example.org", role="admin", provider_id=provider_id)
    made = accounts.create_user(session, email="c@example.org", role="provider", provider_id=provider_id)
    assert made.provider_id == provider_id


def test_a_role_change_keeps_provider_ties_consistent(session: Session) -> None:
    admin = accounts.create_user(session, email="admin@example.org", role="admin")
    actor = Actor.of(admin)
    staff = accounts.create_user(session, email="staff@example.org", role="staff")
    with pytest.raises(AccountError, match="needs its provider"):
        accounts.change_role(session, email=staff.email, role="provider", actor=actor)
    nurse = accounts.create_user(session, email="n@example.org", role="provider", provider_id=a_provider(session))
    moved = accounts.change_role(session, email=nurse.email, role="staff", actor=actor)
    assert moved.role == "staff" and moved.provider_id is None
