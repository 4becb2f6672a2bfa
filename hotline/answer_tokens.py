"""Unguessable, expiring links to a provider's recorded answer, for Twilio's <Play>.

Twilio fetches <Play> audio with a plain GET and no credentials, so the URL itself must be the credential:
an HMAC (keyed by SECRET_KEY) over the response id and an expiry a few minutes ahead. Nothing is stored:
the link proves itself, dies on its own, and a link for one answer opens no other.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from hotline.models import utcnow

TOKEN_LIFETIME = timedelta(minutes=10)  # long enough for a call to reach the <Play>; too short to share usefully
_LABEL = b"fixmyservice answer audio v1\x00"


def answer_token(*, secret_key: str, response_id: int, now: datetime | None = None) -> str:
    """A token admitting a fetch of this response's audio until TOKEN_LIFETIME from now."""
    expires = int(((now or utcnow()) + TOKEN_LIFETIME).timestamp())
    return f"{expires}.{_mac(secret_key, response_id, expires)}"


def token_admits(*, secret_key: str, response_id: int, token: str, now: datetime | None = None) -> bool:
    """True when `token` was made by answer_token for this response and has not expired."""
    expires_text, _, mac = token.partition(".")
    if not (expires_text.isascii() and expires_text.isdigit() and len(expires_text) <= 12 and mac):
        return False
    expires = int(expires_text)
    if not hmac.compare_digest(mac, _mac(secret_key, response_id, expires)):
        return False
    return (now or utcnow()).timestamp() < expires


def _mac(secret_key: str, response_id: int, expires: int) -> str:
    message = _LABEL + f"{response_id}:{expires}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()
