"""Reference numbers callers hear and type back: nine digits, random, with a Luhn check digit.

The number: 8 random digits (the first not 0, so it reads and types the same whatever the keypad
does with a leading zero) + 1 Luhn check digit = 9 digits, read out as three groups of three.
That is 90,000,000 possible references. Luhn catches every single mistyped digit and every swap of
two neighbouring digits except 09 <-> 90, so most typos are refused before any database look-up.

The arithmetic, for the target of 10 million complaints:
- with 10 M issued, a random candidate is taken with probability 10/90 = 1/9 (with 1 M: 1/90);
- `issue_reference` draws 8 candidates at once; all 8 are taken with probability (1/9)**8, about
  1 in 43 million, and then it draws again, up to ISSUE_ROUNDS times: failing outright needs
  (1/9)**(8 * 3), about 1 in 8 * 10**22. The old scheme (7 digits, one candidate a try, 5 tries) failed
  3 % of reports once half its 900,000 numbers were used, after the caller had spoken.
- 10 M complaints is 13.7 years at 2,000 calls a day; 9 digits stay short enough to write down.

Why one query: the candidates are looked up together (`reference IN (...)`, 8 probes of the unique
index in one round trip), so issuing costs the same on an empty table as on a full one, and the
insert almost never has to be retried. The look-up only reads: it runs inside the caller's
transaction, and the unique index stays the final guard against a concurrent call drawing the
same number in the same instant.

Why random rather than sequential: a sequential number tells anyone who holds one the numbers of
the complaints made just before and after it. Random references say nothing about each other.
They are not a secret, though: at 10 M issued, one valid-looking guess in 9 is somebody's
reference, so a reference only ever reveals a complaint's status, never its content or caller.
"""

from __future__ import annotations

import secrets

from sqlmodel import Session, col, select

from hotline.models import Complaint

REFERENCE_LENGTH = 9
# Complaints issued before the switch to nine digits keep their seven-digit references (six random
# digits + Luhn): callers wrote those down and still type them to hear their complaint's status.
LEGACY_REFERENCE_LENGTH = 7
REFERENCE_GROUP_SIZE = 3  # read out as "4 8 2, 7 1 5, 3 9 8", so a caller can write it down
ISSUE_ROUNDS = 3

_BODY_LOW = 10_000_000  # smallest 8-digit body: the first digit is never 0
_BODY_SPAN = 90_000_000


def luhn_check_digit(body: str) -> str:
    """The Luhn digit that, appended to `body`, makes the whole number pass the Luhn check."""
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
    """One random candidate reference (9 digits); it may already be taken, see `issue_reference`."""
    body = str(_BODY_LOW + secrets.randbelow(_BODY_SPAN))
    return body + luhn_check_digit(body)


def is_valid_reference(value: str) -> bool:
    """Whether `value` is shaped like a reference (new 9-digit or legacy 7-digit) with a right check digit."""
    return (
        len(value) in (REFERENCE_LENGTH, LEGACY_REFERENCE_LENGTH)
        # str.isdigit() also accepts '²' and Arabic-Indic digits; a keypad sends only ASCII 0-9.
        and value.isascii()
        and value.isdigit()
        and value[0] != "0"
        and luhn_check_digit(value[:-1]) == value[-1]
    )


def issue_reference(session: Session, *, candidates: int = 8) -> str:
    """A reference no complaint has yet: the first free one of `candidates` random draws, checked in one query.

    Only reads (no flush, no commit), so it can run inside the caller's transaction; the unique index on
    complaint.reference still refuses a number a concurrent call took between this look-up and the insert.
    """
    if candidates < 1:
        raise ValueError(f"candidates must be at least 1, got {candidates}")
    for _ in range(ISSUE_ROUNDS):
        drawn = list(dict.fromkeys(new_reference() for _ in range(candidates)))  # distinct, in draw order
        query = select(Complaint.reference).where(col(Complaint.reference).in_(drawn))
        with session.no_autoflush:  # the caller's pending rows are theirs to flush
            taken = set(session.exec(query).all())
        for reference in drawn:
            if reference not in taken:
                return reference
    raise RuntimeError(
        f"no free reference number in {ISSUE_ROUNDS} rounds of {candidates} random candidates: "
        f"the space of {_BODY_SPAN:,} references is nearly full, or the random source is broken"
    )
