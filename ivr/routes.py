"""URL map of the call flow, each route with who may use it: every POST is a signed Twilio webhook (TWILIO,
checked by ivr.webhook); prompt audio is a plain GET Twilio fetches for <Play> without credentials (PUBLIC);
a provider's recorded answer is a GET only an expiring token or Twilio's signature opens (SIGNED_LINK)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from hotline.access import PUBLIC, SIGNED_LINK, TWILIO, declare
from hotline.app_state import app_state
from ivr import flow, status_line
from ivr.answer_audio import answer_audio
from ivr.webhook import twilio_endpoint


async def prompt_audio(request: Request) -> Response:
    """Serve a deployment's recorded prompt for <Play>."""
    deployment = app_state(request).settings.deployment
    code = request.path_params["language"]
    if all(lang.code != code for lang in deployment.languages):
        return PlainTextResponse("unknown language", status_code=404)
    path = deployment.audio_path(deployment.language(code), request.path_params["prompt"])
    if path is None:
        return PlainTextResponse("no such prompt", status_code=404)
    return FileResponse(path)


routes = [
    declare(TWILIO, Route("/ivr/voice", twilio_endpoint(flow.voice), methods=["POST"])),
    declare(TWILIO, Route("/ivr/language", twilio_endpoint(flow.language), methods=["POST"])),
    declare(TWILIO, Route("/ivr/main", twilio_endpoint(flow.main), methods=["POST"])),
    declare(TWILIO, Route("/ivr/sector", twilio_endpoint(flow.sector), methods=["POST"])),
    declare(TWILIO, Route("/ivr/area", twilio_endpoint(flow.area), methods=["POST"])),
    declare(TWILIO, Route("/ivr/consent", twilio_endpoint(flow.consent), methods=["POST"])),
    declare(TWILIO, Route("/ivr/recorded", twilio_endpoint(flow.recorded), methods=["POST"])),
    declare(TWILIO, Route("/ivr/no-recording", twilio_endpoint(flow.no_recording), methods=["POST"])),
    declare(TWILIO, Route("/ivr/recording-status", twilio_endpoint(flow.recording_status), methods=["POST"])),
    declare(TWILIO, Route("/ivr/status-check", twilio_endpoint(status_line.status_check), methods=["POST"])),
    declare(TWILIO, Route("/ivr/answer-menu", twilio_endpoint(status_line.answer_menu), methods=["POST"])),
    declare(TWILIO, Route("/ivr/feedback", twilio_endpoint(status_line.feedback), methods=["POST"])),
    declare(TWILIO, Route("/ivr/status", twilio_endpoint(flow.call_status), methods=["POST"])),
    declare(PUBLIC, Route("/ivr/prompts/{language}/{prompt}", prompt_audio, methods=["GET"])),
    declare(SIGNED_LINK, Route("/ivr/answers/{response_id:int}.wav", answer_audio, methods=["GET"])),
]
