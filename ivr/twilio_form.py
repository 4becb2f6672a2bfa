"""Reading a Twilio webhook body safely: capped before parsing, then checked field by field.

Twilio's voice webhooks are a few kilobytes of form fields. Anything far larger is not Twilio, and
must cost us nothing: the body is read as a stream and abandoned at the cap, before any parsing or
signature work. Fields that reach the step functions are checked here, so a legal but odd value
(a SIP URI, a UUID call id from another TwiML platform, a Unicode digit) never becomes a 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl

from starlette.requests import Request

MAX_BODY_BYTES = 64 * 1024
MAX_FIELDS = 200
# Twilio's SIDs are 34 characters (two letters + 32 hex); Somleng and other TwiML platforms use UUIDs.
_SID = re.compile(r"[A-Za-z0-9_-]{1,64}", re.ASCII)
# A keypad answer: ASCII digits, * and #, bounded (the longest thing we ask for is a reference number).
_DIGITS = re.compile(r"[0-9*#]{1,32}", re.ASCII)
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}", re.ASCII)


class BodyTooLarge(Exception):  # noqa: N818 - a refusal, not a bug
    """The request body passed MAX_BODY_BYTES; nothing beyond the cap was read."""


class BadForm(Exception):  # noqa: N818 - a refusal, not a bug
    """The body is not a form Twilio would send."""


async def read_form(request: Request, *, limit: int = MAX_BODY_BYTES) -> dict[str, str]:
    """The url-encoded form, read as a stream that stops at `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(f"body of {declared} bytes; Twilio's webhooks are under {limit} bytes")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise BadForm(f"expected application/x-www-form-urlencoded, got {content_type or 'no content type'}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"body larger than {limit} bytes")
        chunks.append(chunk)
    return parse_form(b"".join(chunks))


def parse_form(body: bytes) -> dict[str, str]:
    """Decode a url-encoded body as Twilio's validator expects it: one value per field name."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadForm(f"not a url-encoded form: {exc.__class__.__name__}") from None
    return dict(pairs)


def valid_sid(value: str | None) -> bool:
    return value is not None and _SID.fullmatch(value) is not None


def keypad_digits(form: Mapping[str, str]) -> str | None:
    """The caller's key presses when they are keypad characters; None for anything else."""
    value = form.get("Digits")
    return value if value is not None and _DIGITS.fullmatch(value) else None


def whole_number(form: Mapping[str, str], name: str) -> int | None:
    """A small non-negative integer field (durations); None when absent or malformed."""
    value = form.get(name, "")
    return int(value) if _WHOLE_NUMBER.fullmatch(value) else None
