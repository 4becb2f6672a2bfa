"""The edge Twilio talks to: read a capped body, verify the signature, run a step in a worker thread.

Step functions stay synchronous and small; this module is the only place that knows about
Starlette requests. A request that fails the signature check gets 403 before any database work;
each step is one transaction, committed here once, and queue hand-offs run only after that commit.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import anyio
import anyio.to_thread
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from hotline.app_state import AppState, app_state
from hotline.db import write_session
from hotline.ports import JobDispatcher
from hotline.settings import Settings
from ivr.twilio_form import BadForm, BodyTooLarge, keypad_digits, read_form, valid_sid, whole_number

log = logging.getLogger(__name__)

MAX_ATTEMPT = 99
# Steps are short and mostly CPU (in Python, under one GIL): a few threads overlap the database round
# trips; dozens only take turns on the GIL and stretch every request's latency (benchmarks/webhooks.py).
STEP_THREADS = 4


_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()


def _step_threads() -> anyio.CapacityLimiter:
    """The limiter of the running event loop (a limiter belongs to one loop; tests run several)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(STEP_THREADS)
    return limiter


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
        return self.form["CallSid"]  # checked by the endpoint before any step runs

    @property
    def attempt(self) -> int:
        """Which try of a menu this is (from our own action URL); at most MAX_ATTEMPT whatever the URL says."""
        value = self.query.get("attempt", "1")
        return min(MAX_ATTEMPT, max(1, int(value))) if value.isascii() and value.isdigit() and len(value) < 4 else 1

    @property
    def missing(self) -> bool:
        """True when Twilio reached us through the fall-through redirect: the caller typed nothing."""
        return self.query.get("missing") == "1" or "Digits" not in self.form

    @property
    def digits(self) -> str:
        """What the caller pressed, or "" when it is not keypad input (a replayed menu then follows)."""
        return keypad_digits(self.form) or ""

    @property
    def recording_sid(self) -> str:
        """Twilio's RecordingSid, or "" when absent or not shaped like an id (then there is no usable recording)."""
        value = self.form.get("RecordingSid", "")
        return value if valid_sid(value) else ""

    def number(self, name: str) -> int | None:
        return whole_number(self.form, name)


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
        try:
            form = await read_form(request)
        except BodyTooLarge as exc:
            log.warning("refused oversized webhook to %s: %s", request.url.path, exc)
            return PlainTextResponse("request body too large", status_code=413)
        except BadForm as exc:
            return PlainTextResponse(str(exc), status_code=400)
        if not signature_is_valid(services.settings, request, form):
            log.warning("refused unsigned or forged webhook to %s", request.url.path)
            return PlainTextResponse("invalid Twilio signature", status_code=403)
        if not valid_sid(form.get("CallSid")):
            return PlainTextResponse("CallSid missing or malformed", status_code=400)
        query, path = dict(request.query_params), request.url.path
        twiml = await anyio.to_thread.run_sync(_run, step, services, form, query, path, limiter=_step_threads())
        if twiml is None:
            return Response(status_code=204)
        return Response(str(twiml), media_type="application/xml")

    endpoint.__name__ = step.__name__
    return endpoint


def _run(
    step: Step, services: AppState, form: dict[str, str], query: dict[str, str], path: str
) -> VoiceResponse | None:
    with write_session(services.engine) as session:
        hook = Webhook(session=session, settings=services.settings, form=form, query=query, jobs=services.jobs)
        result = step(hook)
        session.commit()
    for action in hook.after_commit:
        try:
            action()
        except Exception:  # the sweeper re-enqueues; the caller must still get an answer
            log.exception("post-commit action failed for %s", path)
    return result
