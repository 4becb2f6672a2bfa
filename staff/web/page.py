"""The edge browsers talk to: find the session, check the route's role and the CSRF token, run a sync handler.

Mirrors staff/endpoint.py's `api_route`: `page_route(path, handler, access)` records one hotline.access
declaration on the route and enforces it here, before the handler runs. No live session → 303 to
/login?next=<path>; a role the route does not admit → 403 page; a POST without the session's CSRF token
or from another site → 403 page. Handlers get a `PageRequest` (database session, settings, user,
translations, form and query) in a worker thread and return a response, usually `request.render(...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar
from urllib.parse import quote

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hotline.access import PUBLIC, Access, AccessKind, declare
from hotline.app_state import app_state
from hotline.web_sessions import SessionPolicy, resolve_session
from staff.uploads import UploadRefused, read_upload_form
from staff.web import csrf
from staff.web.i18n import DEFAULT_LANGUAGE, from_accept_language, supported
from staff.web.page_request import LANGUAGE_COOKIE, PageError, PageRequest, PublicPageRequest, error_page
from staff.web.responses import with_security_headers
from staff.web.sessions_cookie import SESSION_COOKIE, clear_session_cookie, session_token

SAFE_METHODS = frozenset({"GET", "HEAD"})  # they change nothing, so they need no CSRF token
PAGE_ATTRIBUTE = "is_page"  # marks page routes in the table, so tests can tell them from API routes
MAX_FORM_BYTES = 256 * 1024  # a transcript is a few kB; nothing a staff form sends comes near this

P = TypeVar("P", bound=PublicPageRequest)
Handler = Callable[[PageRequest], Response]
PublicHandler = Callable[[PublicPageRequest], Response]

__all__ = ["PageError", "PageRequest", "PublicPageRequest", "is_page_route", "page_route", "public_page_route"]


def page_route(
    path: str,
    handler: Handler,
    access: Access,
    *,
    methods: Sequence[str] = ("GET",),
    upload_limit: int | None = None,
) -> Route:
    """A page for signed-in users with one of `access`'s roles; the access is enforced and recorded.
    With `upload_limit`, its form may carry one file of up to that many bytes (staff.uploads)."""
    if access.kind is not AccessKind.ROLES:
        raise ValueError(f"pages behind a login are for users with roles, not {access}; use public_page_route")

    async def endpoint(request: Request) -> Response:
        # An upload (megabytes) is read only for a signed-in user the route admits; _serve refuses anyone else.
        admitted = upload_limit is None or await run_in_threadpool(_signed_in_as, access, request)
        form = await _read_form(request, upload_limit=upload_limit) if admitted else None
        if isinstance(form, Response):
            return form
        try:
            return await run_in_threadpool(_serve, handler, access, request, form)
        finally:
            if form is not None and upload_limit is not None:
                await form.close()  # the spooled upload's temporary file

    endpoint.__name__ = handler.__name__
    return _mark(declare(access, Route(path, endpoint, methods=list(methods))))


def public_page_route(path: str, handler: PublicHandler, *, methods: Sequence[str] = ("GET",)) -> Route:
    """A page anyone may open (the login form); its posts still need the pre-session CSRF token."""

    async def endpoint(request: Request) -> Response:
        form = await _read_form(request)
        if isinstance(form, Response):
            return form
        return await run_in_threadpool(_serve_public, handler, request, form)

    endpoint.__name__ = handler.__name__
    return _mark(declare(PUBLIC, Route(path, endpoint, methods=list(methods))))


def is_page_route(route: object) -> bool:
    return getattr(route, PAGE_ATTRIBUTE, False) is True


def login_url(request: Request) -> str:
    """Where an anonymous visitor is sent: the login form, coming back here afterwards (for page views)."""
    if request.method not in SAFE_METHODS:
        return "/login"
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(here, safe="/")


def _serve(handler: Handler, access: Access, request: Request, form: FormData | None) -> Response:
    services = app_state(request)
    settings = services.settings
    with Session(services.engine, expire_on_commit=False) as session:
        token = session_token(request.cookies, settings=settings)
        live = resolve_session(session, token=token, policy=SessionPolicy.from_settings(settings)) if token else None
        if live is None:
            response: Response = RedirectResponse(login_url(request), status_code=303)
            if request.cookies.get(SESSION_COOKIE):
                clear_session_cookie(response, settings=settings)
            return with_security_headers(response)
        language = supported(live.user.language) or DEFAULT_LANGUAGE
        page = PageRequest.build(
            request,
            session=session,
            settings=settings,
            language=language,
            form=form,
            csrf_token=csrf.session_csrf_token(token, settings=settings),
            user=live.user,
            web_session=live.row,
            session_token=token,
            given_places=services.places,
            jobs=services.jobs,
        )
        if not access.admits(live.user.role):
            return with_security_headers(page.forbidden_role())
        if request.method not in SAFE_METHODS and not _csrf_ok(request, form, expected=page.csrf_token):
            return with_security_headers(page.csrf_refused())
        return with_security_headers(_run(handler, page))


def _signed_in_as(access: Access, request: Request) -> bool:
    services = app_state(request)
    token = session_token(request.cookies, settings=services.settings)
    if not token:
        return False
    with Session(services.engine, expire_on_commit=False) as session:
        live = resolve_session(session, token=token, policy=SessionPolicy.from_settings(services.settings))
        return live is not None and access.admits(live.user.role)


def _serve_public(handler: PublicHandler, request: Request, form: FormData | None) -> Response:
    services = app_state(request)
    settings = services.settings
    nonce, new_nonce = csrf.pre_session_nonce(request)
    language = supported(request.cookies.get(LANGUAGE_COOKIE)) or from_accept_language(
        request.headers.get("accept-language", "")
    )
    with Session(services.engine, expire_on_commit=False) as session:
        page = PublicPageRequest.build(
            request,
            session=session,
            settings=settings,
            language=language,
            form=form,
            csrf_token=csrf.pre_session_csrf_token(nonce, settings=settings),
        )
        if request.method not in SAFE_METHODS and not (
            csrf.same_origin(request, settings=settings)
            and csrf.pre_session_token_valid(request, form, settings=settings)
        ):
            response: Response = page.csrf_refused()
        else:
            response = _run(handler, page)
    if new_nonce:
        csrf.set_pre_session_cookie(response, nonce=nonce, settings=settings)
    return with_security_headers(response)


def _run(handler: Callable[[P], Response], page: P) -> Response:
    try:
        if any(_forbidden_control(v) for _, v in page.all_parameters()):
            raise PageError(400, page.gettext("The request contains a control character."))
        return handler(page)
    except PageError as exc:
        page.session.rollback()
        return error_page(page, status_code=exc.status_code, message=exc.message, headers=exc.headers)


def _csrf_ok(request: Request, form: FormData | None, *, expected: str) -> bool:
    return csrf.same_origin(request, settings=app_state(request).settings) and csrf.tokens_match(
        csrf.submitted_token(request, form), expected
    )


def _forbidden_control(text: str) -> bool:
    # Line breaks and tabs are text (a transcript has them); NUL and the other C0 controls never are,
    # and PostgreSQL refuses NUL outright.
    return any((ord(ch) < 32 and ch not in "\t\n\r") or ord(ch) == 127 for ch in text)


async def _read_form(request: Request, *, upload_limit: int | None = None) -> FormData | Response | None:
    if request.method in SAFE_METHODS:
        return None
    if upload_limit is not None and request.headers.get("content-type", "").startswith("multipart/form-data"):
        try:
            return await read_upload_form(request, limit=upload_limit)
        except UploadRefused as exc:
            return Response(exc.message, status_code=exc.status_code)
    length = request.headers.get("content-length")
    if length is None and "transfer-encoding" in request.headers:
        return Response("send forms with a Content-Length", status_code=411)
    if length is not None and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
        return Response("form too large", status_code=413)
    return await request.form(max_files=0, max_fields=200)


def _mark(route: Route) -> Route:
    setattr(route, PAGE_ATTRIBUTE, True)
    return route
