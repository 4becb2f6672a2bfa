"""Twilio retries and reorders callbacks: any replay, in any order, converges on one complaint."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from hotline.models import Call, Complaint, Recording, RecordingStatus
from ivr.simulator import CallTranscript
from tests.conftest import PUBLIC_BASE_URL, TWILIO_TOKEN, RecordingDispatcher, reread
from tests.ivr.conftest import Caller


def _replay(client: TestClient, url: str, form: dict[str, str]) -> int:
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    return client.post(url, data=form, headers={"X-Twilio-Signature": signature}).status_code


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(len(session.exec(select(m)).all()) for m in (Call, Complaint, Recording))  # type: ignore[return-value]


def test_replaying_every_request_creates_nothing_new(place_call: Caller, client: TestClient, session: Session):
    heard: CallTranscript = place_call(["1", "1", "1", "84#", "1"])
    before = _counts(session)
    reference = session.exec(select(Complaint)).one().reference
    for url, form in heard.requests:
        assert _replay(client, url, form) in (200, 204)
    assert _counts(session) == before == (1, 1, 1)
    assert session.exec(select(Complaint)).one().reference == reference


@pytest.mark.parametrize("order", list(itertools.permutations(["recorded", "recording-status", "status"])))
def test_callbacks_in_any_order(
    order, place_call: Caller, client: TestClient, session: Session, jobs: RecordingDispatcher
):
    """Record action, recording status and call status may arrive in any order, twice each."""
    heard = place_call(["1", "1", "1", "84#", "1"], hang_up_during_recording=True)
    session.exec(select(Complaint)).one()
    by_step = {url.split("/ivr/")[1].split("?")[0]: (url, form) for url, form in heard.requests}
    # Start again on a fresh database state for the callbacks: delete what the call created.
    complaint = session.exec(select(Complaint)).one()
    recording = session.exec(select(Recording)).one()
    session.delete(recording)
    session.commit()  # the recording points at the complaint: delete it first
    session.delete(complaint)
    session.commit()
    for step in [*order, *reversed(order)]:
        assert _replay(client, *by_step[step]) in (200, 204)
    assert _counts(session) == (1, 1, 1)
    recording = session.exec(select(Recording)).one()
    assert recording.complaint_id == session.exec(select(Complaint)).one().id


def test_concurrent_duplicate_callbacks_make_one_complaint(place_call: Caller, client: TestClient, session: Session):
    """Two copies of the same callback racing each other still make one complaint and one recording."""
    heard = place_call(["1", "1", "1", "84#", "1"])
    status_url, status_form = next((u, f) for u, f in heard.requests if "/ivr/recording-status" in u)
    action_url, action_form = next((u, f) for u, f in heard.requests if "/ivr/recorded" in u)
    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(
            pool.map(lambda a: _replay(client, *a), [(status_url, status_form), (action_url, action_form)] * 4)
        )
    assert set(codes) <= {200, 204}
    assert _counts(session) == (1, 1, 1)


def test_unknown_call_status_callback_is_recorded(client: TestClient, session: Session):
    """A status callback for a call we never saw still leaves a call record (nothing is dropped)."""
    url = f"{PUBLIC_BASE_URL}/ivr/status"
    form = {"CallSid": "CA" + "e" * 32, "From": "+97699000002", "To": "+9767", "CallStatus": "no-answer"}
    assert _replay(client, url, form) == 204
    call = session.exec(select(Call)).one()
    assert call.twilio_status == "no-answer" and call.ended_at is not None


def test_an_absent_report_then_real_audio_trusts_the_audio(place_call: Caller, client: TestClient, session: Session):
    """Twilio first says the recording is absent, then delivers it: the row becomes the complaint's, pending."""
    heard = place_call(["1", "1", "1", "84#", "1"])
    action_url, action_form = next((u, f) for u, f in heard.requests if "/ivr/recorded" in u)
    status_url, status_form = next((u, f) for u, f in heard.requests if "/ivr/recording-status" in u)
    complaint = session.exec(select(Complaint)).one()
    session.delete(session.exec(select(Recording)).one())
    session.commit()
    absent = {k: v for k, v in status_form.items() if k != "RecordingUrl"} | {
        "RecordingStatus": "absent",
        "RecordingDuration": "0",
    }
    assert _replay(client, status_url, absent) == 204  # the complaint exists: nothing is noted
    session.delete(complaint)
    session.commit()
    assert _replay(client, status_url, absent) == 204  # no complaint yet: an absent row is kept
    assert session.exec(select(Recording)).one().status == RecordingStatus.ABSENT

    assert _replay(client, action_url, action_form) == 200
    assert _replay(client, status_url, status_form) == 204
    reread(session)
    recording = session.exec(select(Recording)).one()
    complaint = session.exec(select(Complaint)).one()
    assert (recording.status, recording.complaint_id) == (RecordingStatus.PENDING, complaint.id)
    assert recording.source_url == action_form["RecordingUrl"]
    assert recording.reported_duration_seconds == int(action_form["RecordingDuration"])
