"""Staff accounts: users, their roles, provider logins and passwords, and what an admin does to them.

Every change an admin (or the `fixmyservice` command, actor "cli") makes to an account is audited in the
same commit as the change; changes that should lock a browser out also end the user's web sessions.
How a password is hashed is hotline.passwords; API tokens are hotline.api_tokens.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hotline.audit import Actor, AuditAction, record
from hotline.models import Role, User, utcnow
from hotline.models.common import saved_id
from hotline.models.providers import Provider
from hotline.passwords import generate_password, hash_password, verify_password
from hotline.web_sessions import end_user_sessions

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


class AccountError(ValueError):
    """An account operation refused for a reason the admin can fix; the message says which."""


class DuplicateUserError(AccountError):
    pass


class UnknownUserError(AccountError):
    pass


class WrongPasswordError(AccountError):
    """The current password given to change it does not match."""


class ProviderLoginError(AccountError):
    """A provider login without its provider, or a provider named for another role."""


class LastAdminError(AccountError):
    """The change would leave no active admin, and nobody could manage users any more."""


def normalise_email(email: str) -> str:
    """Trim and lower-case an address, or raise AccountError when it is not shaped like one."""
    clean = email.strip().lower()
    if len(clean) > 320 or not _EMAIL.match(clean):
        raise AccountError(f"not a valid email address: {email!r}")
    return clean


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"password must be at most {MAX_PASSWORD_LENGTH} characters")


def create_user(
    session: Session,
    *,
    email: str,
    role: Role | str,
    password: str | None = None,
    display_name: str = "",
    actor: Actor | None = None,
    provider_id: int | None = None,
) -> User:
    """Add a user; without a password the account can only use API tokens. Audited when an actor is given.

    A provider login belongs to exactly one provider (it sees that provider's complaints and nothing else);
    no other role has one, so a staff account can never be mistaken for a provider's."""
    clean = normalise_email(email)
    _check_role(role)
    _check_provider(session, role, provider_id)
    if password is not None:
        check_password_strength(password)
    if find_user(session, email=clean) is not None:
        raise DuplicateUserError(f"a user with email {clean} already exists")
    user = User(
        email=clean,
        role=Role(role),
        display_name=display_name.strip()[:200],
        password_hash=hash_password(password) if password is not None else "",
        password_changed_at=utcnow() if password is not None else None,
        provider_id=provider_id,
    )
    session.add(user)
    if actor is not None:
        after = f"role={user.role}" + (f" provider={provider_id}" if provider_id is not None else "")
        record(session, actor, AuditAction.USER_ADDED, **_user_object(clean), after=after)
    try:
        session.commit()
    except IntegrityError as exc:  # lost a race with another `users add`
        session.rollback()
        raise DuplicateUserError(f"a user with email {clean} already exists") from exc
    return user


def find_user(session: Session, *, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def deactivate_user(session: Session, *, email: str, actor: Actor | None = None) -> User:
    """Lock an account out at once (its tokens and web sessions stop working too) while keeping it for the
    audit trail. Audited when an actor is given."""
    user = existing_user(session, email=email)
    if user.role == Role.ADMIN and user.is_active:
        _keep_an_admin(session, leaving=user)
    user.is_active = False
    session.add(user)
    end_user_sessions(session, user_id=saved_id(user))
    if actor is not None:
        record(session, actor, AuditAction.USER_DEACTIVATED, **_user_object(user.email))
    session.commit()
    return user


def change_own_password(
    session: Session, *, user: User, current: str, new: str, actor: Actor, keep_session_id: int | None
) -> None:
    """A user changes their own password: the current one must match; every other session of theirs ends
    (a thief who had one is out), the one they changed it from stays. Audited, one commit."""
    if not verify_password(current, user.password_hash):
        raise WrongPasswordError("the current password is not correct")
    check_password_strength(new)
    _set_password(user, new)
    session.add(user)
    end_user_sessions(session, user_id=saved_id(user), keep_session_id=keep_session_id)
    record(session, actor, AuditAction.PASSWORD_CHANGED, **_user_object(user.email))
    session.commit()


def reset_password(session: Session, *, email: str, actor: Actor) -> str:
    """Give a user a new random password, shown once to the admin to pass on; ends all their sessions."""
    user = existing_user(session, email=email)
    temporary = generate_password()
    _set_password(user, temporary)
    session.add(user)
    end_user_sessions(session, user_id=saved_id(user))
    record(session, actor, AuditAction.PASSWORD_RESET, **_user_object(user.email))
    session.commit()
    return temporary


def change_role(session: Session, *, email: str, role: Role | str, actor: Actor) -> User:
    """Give a user another role; it applies from their next request (roles are read on every request)."""
    _check_role(role)
    user = existing_user(session, email=email)
    if user.role == role:
        return user
    if role == Role.PROVIDER and user.provider_id is None:
        raise ProviderLoginError("a provider login needs its provider: add a new login for the provider instead")
    if user.role == Role.ADMIN and user.is_active:
        _keep_an_admin(session, leaving=user)
    before, user.role = user.role, Role(role)
    if user.role != Role.PROVIDER:
        user.provider_id = None  # a former provider login keeps no tie to the organisation
    session.add(user)
    record(
        session,
        actor,
        AuditAction.USER_CHANGED,
        **_user_object(user.email),
        before=f"role={before}",
        after=f"role={user.role}",
    )
    session.commit()
    return user


def reactivate_user(session: Session, *, email: str, actor: Actor) -> User:
    """Let a deactivated user back in (their old sessions stay ended; tokens they had work again)."""
    user = existing_user(session, email=email)
    if user.is_active:
        return user
    user.is_active = True
    session.add(user)
    record(session, actor, AuditAction.USER_CHANGED, **_user_object(user.email), before="inactive", after="active")
    session.commit()
    return user


def set_language(session: Session, *, user: User, language: str) -> None:
    """Remember the interface language a user chose (which languages exist is the interface's business)."""
    user.language = language[:16]
    session.add(user)
    session.commit()


def list_users(session: Session) -> list[User]:
    """Every account, active ones first, then by email: the admin's users page."""
    return list(session.exec(select(User).order_by(col(User.is_active).desc(), col(User.email))))


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


def existing_user(session: Session, *, email: str) -> User:
    """The user with this email, or UnknownUserError."""
    user = find_user(session, email=email)
    if user is None:
        raise UnknownUserError(f"no user with email {email.strip().lower()}")
    return user


def _check_role(role: str) -> None:
    if role not in set(Role):
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(Role)}")


def _check_provider(session: Session, role: str, provider_id: int | None) -> None:
    if role != Role.PROVIDER:
        if provider_id is not None:
            raise ProviderLoginError(f"only a provider login belongs to a provider; a {role} account has none")
        return
    if provider_id is None:
        raise ProviderLoginError("a provider login needs its provider: give the provider's id")
    if session.get(Provider, provider_id) is None:
        raise ProviderLoginError(f"no provider with id {provider_id}")


def _keep_an_admin(session: Session, *, leaving: User) -> None:
    """Refuse to demote or deactivate the last active admin: nobody could add users or fix roles after."""
    others = session.exec(
        select(User.id).where(User.role == Role.ADMIN, User.is_active == True, User.id != leaving.id)  # noqa: E712
    ).first()
    if others is None:
        raise LastAdminError(f"{leaving.email} is the last active admin; make another admin first")


def _user_object(email: str) -> dict[str, str]:
    return {"object_type": "user", "object_id": email}
