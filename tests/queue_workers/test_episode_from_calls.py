"""An episode from real calls: callers phone the demo hotline (one says no to broadcast), a real worker fetches
and decodes their recordings with the Korean model, staff confirm the transcripts through the API, and the
producer drafts this week's show for the demo station: the caller who refused is not in it, and a trim on
the reviewed words gives clip points that bracket the words the model timed, never cutting into the next."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.models import Complaint, Transcript
from hotline.settings import Settings
from queue_workers.worker import run_worker
from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher, reread
from tests.queue_workers.conftest import KOREAN_REPORT, Caller
from tests.staff.review_api import bearer
from tests.transcription.audio_factory import AudioFactory

# The embedded Redis only (the default deployment's): what this test proves (who is left out, clip points on word
# timings) happens in the database and the API, not in Redis. Real calls decoded by a real worker on both
# servers are test_transcribe_job's, and test_episode_build runs the same calls-to-episode path on the local one.
pytestmark = [pytest.mark.vosk, pytest.mark.parametrize("redis_conn", ["embedded"], indirect=True)]

NOT_FOR_BROADCAST = [*KOREAN_REPORT[:-1], "2"]  # the same call, but the caller presses 2 at the consent menu


def _machine_words(session: Session, reference: str) -> list[dict[str, Any]]:
    reread(session)
    complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).one()
    transcript = session.exec(
        select(Transcript).where(Transcript.complaint_id == complaint.id, Transcript.version == 1)
    ).one()
    return list(transcript.words or [])


def test_an_episode_drafted_from_real_calls_leaves_out_the_refusal_and_cuts_on_word_timings(
    call_in: Caller, worker_settings: Settings, speech: AudioFactory, session: Session, engine: Engine
) -> None:
    consented = [call_in(KOREAN_REPORT, speech.speech()) for _ in range(2)]
    refused = call_in(NOT_FOR_BROADCAST, speech.speech())
    run_worker(worker_settings, burst=True)  # intake, then decoding, for all three

    app = create_app(worker_settings, jobs=RecordingDispatcher(), engine=engine)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        staff = bearer(session, "staff")
        for reference in [*consented, refused]:
            confirmed = client.post(
                f"/api/complaints/{reference}/transcripts", json={"based_on_version": 1, "confirm": True}, headers=staff
            )
            assert confirmed.status_code == 201, confirmed.text
        producer = bearer(session, "producer")
        drafted = client.post("/api/episodes", json={"station": "demo-fm"}, headers=producer)
        assert drafted.status_code == 201, drafted.text
        episode = drafted.json()
        everything = [*episode["chosen"], *episode["candidates"]]
        assert {s["reference"] for s in everything} == set(consented)
        assert refused not in drafted.text

        lead = episode["chosen"][0]
        words = _machine_words(session, lead["reference"])
        assert len(words) >= 2 and lead["words"] == [w["word"] for w in words]  # confirmed unchanged
        whole = lead["clip"]
        assert whole is not None and whole["start"] <= words[0]["start"] and whole["end"] >= words[-1]["end"]
        trim = {"version": episode["version"], "segments": [{"id": lead["id"], "trim": {"first": 0, "last": 0}}]}
        edited = client.patch(f"/api/episodes/{episode['id']}", json=trim, headers=producer)
        assert edited.status_code == 200, edited.text
        clip = next(s for s in edited.json()["chosen"] if s["id"] == lead["id"])["clip"]
        assert clip["start"] <= words[0]["start"] < words[0]["end"] <= clip["end"] <= words[1]["start"]
