"""Fixtures for driving whole calls through the app as Twilio would."""

from __future__ import annotations

import math
import struct
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ivr.simulator import CallTranscript, SimulatedCall
from tests.conftest import PUBLIC_BASE_URL, TWILIO_SID, TWILIO_TOKEN


def write_tone(path: Path, *, seconds: float = 2.0, rate: int = 8000) -> Path:
    """A small real WAV (telephone rate) so recordings have true durations."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(int(seconds * rate))
        )
        w.writeframes(frames)
    return path


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    return write_tone(tmp_path / "tone.wav")


Caller = Callable[..., CallTranscript]


@pytest.fixture
def place_call(client: TestClient, tone: Path) -> Caller:
    """Run a call with the given key presses; keyword arguments tune the simulated caller."""

    def run(digits: list[str], **options: object) -> CallTranscript:
        call = SimulatedCall(
            client=client,
            base_url=PUBLIC_BASE_URL,
            auth_token=TWILIO_TOKEN,
            account_sid=TWILIO_SID,
            digits=digits,
            audio=options.pop("audio", tone),  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )
        return call.run()

    return run


@pytest.fixture
def place_call_factory(tmp_path: Path, database_url: str, engine, tone: Path):  # type: ignore[no-untyped-def]
    """Calls against an app whose deployment file is the shipped one plus extra TOML."""
    from contextlib import ExitStack

    from fixmyservice.app import create_app
    from hotline.deployment import DEFAULT_DEPLOYMENT
    from tests.conftest import RecordingDispatcher, make_settings

    stack = ExitStack()

    def factory(*, extra_toml: str) -> Caller:
        config = tmp_path / "deployment.toml"
        config.write_text(DEFAULT_DEPLOYMENT.read_text(encoding="utf-8") + "\n" + extra_toml, encoding="utf-8")
        settings = make_settings(tmp_path, database_url, HOTLINE_CONFIG=config)
        app = create_app(settings, jobs=RecordingDispatcher(), engine=engine)
        client = stack.enter_context(TestClient(app, base_url=PUBLIC_BASE_URL))

        def run(digits: list[str], **options: object) -> CallTranscript:
            return SimulatedCall(
                client=client,
                base_url=PUBLIC_BASE_URL,
                auth_token=TWILIO_TOKEN,
                account_sid=TWILIO_SID,
                digits=digits,
                audio=tone,
                **options,  # type: ignore[arg-type]
            ).run()

        return run

    yield factory
    stack.close()
