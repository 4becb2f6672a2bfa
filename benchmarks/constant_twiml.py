"""The baseline for benchmarks/webhooks.py: a Starlette app that answers every POST with the same TwiML.

It does what any webhook must (read the form body) and nothing else, so the ratio against it is the
cost of our own work: signature check, the database, building the answer.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/ivr/language?attempt=1" input="dtmf" '
    'numDigits="1" timeout="7"><Say>For Mongolian, press 1.</Say></Gather></Response>'
)


async def answer(request: Request) -> Response:
    await request.body()
    return Response(TWIML, media_type="application/xml")


def app() -> Starlette:
    return Starlette(routes=[Route("/ivr/voice", answer, methods=["POST"])])
