"""The admins' users page: list, add, change role, deactivate, reactivate, reset password.

Each change is one call into hotline.accounts, which audits it in the same commit and ends the user's
sessions where it should. A generated password is shown once, in the response to the post that made
it, and never put in a URL or the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from hotline import accounts, passwords
from hotline.accounts import AccountError, DuplicateUserError, LastAdminError, ProviderLoginError
from hotline.audit import Actor
from hotline.models import Role, User
from hotline.providers import list_providers
from staff.web.account import password_problem
from staff.web.i18n import N_
from staff.web.page_request import PageError, PageRequest

ROLE_LABELS: Mapping[str, str] = {
    Role.ADMIN: N_("Admin"),
    Role.STAFF: N_("Staff"),
    Role.PRODUCER: N_("Producer"),
    Role.PROVIDER: N_("Service provider"),
}


def users_page(page: PageRequest, *, status_code: int = 200, **context: Any) -> Response:
    values: dict[str, Any] = {"error": "", "notice": "", "temporary_password": "", "temporary_for": ""}
    values |= {"form_email": "", "form_name": ""} | context
    people = accounts.list_users(page.session)
    providers = list_providers(page.session, active_only=True)
    return page.render(
        "admin_users.html",
        status_code=status_code,
        people=people,
        role_labels=ROLE_LABELS,
        providers=providers,
        provider_names={p.id: p.name(page.language) for p in list_providers(page.session)},
        **values,
    )


def add_user(page: PageRequest) -> Response:
    email, name, role = page.field("email"), page.field("display_name"), page.field("role")
    provider_text = page.field("provider_id")
    provider_id = (
        int(provider_text) if provider_text.isascii() and provider_text.isdigit() and len(provider_text) < 10 else None
    )
    password = page.field("password", strip=False)
    generated = not password
    if generated:
        password = passwords.generate_password()
    else:
        problem = password_problem(page, password, password)
        if problem:
            return users_page(page, status_code=400, error=problem, form_email=email, form_name=name)
    try:
        user = accounts.create_user(
            page.session,
            email=email,
            role=role,
            password=password,
            display_name=name,
            actor=_actor(page),
            provider_id=provider_id if role == Role.PROVIDER else None,
        )
    except DuplicateUserError:
        error = page.gettext("A user with this email already exists.")
        return users_page(page, status_code=400, error=error, form_email=email, form_name=name)
    except ProviderLoginError:
        error = page.gettext("A service provider's login needs its provider: choose one.")
        return users_page(page, status_code=400, error=error, form_email=email, form_name=name)
    except AccountError:
        error = page.gettext("Give a valid email address and one of the roles.")
        return users_page(page, status_code=400, error=error, form_email=email, form_name=name)
    notice = page.gettext("Added %(email)s.", email=user.email)
    if generated:
        return users_page(page, notice=notice, temporary_password=password, temporary_for=user.email)
    return users_page(page, notice=notice)


def change_role(page: PageRequest) -> Response:
    user = _target(page)
    role = page.field("role")
    if role not in ROLE_LABELS:
        raise PageError(400, page.gettext("Unknown role."))
    try:
        accounts.change_role(page.session, email=user.email, role=role, actor=_actor(page))
    except ProviderLoginError:
        error = page.gettext("Only a login added with its provider can be a service provider's login.")
        return users_page(page, status_code=400, error=error)
    except LastAdminError:
        return users_page(page, status_code=409, error=_last_admin(page))
    label = page.gettext(ROLE_LABELS[role])
    return users_page(page, notice=page.gettext("%(email)s is now: %(role)s.", email=user.email, role=label))


def deactivate(page: PageRequest) -> Response:
    user = _target(page)
    try:
        accounts.deactivate_user(page.session, email=user.email, actor=_actor(page))
    except LastAdminError:
        return users_page(page, status_code=409, error=_last_admin(page))
    return users_page(page, notice=page.gettext("Deactivated %(email)s and logged them out.", email=user.email))


def reactivate(page: PageRequest) -> Response:
    user = _target(page)
    accounts.reactivate_user(page.session, email=user.email, actor=_actor(page))
    return users_page(page, notice=page.gettext("Reactivated %(email)s.", email=user.email))


def reset_password(page: PageRequest) -> Response:
    user = _target(page)
    temporary = accounts.reset_password(page.session, email=user.email, actor=_actor(page))
    notice = page.gettext("Reset the password of %(email)s and logged them out.", email=user.email)
    return users_page(page, notice=notice, temporary_password=temporary, temporary_for=user.email)


def _target(page: PageRequest) -> User:
    user = page.session.get(User, page.path_params["user_id"])
    if user is None:
        raise PageError(404, page.gettext("There is no such user."))
    return user


def _actor(page: PageRequest) -> Actor:
    return Actor.of(page.user, address=page.address)


def _last_admin(page: PageRequest) -> str:
    return page.gettext("This is the last active admin. Make someone else an admin first.")
