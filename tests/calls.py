"""Place a whole simulated call through the app, as Twilio would, and return the reference the caller heard."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from hotline.settings import Settings
from ivr.media_server import MediaServer
from ivr.simulator import SimulatedCall
from tests.conftest import TWILIO_SID, TWILIO_TOKEN


def place_call(client: TestClient, settings: Settings, media: MediaServer, digits: list[str], audio: Path) -> str:
    heard = SimulatedCall(
        client=client,
        base_url=settings.public_base_url,
        auth_token=TWILIO_TOKEN,
        account_sid=TWILIO_SID,
        digits=digits,
        audio=audio,
        media=media,
    ).run()
    assert heard.reference, heard.heard
    return heard.reference
