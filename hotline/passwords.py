"""Password hashing: scrypt with a random salt, and random passwords an admin can read out.

Passwords are guessable by nature, so they get a slow, salted, memory-hard KDF (unlike API tokens, whose
256 random bits make a fast hash enough: hotline.api_tokens). Kept apart from the account rules so the
login throttle (hotline.login_limits) and the accounts share one hashing scheme without the rules.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt cost: N=2^15, r=8 needs 32 MiB and ~0.1 s per hash — slow for a guesser, fine for a login.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
_SCRYPT_MAX_N = 2**20  # refuse absurd parameters in a stored hash rather than exhaust memory


def hash_password(password: str) -> str:
    """Encode a password as `scrypt$n$r$p$salt$hash` with a random salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """True when the password matches the stored hash; False for any other input, malformed or empty."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        if scheme != "scrypt" or not (1 < n_ <= _SCRYPT_MAX_N and 0 < r_ <= 32 and 0 < p_ <= 16):
            return False
        expected = _unb64(digest)
        actual = _scrypt(password, _unb64(salt), n_, r_, p_, length=len(expected))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def generate_password() -> str:
    """A random password well above the minimum length, easy to read out (URL-safe alphabet)."""
    return secrets.token_urlsafe(15)  # 20 characters, 120 bits


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, *, length: int = 32) -> bytes:
    # maxmem must exceed 128·n·r bytes or OpenSSL refuses; leave head-room for its bookkeeping.
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * n * r + 2**20)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    # binascii.Error is a ValueError subclass, so a mangled hash reads as "does not match".
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
