"""Serving a provider's recorded answer to Twilio's <Play>, only on a link that proves itself.

Twilio fetches <Play> URLs with a plain GET and no credentials, so the link carries an expiring token
(hotline.answer_tokens); a fetch Twilio signed is admitted as well. Anything else is 403 before the database
is asked, so the route tells a prober nothing about which responses exist.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from hotline.answer_tokens import token_admits
from hotline.app_state import app_state
from hotline.audio_store import AudioStore
from hotline.status_lookups import response_audio_key
from ivr.webhook import signature_is_valid


def answer_audio(request: Request) -> Response:
    """The answer's WAV (sync: Starlette runs it in its thread pool, the database read included)."""
    services = app_state(request)
    response_id = int(request.path_params["response_id"])
    token = request.query_params.get("token", "")
    admitted = token_admits(
        secret_key=services.settings.SECRET_KEY.get_secret_value(), response_id=response_id, token=token
    ) or signature_is_valid(services.settings, request, {})
    if not admitted:
        return PlainTextResponse("this link is not valid or has expired", status_code=403)
    with services.engine.connect() as connection:
        key = response_audio_key(connection, response_id=response_id)
    path = AudioStore(services.settings.audio_dir).existing(key)
    if path is None:
        return PlainTextResponse("no audio for this answer", status_code=404)
    return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "no-store"})
