"""Callers' phone numbers are personal data: encrypted at rest, hashed for look-ups, masked for display.

Keys are derived from SECRET_KEY with HKDF under distinct labels, so the look-up hash cannot be
turned back into the encryption key and rotating one purpose never silently reuses the other.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import cache, cached_property

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"fixmyservice", info=label).derive(secret.encode())


@dataclass(frozen=True)
class PhoneNumberProtector:
    """Encrypts, hashes and masks phone numbers with keys derived from one secret."""

    secret_key: str

    @cached_property
    def _fernet(self) -> Fernet:
        return Fernet(base64.urlsafe_b64encode(_derive(self.secret_key, b"phone-encryption")))

    @cached_property
    def _lookup_key(self) -> bytes:
        return _derive(self.secret_key, b"phone-lookup")

    def encrypt(self, number: str) -> str:
        return self._fernet.encrypt(normalise_number(number).encode()).decode()

    def decrypt(self, token: str) -> str | None:
        """The clear number, or None when the key has changed and the value can't be read."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            return None

    def lookup_hash(self, number: str) -> str:
        """A keyed hash: same caller → same value, so calls can be grouped without the number."""
        return hmac.new(self._lookup_key, normalise_number(number).encode(), hashlib.sha256).hexdigest()


@cache
def protector_for(secret_key: str) -> PhoneNumberProtector:
    """One protector per key for the life of the process: deriving its keys on every webhook is wasted work."""
    return PhoneNumberProtector(secret_key)


def normalise_number(number: str) -> str:
    """Keep a leading + and digits only, so '+976 9911-2233' and '+97699112233' are one caller."""
    number = number.strip()
    digits = "".join(ch for ch in number if ch.isdigit())
    return ("+" if number.startswith("+") else "") + digits


def mask_number(number: str) -> str:
    """Show only the last two digits: enough for staff to tell calls apart, not to dial."""
    clean = normalise_number(number)
    if not clean or not any(ch.isdigit() for ch in clean):
        return "unknown"
    digits = clean.lstrip("+")
    if len(digits) <= 4:
        return "•" * len(digits)
    return ("+" if clean.startswith("+") else "") + "•" * (len(digits) - 2) + digits[-2:]
