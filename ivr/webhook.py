"""The edge Twilio talks to: read a capped body, verify the signature, run a step in a worker thread.

Step functions stay synchronous and small; this module is the only place that knows about
Starlette requests. A request that fails the signature check gets 403 before any database work;
each step is one transaction, committed here once, and queue hand-offs run only after that commit.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from twilio.request_validator import RequestValidator

from hotline.app_state import AppState, app_state
from hotline.db import write_transaction
from hotline.ports import JobDispatcher
from hotline.settings import Settings
from ivr.twilio_form import BadForm, BodyTooLarge, keypad_digits, read_form, valid_sid, whole_number

log = logging.getLogger(__name__)

MAX_ATTEMPT = 99
# Steps are short and mostly CPU (in Python, under one GIL): a few threads overlap the database round
# trips; dozens only take turns on the GIL and stretch every request's latency (benchmarks/webhooks.py).
STEP_THREADS = 4
# A plain executor, not anyio.to_thread: anyio's limiter and cancel scopes cost the event loop more per
# webhook than the signature check. Its threads serve every event loop of the process (tests run several).
_step_threads = ThreadPoolExecutor(STEP_THREADS, thread_name_prefix="webhook-step")


@dataclass
class Webhook:
    """One signed Twilio request, with the database transaction of its unit of work.

    Most steps run a few plain statements on `connection`; the ORM `session`, which costs more than those
    statements, is made on first use, inside the same transaction, by the steps that store a complaint.
    """

    connection: Connection
    settings: Settings
    form: Mapping[str, str]
    query: Mapping[str, str]
    jobs: JobDispatcher
    after_commit: list[Callable[[], object]] = field(default_factory=list)
    _session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            # The transaction is the connection's: the session flushes into it, never commits it, and leaves
            # it alone on close; the edge commits it once, or rolls all of it back when the step raises.
            self._session = Session(bind=self.connection, expire_on_commit=False, join_transaction_mode="rollback_only")
        return self._session

    def flush(self) -> None:
        """Send the session's pending changes into the transaction (before the edge commits it)."""
        if self._session is not None:
            self._session.flush()
            self._session.close()

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
    """Twilio's HMAC-SHA1 over the URL and the sorted fields, computed once for the URL we publish.

    Twilio's own `RequestValidator.validate` always computes it twice (the URL with and without a port),
    which was a tenth of a webhook's cost. A signature over our exact URL is accepted here; anything
    else still goes to the validator, so what it accepts is unchanged and only forgeries pay for it.
    """
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    token = settings.TWILIO_AUTH_TOKEN.get_secret_value()
    url = signed_url(settings, request)
    payload = url + "".join(name + form[name] for name in sorted(form))
    expected = base64.b64encode(hmac.digest(token.encode(), payload.encode(), "sha1"))
    if hmac.compare_digest(expected, signature.encode()):
        return True
    return bool(RequestValidator(token).validate(url, dict(form), signature))


# A step answers with TwiML (rendered: most screens come from a cache) or None for a bare 204.
Step = Callable[[Webhook], str | None]


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
        twiml = await asyncio.get_running_loop().run_in_executor(_step_threads, _run, step, services, form, query, path)
        if twiml is None:
            return Response(status_code=204)
        return Response(twiml, media_type="application/xml")

    endpoint.__name__ = step.__name__
    return endpoint


def _run(step: Step, services: AppState, form: dict[str, str], query: dict[str, str], path: str) -> str | None:
    """Run the step as one transaction, committed once; then its queue hand-offs.

    A step whose connection is found dead (the database restarted during a burst) is replayed once on a
    fresh one, so the caller hears the next menu instead of an application error. Every step is safe to
    replay (ivr.call_records), even should the lost connection have committed it after all.
    """
    try:
        result, hook = _unit_of_work(step, services, form, query)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        log.warning("database connection lost during %s; replaying the step once: %s", path, error.orig)
        result, hook = _unit_of_work(step, services, form, query)
    for action in hook.after_commit:
        try:
            action()
        except Exception:  # the sweeper re-enqueues; the caller must still get an answer
            log.exception("post-commit action failed for %s", path)
    return result


def _unit_of_work(
    step: Step, services: AppState, form: dict[str, str], query: dict[str, str]
) -> tuple[str | None, Webhook]:
    with write_transaction(services.engine) as connection:
        hook = Webhook(connection=connection, settings=services.settings, form=form, query=query, jobs=services.jobs)
        result = step(hook)
        hook.flush()
    return result, hook
