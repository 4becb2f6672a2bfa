"""The edge Twilio talks to: verify the signature, parse the form, run a step in a worker thread.

Step functions stay synchronous and small; this module is the only place that knows about
Starlette requests. A request that fails the signature check gets 403 before any database work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from hotline.app_state import AppState, app_state
from hotline.ports import JobDispatcher
from hotline.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Webhook:
    """One signed Twilio request, with a database session for its unit of work."""

    session: Session
    settings: Settings
    form: Mapping[str, str]
    query: Mapping[str, str]
    jobs: JobDispatcher
    after_commit: list[Callable[[], object]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.settings.public_base_url

    @property
    def call_sid(self) -> str:
        return self.form.get("CallSid", "")

    @property
    def attempt(self) -> int:
        try:
            return max(1, int(self.query.get("attempt", "1")))
        except ValueError:
            return 1

    @property
    def missing(self) -> bool:
        """True when Twilio reached us through the fall-through redirect: the caller typed nothing."""
        return self.query.get("missing") == "1" or "Digits" not in self.form


def signed_url(settings: Settings, request: Request) -> str:
    """The URL Twilio signed: our public base + the raw path and query, whatever proxies did to the host."""
    url = settings.public_base_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    return url


def signature_is_valid(settings: Settings, request: Request, form: Mapping[str, str]) -> bool:
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN.get_secret_value())
    return bool(validator.validate(signed_url(settings, request), dict(form), signature))


Step = Callable[[Webhook], VoiceResponse | None]


def twilio_endpoint(step: Step) -> Callable[[Request], object]:
    """Wrap a step function as a Starlette endpoint that only signed Twilio requests reach."""

    async def endpoint(request: Request) -> Response:
        services = app_state(request)
        form_data = await request.form()
        form = {k: v for k, v in form_data.items() if isinstance(v, str)}
        if not signature_is_valid(services.settings, request, form):
            log.warning("refused unsigned or forged webhook to %s", request.url.path)
            return PlainTextResponse("invalid Twilio signature", status_code=403)
        twiml = await run_in_threadpool(_run, step, services, form, dict(request.query_params), request.url.path)
        if twiml is None:
            return Response(status_code=204)
        return Response(str(twiml), media_type="application/xml")

    endpoint.__name__ = step.__name__
    return endpoint


def _run(
    step: Step, services: AppState, form: dict[str, str], query: dict[str, str], path: str
) -> VoiceResponse | None:
    with Session(services.engine, expire_on_commit=False) as session:
        hook = Webhook(session=session, settings=services.settings, form=form, query=query, jobs=services.jobs)
        result = step(hook)
        session.commit()
    for action in hook.after_commit:
        try:
            action()
        except Exception:  # the sweeper re-enqueues; the caller must still get an answer
            log.exception("post-commit action failed for %s", path)
    return result
