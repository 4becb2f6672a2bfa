"""Cross-site request forgery: every state-changing form carries a token another site cannot know.

Signed-in forms carry an HMAC of the session token (so the token changes with each login and needs no
storage); it comes as the `csrf_token` form field, or as an `X-CSRF-Token` header from the page's script.
Forms used before signing in (log in, pick a language) use a signed double submit: a random nonce in a
cookie and its HMAC in the form, so a forged login (logging a victim into the attacker's account) fails
too. On top of the token, a request whose Origin (or, lacking one, Referer) names another site is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from hotline.settings import Settings
from staff.web.sessions_cookie import is_https

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
PRE_SESSION_COOKIE = "fms_csrf"
_SESSION_PURPOSE = b"fixmyservice csrf for a session\x00"
_PRE_SESSION_PURPOSE = b"fixmyservice csrf before login\x00"


def session_csrf_token(session_token: str, *, settings: Settings) -> str:
    """The token the forms of this session must carry."""
    return _mac(_SESSION_PURPOSE, session_token, settings)


def pre_session_nonce(request: Request) -> tuple[str, bool]:
    """The request's pre-session nonce, and whether it is new (so the response must set the cookie)."""
    nonce = request.cookies.get(PRE_SESSION_COOKIE, "")
    if 20 <= len(nonce) <= 64 and nonce.replace("-", "").replace("_", "").isalnum():
        return nonce, False
    return secrets.token_urlsafe(24), True


def pre_session_csrf_token(nonce: str, *, settings: Settings) -> str:
    return _mac(_PRE_SESSION_PURPOSE, nonce, settings)


def set_pre_session_cookie(response: Response, *, nonce: str, settings: Settings) -> None:
    response.set_cookie(PRE_SESSION_COOKIE, nonce, path="/", httponly=True, samesite="lax", secure=is_https(settings))


def submitted_token(request: Request, form: FormData | None) -> str:
    """The token a request sent: the form field, else the header."""
    value = form.get(FIELD) if form is not None else None
    if isinstance(value, str) and value:
        return value
    return request.headers.get(HEADER, "")


def tokens_match(submitted: str, expected: str) -> bool:
    """Constant-time comparison, so the response time does not leak how much of a guess was right."""
    return bool(submitted) and hmac.compare_digest(submitted.encode(), expected.encode())


def pre_session_token_valid(request: Request, form: FormData | None, *, settings: Settings) -> bool:
    nonce = request.cookies.get(PRE_SESSION_COOKIE, "")
    if not nonce:
        return False
    return tokens_match(submitted_token(request, form), pre_session_csrf_token(nonce, settings=settings))


def same_origin(request: Request, *, settings: Settings) -> bool:
    """False when the request says it comes from another site (Origin, or Referer when Origin is absent).
    Neither header present is allowed: some clients send none, and the token still has to match."""
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer")
        if not referer:
            return True
        origin = referer
    if origin == "null":  # sandboxed frames and some redirects: never one of our pages
        return False
    return _origin_of(origin) in {_origin_of(settings.public_base_url), _origin_of(str(request.base_url))}


def _origin_of(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    default_port = {"http": 80, "https": 443}.get(scheme)
    try:
        port = parts.port or default_port
    except ValueError:
        return ("", "")
    return scheme, f"{host}:{port}"


def _mac(purpose: bytes, value: str, settings: Settings) -> str:
    key = settings.SECRET_KEY.get_secret_value().encode()
    return hmac.new(key, purpose + value.encode(), hashlib.sha256).hexdigest()
