"""What the API reads off a request before its handler runs: the Bearer token, a body capped in size and
parsed as JSON, and parameters free of control characters. Each refusal is an ApiError with its own status.

Kept apart from the endpoint (staff.endpoint), which decides when to read and whom to admit, so these
checks on untrusted input can be read on their own.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.requests import Request

from staff.api_output import ApiError

MAX_JSON_BYTES = 64 * 1024  # a 20,000-character Cyrillic transcript is ~40 kB of UTF-8


def is_write(method: str) -> bool:
    """Every method but GET and HEAD changes something, so it gets a body, a write transaction and a commit."""
    return method not in ("GET", "HEAD")


async def read_capped(request: Request, *, limit: int) -> bytes:
    """The body, read as a stream that stops at `limit` bytes (413 beyond it, before any parsing)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"a request body is at most {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"a request body is at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json_body(raw: bytes, content_type: str) -> Any:
    """The JSON document of a write (None when there is no body); a non-JSON or malformed body is a 400."""
    if not raw.strip():
        return None  # the handler says what it wanted (most want an object; a reveal wants nothing)
    kind = content_type.split(";")[0].strip().lower()
    if kind != "application/json":
        raise ApiError(400, f"send a JSON body with Content-Type: application/json, not {kind or 'none'}")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ApiError(400, "the request body is not UTF-8") from None
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, f"the request body is not valid JSON: {exc}"[:300]) from None


def bearer_token(header: str) -> str | None:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def reject_control_characters(path_params: Mapping[str, Any], query: Iterable[tuple[str, str]]) -> None:
    """Refuse NUL and other control characters anywhere in the path or query: no parameter has a use for them,
    and PostgreSQL refuses NUL in text, which would otherwise surface as a 500."""
    pairs = [(name, str(value)) for name, value in path_params.items()] + list(query)
    for name, value in pairs:
        if _has_control_character(name) or _has_control_character(value):
            printable = "".join("?" if _has_control_character(ch) else ch for ch in name)
            raise ApiError(400, f"parameter {printable!r} contains a control character")


def _has_control_character(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)
