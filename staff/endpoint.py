"""The edge API clients talk to: check the Bearer token and its role, run a sync handler in a worker thread.

Handlers get an `ApiRequest` (session, settings, user, parameters, the JSON body of a write) and return
plain data, a `Reply` with another status (201), or a `FileReply` streamed with HTTP Range support; this
module, with what it reads off a request (staff.api_input) and how it answers (staff.api_output), is the only
place in the API that knows about Starlette requests and how errors are shaped.
`api_route` builds a route from one `Access` declaration that is both enforced here and recorded on the
route, with the documentation staff.openapi publishes.

A write (any method but GET) is one unit of work: the handler's changes and their audit events commit
together after it returns, and nothing is written when it raises (a refusal from the core, hotline
.review_errors, becomes 409, 400 or 403 with its message).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from hotline.access import Access, AccessKind, declare
from hotline.api_tokens import authenticate_token
from hotline.app_state import AppState, app_state
from hotline.audit import Actor
from hotline.db import write_session
from hotline.models import User
from hotline.places import AreaDirectory, PlaceDirectory
from hotline.review_errors import ReviewRefused, http_status
from hotline.settings import Settings
from staff.api_input import (
    MAX_JSON_BYTES,
    bearer_token,
    is_write,
    parse_json_body,
    read_capped,
    reject_control_characters,
)
from staff.api_output import ApiError, Utf8JSONResponse, error_response, jsonable, unauthorized_response
from staff.uploads import UploadRefused, is_multipart, read_upload_form

DOC_ATTRIBUTE = "api_doc"  # where a route keeps its RouteDoc for staff.openapi


@dataclass
class ApiRequest:
    """One authenticated API request with a database session for its unit of work."""

    session: Session
    settings: Settings
    user: User
    path_params: Mapping[str, Any]
    query: QueryParams
    body: Any = None  # the parsed JSON of a write; None for reads
    form: FormData | None = None  # a multipart write, on routes that take an upload (api_route's upload_limit)
    address: str = ""  # the client's address, for the audit log
    services: AppState | None = None

    @property
    def actor(self) -> Actor:
        return Actor.of(self.user, address=self.address)

    @property
    def places(self) -> PlaceDirectory:
        """The country's places if the app was given them, else the deployment's areas alone."""
        given = self.services.places if self.services is not None else None
        return given if given is not None else AreaDirectory(self.settings.deployment)


@dataclass(frozen=True)
class Reply:
    """A handler's answer with a status other than 200, e.g. 201 for a created version."""

    body: Any
    status_code: int = 200


@dataclass(frozen=True)
class FileReply:
    """A stored file to stream (with Range support); never cached by shared caches."""

    path: Path
    media_type: str


@dataclass(frozen=True)
class Param:
    """A documented query parameter."""

    name: str
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})
    repeats: bool = False


@dataclass(frozen=True)
class RouteDoc:
    """What staff.openapi says about a route beyond its path, method, roles and docstring."""

    query: tuple[Param, ...] = ()
    body: dict[str, Any] | None = None  # JSON schema of the request body
    responses: Mapping[int, str] = field(default_factory=dict)  # status -> description, besides the defaults
    media_type: str = "application/json"


Handler = Callable[[ApiRequest], Any]


def api_route(
    path: str,
    handler: Handler,
    access: Access,
    *,
    methods: Sequence[str] = ("GET",),
    doc: RouteDoc | None = None,
    upload_limit: int | None = None,
) -> Route:
    """A route whose endpoint enforces `access` and which records it, so the app's route table can be audited.
    With `upload_limit`, a write may also come as multipart (a file of up to that many bytes) in `form`."""
    endpoint = api_endpoint(handler, access=access, upload_limit=upload_limit)
    route = declare(access, Route(path, endpoint, methods=list(methods)))
    setattr(route, DOC_ATTRIBUTE, doc or RouteDoc())
    return route


def route_doc(route: object) -> RouteDoc | None:
    doc = getattr(route, DOC_ATTRIBUTE, None)
    return doc if isinstance(doc, RouteDoc) else None


def api_endpoint(handler: Handler, *, access: Access, upload_limit: int | None = None) -> Callable[[Request], Any]:
    """Wrap a handler as a Starlette endpoint that only holders of a live API token with an admitted role reach."""
    if access.kind is not AccessKind.ROLES:
        raise ValueError(f"API routes are for users with roles, not {access}")

    async def endpoint(request: Request) -> Response:
        token = bearer_token(request.headers.get("Authorization", ""))
        if token is None:
            return unauthorized_response("missing Bearer token in the Authorization header", invalid=False)
        raw, form = b"", None
        if is_write(request.method):
            try:
                if upload_limit is not None and is_multipart(request):
                    # Megabytes are read only for a user the route admits; anyone else is refused unread below.
                    if await run_in_threadpool(_admitted, access, request, token):
                        form = await read_upload_form(request, limit=upload_limit)
                else:
                    raw = await read_capped(request, limit=MAX_JSON_BYTES)
            except (ApiError, UploadRefused) as exc:
                return error_response(exc.status_code, exc.message)
        try:
            return await run_in_threadpool(_run, handler, access, request, token, raw, form)
        finally:
            if form is not None:
                await form.close()  # the spooled upload's temporary file

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def _run(
    handler: Handler, access: Access, request: Request, token: str, raw: bytes, form: FormData | None = None
) -> Response:
    services = app_state(request)
    writes = is_write(request.method)
    # A write takes SQLite's write lock up front (hotline.db.write_session), so it never fails half-way
    # with "database is locked" after reading; reads need no lock.
    opened = write_session(services.engine) if writes else Session(services.engine, expire_on_commit=False)
    with opened as session:
        user = authenticate_token(session, token=token)
        if user is None:
            return unauthorized_response("invalid or revoked token", invalid=True)
        if not access.admits(user.role):
            return error_response(403, f"this route is for {', '.join(sorted(access.roles))}; your role is {user.role}")
        try:
            reject_control_characters(request.path_params, request.query_params.multi_items())
            api = ApiRequest(
                session=session,
                settings=services.settings,
                user=user,
                path_params=request.path_params,
                query=request.query_params,
                body=parse_json_body(raw, request.headers.get("content-type", "")) if writes and form is None else None,
                form=form,
                address=request.client.host if request.client else "",
                services=services,
            )
            result = handler(api)
        except ApiError as exc:
            session.rollback()
            return error_response(exc.status_code, exc.message)
        except ReviewRefused as exc:
            session.rollback()
            return error_response(http_status(exc), exc.message)
        if writes:
            session.commit()
    return _response(result)


def _admitted(access: Access, request: Request, token: str) -> bool:
    with Session(app_state(request).engine) as session:
        user = authenticate_token(session, token=token)
        return user is not None and access.admits(user.role)


def _response(result: Any) -> Response:
    if isinstance(result, FileReply):
        # private: a caller's voice must not sit in a shared cache; Range requests are FileResponse's own.
        return FileResponse(result.path, media_type=result.media_type, headers={"Cache-Control": "private, no-store"})
    if isinstance(result, Reply):
        return Utf8JSONResponse(jsonable(result.body), status_code=result.status_code)
    return Utf8JSONResponse(jsonable(result))
