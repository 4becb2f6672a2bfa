"""A signed-in user's own account: change password, choose the interface language."""

from __future__ import annotations

from starlette.responses import Response

from hotline.accounts import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    WrongPasswordError,
    change_own_password,
    set_language,
)
from hotline.audit import Actor
from staff.web.i18n import supported
from staff.web.login import safe_next
from staff.web.page_request import PageError, PageRequest


def password_form(page: PageRequest) -> Response:
    return page.render("account_password.html", min_length=MIN_PASSWORD_LENGTH, error="", done=False)


def change_password(page: PageRequest) -> Response:
    """Change one's own password; the other sessions end, this one stays (the user just proved who they are)."""
    new = page.field("new_password", strip=False)
    error = password_problem(page, new, page.field("new_password_again", strip=False))
    if not error:
        try:
            change_own_password(
                page.session,
                user=page.user,
                current=page.field("current_password", strip=False),
                new=new,
                actor=Actor.of(page.user, address=page.address),
                keep_session_id=page.web_session.id,
            )
        except WrongPasswordError:
            error = page.gettext("The current password is not correct.")
    status = 400 if error else 200
    return page.render(
        "account_password.html", status_code=status, min_length=MIN_PASSWORD_LENGTH, error=error, done=not error
    )


def password_problem(page: PageRequest, new: str, again: str) -> str:
    """What is wrong with a new password, in the user's language, or ""."""
    if new != again:
        return page.gettext("The two new passwords are not the same.")
    if len(new) < MIN_PASSWORD_LENGTH:
        return page.gettext("The new password must be at least %(count)s characters.", count=MIN_PASSWORD_LENGTH)
    if len(new) > MAX_PASSWORD_LENGTH:
        return page.gettext("The new password must be at most %(count)s characters.", count=MAX_PASSWORD_LENGTH)
    return ""


def choose_language(page: PageRequest) -> Response:
    language = supported(page.field("language"))
    if language is None:
        raise PageError(400, page.gettext("Unknown language."))
    set_language(page.session, user=page.user, language=language)
    return page.redirect(safe_next(page.field("next")))
