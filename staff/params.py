"""Query and path parameters of the staff API, parsed and bounded before any of them reaches SQL.

Every value a client sends is checked against what the database can hold, so a strange input is a 400
that says what is wrong instead of a 500 from the driver: PostgreSQL refuses NUL bytes in text and
integers beyond its column type, and Python's datetimes overflow when a far date is moved to UTC.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from hotline.inbox_queries import Cursor
from staff.api_output import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

# complaint.id is INTEGER (hotline/migrations/versions/0001_initial_schema.py): 32 bits on PostgreSQL.
MAX_ID = 2**31 - 1
# Nothing was recorded before the service existed; the upper bound is the last year Python can represent.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
DATE_RANGE = "between 2000-01-01 and 9999-12-31 in UTC"

# References are digits read out over the phone; 16 leaves room for longer ones than today's.
REFERENCE = re.compile(r"[0-9]{1,16}")


def parse_reference(value: str) -> str:
    """A reference as callers hear it: 1 to 16 ASCII digits (whether it exists is the query's business)."""
    if not REFERENCE.fullmatch(value):
        raise ApiError(400, f"reference must be 1 to 16 digits (0-9), got {value!r}")
    return value


def row_id(value: object) -> int | None:
    """A row id as a path or a form sends it: a whole number from 1 to MAX_ID (larger would overflow
    PostgreSQL's integer column: an error, not a miss), or None."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def parse_episode_id(value: object) -> int:
    """An episode id from a path; 400 for anything but a row id."""
    found = row_id(str(value))
    if found is None:
        raise ApiError(400, f"an episode id is a whole number from 1 to {MAX_ID}, got {str(value)!r}")
    return found


def parse_since(value: str | None, *, timezone: tzinfo) -> datetime | None:
    """An ISO 8601 date or datetime, in UTC; without a zone it is read in the deployment's local time."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    candidates = [text]
    if " " in text:  # an unencoded "+01:00" arrives as " 01:00"
        head, _, tail = text.rpartition(" ")
        candidates.append(f"{head}+{tail}")
    for candidate in candidates:
        try:
            parsed = datetime.fromisoformat(candidate)
        except ValueError:
            continue
        aware = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone)
        return _in_range(aware, f"since must be {DATE_RANGE}, got {value!r}")
    raise ApiError(
        400, f"since must be an ISO 8601 date or datetime, e.g. 2026-01-31 or 2026-01-31T08:00Z; got {value!r}"
    )


def encode_cursor(cursor: Cursor) -> str:
    raw = f"{cursor.created_at.isoformat()}|{cursor.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str) -> Cursor:
    """A cursor this API handed out; anything else, or one pointing outside what the database holds, is a 400."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        at, _, ident = raw.partition("|")
        created_at = datetime.fromisoformat(at)
        if created_at.tzinfo is None or not ident.isascii() or not ident.isdigit():
            raise ValueError("not a cursor")
        last_id = int(ident)  # ValueError beyond Python's 4300-digit limit too
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(400, "cursor is not one this API handed out") from exc
    if not 1 <= last_id <= MAX_ID:
        raise ApiError(400, f"cursor is not one this API handed out: its id is outside 1..{MAX_ID}")
    at_utc = _in_range(created_at, f"cursor is not one this API handed out: its time is not {DATE_RANGE}")
    return Cursor(created_at=at_utc, id=last_id)


def choices(values: list[str], *, name: str, allowed: list[str]) -> list[str]:
    """The non-empty values of a repeatable filter, each one of `allowed`."""
    chosen = [v for v in values if v]
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        raise ApiError(400, f"unknown {name} {', '.join(unknown)}; expected one of {', '.join(allowed)}")
    return chosen


def parse_limit(value: str | None) -> int:
    """Page size: DEFAULT_LIMIT when absent, at least 1, at most MAX_LIMIT (larger asks are capped)."""
    if value is None or value == "":
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise ApiError(400, f"limit must be a whole number, got {value!r}") from None
    if limit < 1:
        raise ApiError(400, "limit must be at least 1")
    return min(limit, MAX_LIMIT)


def _in_range(value: datetime, message: str) -> datetime:
    try:
        utc = value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01 in a zone east of UTC falls before year 1
        raise ApiError(400, message) from None
    if not EARLIEST <= utc <= LATEST:
        raise ApiError(400, message)
    return utc


# --- inbox filters: date-range end, yes/no choices, soum code, search text -----------------------------

MAX_SEARCH_CHARS = 200  # a search box; hotline.search keeps at most MAX_TERMS words of it anyway
SOUM = re.compile(r"[0-9A-Za-z]{1,16}")  # a gazetteer code (Mongolia's are 4 digits)
YES = frozenset({"yes", "true", "1", "on"})
NO = frozenset({"no", "false", "0", "off"})


def parse_moment(value: str | None, *, name: str, timezone: tzinfo, end_of_day: bool = False) -> datetime | None:
    """Like parse_since, for the parameter `name`; with end_of_day a bare date means "until that day ends"
    (the next local midnight, as an exclusive bound), so `to=2026-01-05` includes all of 5 January."""
    try:
        moment = parse_since(value, timezone=timezone)
    except ApiError as exc:
        raise ApiError(exc.status_code, exc.message.replace("since", name, 1)) from None
    if moment is None or not end_of_day or value is None:
        return moment
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return moment  # a datetime: that instant is the bound
    message = f"{name} must be {DATE_RANGE}, got {value!r}"
    if day == date.max:
        raise ApiError(400, message)
    return _in_range(datetime.combine(day + timedelta(days=1), time(), tzinfo=timezone), message)


def parse_yes_no(value: str | None, *, name: str) -> bool | None:
    """`yes`/`no` (or true/false, 1/0, on/off); absent or empty means "either"."""
    if value is None or not value.strip():
        return None
    word = value.strip().lower()
    if word in YES or word in NO:
        return word in YES
    raise ApiError(400, f"{name} must be yes or no, got {value!r}")


def parse_soum(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    if not SOUM.fullmatch(value.strip()):
        raise ApiError(400, f"soum must be a gazetteer code of 1 to 16 letters or digits, got {value!r}")
    return value.strip()


def parse_search(value: str | None) -> str:
    """The search box's text, at most MAX_SEARCH_CHARS; the core turns it into words, never into syntax."""
    text = (value or "").strip()
    if len(text) > MAX_SEARCH_CHARS:
        raise ApiError(400, f"q must be at most {MAX_SEARCH_CHARS} characters, got {len(text)}")
    return text
