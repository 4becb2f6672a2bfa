"""What a page handler gets (`PublicPageRequest`, or `PageRequest` once signed in) and how it answers.

Like the API's ApiRequest: plain data plus the request's database session, so handlers stay thin and
free of Starlette's request object. `render` adds what every page template needs (the user, the CSRF
token, the language switcher, the deployment's time zone).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from babel.support import NullTranslations
from sqlmodel import Session
from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from hotline.models import User, WebSession
from hotline.places import AreaDirectory, PlaceDirectory
from hotline.ports import JobDispatcher
from hotline.settings import Settings
from staff.web.i18n import LANGUAGES, translations
from staff.web.responses import render

LANGUAGE_COOKIE = "fms_lang"  # the interface language chosen before signing in


class PageError(Exception):
    """Raised by a handler to answer with the error page: a status and a message already in the user's language."""

    def __init__(self, status_code: int, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.headers = dict(headers or {})


@dataclass(kw_only=True)
class PublicPageRequest:
    """One page request, signed in or not, with a database session for its unit of work."""

    session: Session
    settings: Settings
    language: str
    translations: NullTranslations
    csrf_token: str
    path: str  # this page's path and query, for forms that come back here
    path_params: Mapping[str, Any]
    query: QueryParams
    form: FormData = field(default_factory=FormData)
    address: str = ""
    user_agent: str = ""
    cookies: Mapping[str, str] = field(default_factory=dict)
    # The country's places for tagging a soum, from the composition root (None: the app has no gazetteer).
    given_places: PlaceDirectory | None = None
    # The background queues, for pages that hand work on after their commit (a routing notice); None in a
    # public page. Work a page could not hand over waits for the sweeper.
    jobs: JobDispatcher | None = None

    @classmethod
    def build(cls, request: Request, *, form: FormData | None, language: str, **fields: Any) -> Self:
        return cls(
            language=language,
            translations=translations(language),
            path=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            path_params=request.path_params,
            query=request.query_params,
            form=form if form is not None else FormData(),
            address=request.client.host if request.client else "",
            user_agent=request.headers.get("user-agent", "")[:300],
            cookies=request.cookies,
            **fields,
        )

    @property
    def user_or_none(self) -> User | None:
        return None

    @property
    def places(self) -> PlaceDirectory:
        """The country's places if the app was given them, else the deployment's areas alone."""
        return self.given_places if self.given_places is not None else AreaDirectory(self.settings.deployment)

    def gettext(self, message: str, **variables: Any) -> str:
        """`message` in the page's language, with %(name)s placeholders filled."""
        text = self.translations.gettext(message)
        return text % variables if variables else text

    def field(self, name: str, *, strip: bool = True) -> str:
        """A form field as text ("" when absent); uploads are not accepted on these forms."""
        value = self.form.get(name)
        text = value if isinstance(value, str) else ""
        return text.strip() if strip else text

    def all_parameters(self) -> Iterator[tuple[str, str]]:
        for name, value in self.path_params.items():
            yield name, str(value)
        yield from self.query.multi_items()
        for name, item in self.form.multi_items():
            yield name, item if isinstance(item, str) else ""

    def render(
        self, template: str, *, status_code: int = 200, headers: Mapping[str, str] | None = None, **context: Any
    ) -> HTMLResponse:
        base = {
            "user": self.user_or_none,
            "csrf_token": self.csrf_token,
            "language": self.language,
            "languages": LANGUAGES,
            "current_path": self.path,
            "timezone": self.settings.deployment.timezone,
        }
        return render(self.language, template, {**base, **context}, status_code=status_code, headers=headers)

    def redirect(self, url: str) -> RedirectResponse:
        """See other: after a POST, so reloading the page does not send the form again."""
        return RedirectResponse(url, status_code=303)

    def csrf_refused(self) -> HTMLResponse:
        message = self.gettext(
            "This form has expired or did not come from this site. Go back, reload the page and try again."
        )
        return error_page(self, status_code=403, message=message)


@dataclass(kw_only=True)
class PageRequest(PublicPageRequest):
    """A request from a signed-in user whose role the route admits."""

    user: User
    web_session: WebSession
    session_token: str  # the clear token of this browser's session, to end it at logout

    @property
    def user_or_none(self) -> User | None:
        return self.user

    def forbidden_role(self) -> HTMLResponse:
        message = self.gettext("Your role (%(role)s) may not open this page.", role=self.user.role)
        return error_page(self, status_code=403, message=message)


def error_page(
    page: PublicPageRequest, *, status_code: int, message: str, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    return page.render("error.html", status_code=status_code, headers=headers, message=message, status=status_code)
