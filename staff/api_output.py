"""What the API sends back: JSON with every script as itself, values made JSON-ready, and each refusal in
one shape (`{"error": message}`, with RFC 6750's challenge on a 401).

Kept apart from the endpoint (staff.endpoint) because the API's helpers (parameters, JSON bodies) and the
pages that reuse them raise ApiError and turn values into JSON without needing the Starlette endpoint itself.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from starlette.responses import JSONResponse

from hotline.models.common import ensure_aware

REALM = 'Bearer realm="fixmyservice"'


class Utf8JSONResponse(JSONResponse):
    """JSON with Cyrillic, Hangul and Khmer as themselves: staff tools and curl users read them as text."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


class ApiError(Exception):
    """Raised by a handler to answer with an error status and a message for the client."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


def jsonable(value: Any) -> Any:
    """Dataclasses, lists and dicts down to JSON types; datetimes as ISO 8601 with their zone."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime):
        return ensure_aware(value).isoformat()  # type: ignore[union-attr]
    return value


def error_response(status_code: int, message: str) -> Utf8JSONResponse:
    return Utf8JSONResponse({"error": message}, status_code=status_code)


def unauthorized_response(message: str, *, invalid: bool) -> Utf8JSONResponse:
    # RFC 6750: say which scheme to use; add error="invalid_token" only when a token was actually sent.
    challenge = REALM + (', error="invalid_token"' if invalid else "")
    return Utf8JSONResponse({"error": message}, status_code=401, headers={"WWW-Authenticate": challenge})
