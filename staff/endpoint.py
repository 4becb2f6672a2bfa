"""The edge API clients talk to: check the Bearer token and its role, run a sync handler in a worker thread.

Handlers get an `ApiRequest` (session, settings, user, parameters) and return plain data; this module is
the only place in the API that knows about Starlette requests and how errors are shaped. `api_route`
builds a route from one `Access` declaration that is both enforced here and recorded on the route.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hotline.access import Access, AccessKind, declare
from hotline.accounts import authenticate_token
from hotline.app_state import app_state
from hotline.models import User
from hotline.models.common import ensure_aware
from hotline.settings import Settings

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


@dataclass
class ApiRequest:
    """One authenticated API request with a database session for its unit of work."""

    session: Session
    settings: Settings
    user: User
    path_params: Mapping[str, Any]
    query: QueryParams


Handler = Callable[[ApiRequest], Any]


def api_route(path: str, handler: Handler, access: Access, *, methods: Sequence[str] = ("GET",)) -> Route:
    """A route whose endpoint enforces `access` and which records it, so the app's route table can be audited."""
    return declare(access, Route(path, api_endpoint(handler, access=access), methods=list(methods)))


def api_endpoint(handler: Handler, *, access: Access) -> Callable[[Request], Any]:
    """Wrap a handler as a Starlette endpoint that only holders of a live API token with an admitted role reach."""
    if access.kind is not AccessKind.ROLES:
        raise ValueError(f"API routes are for users with roles, not {access}")

    async def endpoint(request: Request) -> Utf8JSONResponse:
        token = bearer_token(request.headers.get("Authorization", ""))
        if token is None:
            return _unauthorized("missing Bearer token in the Authorization header", invalid=False)
        return await run_in_threadpool(_run, handler, access, request, token)

    endpoint.__name__ = handler.__name__
    return endpoint


def bearer_token(header: str) -> str | None:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _run(handler: Handler, access: Access, request: Request, token: str) -> Utf8JSONResponse:
    services = app_state(request)
    with Session(services.engine, expire_on_commit=False) as session:
        user = authenticate_token(session, token=token)
        if user is None:
            return _unauthorized("invalid or revoked token", invalid=True)
        if not access.admits(user.role):
            return _error(403, f"this route is for {', '.join(sorted(access.roles))}; your role is {user.role}")
        api = ApiRequest(
            session=session,
            settings=services.settings,
            user=user,
            path_params=request.path_params,
            query=request.query_params,
        )
        try:
            reject_control_characters(request.path_params, request.query_params.multi_items())
            body = handler(api)
        except ApiError as exc:
            return _error(exc.status_code, exc.message)
    return Utf8JSONResponse(jsonable(body))


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


def _error(status_code: int, message: str) -> Utf8JSONResponse:
    return Utf8JSONResponse({"error": message}, status_code=status_code)


def _unauthorized(message: str, *, invalid: bool) -> Utf8JSONResponse:
    # RFC 6750: say which scheme to use; add error="invalid_token" only when a token was actually sent.
    challenge = REALM + (', error="invalid_token"' if invalid else "")
    return Utf8JSONResponse({"error": message}, status_code=401, headers={"WWW-Authenticate": challenge})


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
