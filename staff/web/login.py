"""Logging in and out, and choosing the interface language before logging in.

Thin handlers over hotline.login_limits and hotline.web_sessions: the form, the outcome as a page
(429 with Retry-After when the limits bite), the session cookie, and a `next` that only ever leads to
a path on this site (never `//evil.example` or `https://...`: an open redirect would lend our name to
phishing links).
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from starlette.responses import Response

from hotline.audit import Actor, AuditAction, record
from hotline.login_limits import LoginResult, log_in
from hotline.web_sessions import SessionPolicy, end_session
from staff.web.i18n import supported
from staff.web.page_request import LANGUAGE_COOKIE, PageRequest, PublicPageRequest
from staff.web.sessions_cookie import clear_session_cookie, is_https, session_token, set_session_cookie

DEFAULT_NEXT = "/"
MAX_NEXT_LENGTH = 2000
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600


def safe_next(value: str | None) -> str:
    """`value` when it is a path on this site, else the start page."""
    if not value or len(value) > MAX_NEXT_LENGTH or not value.startswith("/") or value.startswith("//"):
        return DEFAULT_NEXT
    if "\\" in value or any(ord(ch) < 33 or ord(ch) == 127 for ch in value):
        return DEFAULT_NEXT  # browsers read "/\evil.example" as "//evil.example"; controls hide such tricks
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return DEFAULT_NEXT
    return value


def login_form(page: PublicPageRequest) -> Response:
    return page.render("login.html", next=safe_next(page.query.get("next")), email="", error="")


def login(page: PublicPageRequest) -> Response:
    email = page.field("email")
    next_path = safe_next(page.field("next"))
    outcome = log_in(
        page.session,
        email=email,
        password=page.field("password", strip=False),
        address=page.address,
        user_agent=page.user_agent,
        policy=SessionPolicy.from_settings(page.settings),
        previous_token=session_token_of(page),
    )
    if outcome.result is LoginResult.LIMITED:
        minutes = max(1, math.ceil(outcome.retry_after_seconds / 60))
        message = page.gettext("Too many failed logins. Try again in %(minutes)s minutes.", minutes=minutes)
        return page.render(
            "login.html",
            status_code=429,
            headers={"Retry-After": str(outcome.retry_after_seconds)},
            next=next_path,
            email=email,
            error=message,
        )
    if outcome.result is LoginResult.FAILED or outcome.opened is None:
        error = page.gettext("Wrong email or password.")
        return page.render("login.html", next=next_path, email=email, error=error)
    response = page.redirect(next_path)
    lifetime = int(SessionPolicy.from_settings(page.settings).lifetime.total_seconds())
    set_session_cookie(response, token=outcome.opened.token, settings=page.settings, max_age=lifetime)
    return response


def logout(page: PageRequest) -> Response:
    end_session(page.session, token=page.session_token)
    record(
        page.session,
        Actor.of(page.user, address=page.address),
        AuditAction.LOGOUT,
        object_type="user",
        object_id=page.user.email,
    )
    page.session.commit()
    response = page.redirect("/login")
    clear_session_cookie(response, settings=page.settings)
    return response


def choose_language(page: PublicPageRequest) -> Response:
    """The language switcher before login: remembered in a cookie (after login, on the user)."""
    response = page.redirect(safe_next(page.field("next")))
    language = supported(page.field("language"))
    if language is not None:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=LANGUAGE_COOKIE_SECONDS,
            path="/",
            samesite="lax",
            secure=is_https(page.settings),
        )
    return response


def session_token_of(page: PublicPageRequest) -> str:
    """The verified session token the browser sent, if any (ended when a new login replaces it)."""
    return session_token(page.cookies, settings=page.settings)
