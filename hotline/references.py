"""Reference numbers callers hear and type back: short, numeric, with a check digit.

Seven digits (six random + Luhn check) are easy to read out digit by digit and catch the most
common keypad typo (one wrong digit or two swapped ones) before a database look-up.
"""

from __future__ import annotations

import secrets

REFERENCE_LENGTH = 7


def luhn_check_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def new_reference() -> str:
    """A random reference; uniqueness is enforced by the database, callers retry on collision."""
    body = str(secrets.randbelow(900_000) + 100_000)
    return body + luhn_check_digit(body)


def is_valid_reference(value: str) -> bool:
    return len(value) == REFERENCE_LENGTH and value.isdigit() and luhn_check_digit(value[:-1]) == value[-1]
