"""The session cookie: a random token plus an HMAC of it under SECRET_KEY, set with the flags that keep it
away from scripts (HttpOnly), other sites (SameSite=Lax) and plain http when the site is https (Secure).

The signature lets a forged or mangled cookie be refused before any database look-up; the token itself
is what the WebSession table knows (by hash).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from starlette.responses import Response

from hotline.settings import Settings

SESSION_COOKIE = "fms_session"
_PURPOSE = b"fixmyservice web session cookie\x00"


def sign(token: str, *, settings: Settings) -> str:
    return f"{token}.{_signature(token, settings)}"


def unsign(value: str, *, settings: Settings) -> str | None:
    """The token inside a cookie value whose signature is ours, else None."""
    token, dot, signature = value.rpartition(".")
    if not dot or not token or not hmac.compare_digest(signature, _signature(token, settings)):
        return None
    return token


def session_token(cookies: Mapping[str, str], *, settings: Settings) -> str:
    """The verified session token a request's cookies carry, or "" when they carry none (or a forged one)."""
    value = cookies.get(SESSION_COOKIE, "")
    return (unsign(value, settings=settings) or "") if value else ""


def is_https(settings: Settings) -> bool:
    return settings.public_base_url.lower().startswith("https://")


def set_session_cookie(response: Response, *, token: str, settings: Settings, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        sign(token, settings=settings),
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(settings),
    )


def clear_session_cookie(response: Response, *, settings: Settings) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(settings))


def _signature(token: str, settings: Settings) -> str:
    key = settings.SECRET_KEY.get_secret_value().encode()
    return hmac.new(key, _PURPOSE + token.encode(), hashlib.sha256).hexdigest()
