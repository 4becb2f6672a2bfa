"""Every value Twilio may legally send is handled, and anything else is refused cleanly: never a 500.

On PostgreSQL (the suite's second pass) these also prove the columns are wide enough: SIP URIs,
client identities and long media URLs used to overflow varchar columns there.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from hotline.models import Call, Recording
from ivr.twilio_form import MAX_BODY_BYTES
from tests.conftest import PUBLIC_BASE_URL, TWILIO_TOKEN

CALL_SID = "CA" + "a" * 32


def _post(client: TestClient, path: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    url = f"{PUBLIC_BASE_URL}{path}"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    return client.post(url, data=form, headers={"X-Twilio-Signature": signature})


def _gathers(response) -> list[ET.Element]:  # type: ignore[no-untyped-def]
    return ET.fromstring(response.text).findall(".//Gather")


def test_a_signed_request_without_callsid_is_400_and_stores_nothing(client: TestClient, session: Session) -> None:
    response = _post(client, "/ivr/voice", {"From": "+97699000001", "To": "+97670000000"})

    assert response.status_code == 400
    assert session.exec(select(Call)).all() == []


@pytest.mark.parametrize("sid", ["CA" + "b" * 68, "", "CA 123", "CA\u00b2" + "1" * 31])
def test_malformed_callsids_are_400(client: TestClient, session: Session, sid: str) -> None:
    response = _post(client, "/ivr/voice", {"CallSid": sid, "From": "+97699000001"})

    assert response.status_code == 400
    assert session.exec(select(Call)).all() == []


def test_uuid_call_ids_from_other_twiml_platforms_work(client: TestClient, session: Session) -> None:
    sid = "6d3a5a04-2c1e-4c7e-8a43-0f8b2f1d9c11"  # Somleng, used in Cambodia, sends UUIDs
    assert _post(client, "/ivr/voice", {"CallSid": sid, "From": "+85512345678"}).status_code == 200
    assert session.exec(select(Call.twilio_call_sid)).all() == [sid]


def test_sip_uris_and_client_identities_are_stored_whole(client: TestClient, session: Session) -> None:
    sip_to = "sip:hotline-khovd-station@fixmyservice.sip.twilio.com;transport=tls"  # 65 characters
    client_from = "client:" + "volunteer-" * 30  # a Twilio Client identity of 307 characters

    response = _post(client, "/ivr/voice", {"CallSid": CALL_SID, "From": client_from, "To": sip_to})

    assert response.status_code == 200
    call = session.exec(select(Call)).one()
    assert call.called_number == sip_to
    assert client_from not in call.caller_masked  # masked, and encrypted at rest
    assert call.caller_number_encrypted and client_from not in call.caller_number_encrypted


def test_a_long_recording_url_is_kept(client: TestClient, session: Session) -> None:
    _post(client, "/ivr/voice", {"CallSid": CALL_SID, "From": "+97699000001"})
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1?" + "token=" + "x" * 1100

    response = _post(
        client,
        "/ivr/recording-status",
        {"CallSid": CALL_SID, "RecordingSid": "RE" + "c" * 32, "RecordingUrl": url, "RecordingStatus": "completed",
         "RecordingDuration": "12"},
    )  # fmt: skip

    assert response.status_code == 204
    assert session.exec(select(Recording.source_url)).one() == url


@pytest.mark.parametrize("digits", ["\u00b2", "1" * 5000, "\u0661", "１", "12a", "-1"])
def test_odd_digits_replay_the_language_menu(client: TestClient, digits: str) -> None:
    _post(client, "/ivr/voice", {"CallSid": CALL_SID, "From": "+97699000001"})

    response = _post(client, "/ivr/language?attempt=1", {"CallSid": CALL_SID, "Digits": digits})

    assert response.status_code == 200
    gather = _gathers(response)
    assert gather and "/ivr/language?attempt=2" in gather[0].attrib["action"]


@pytest.mark.parametrize("attempt", ["99999999999999999999", "\u00b2", "-5", ""])
def test_odd_attempt_counters_in_our_own_urls_do_not_crash(client: TestClient, attempt: str) -> None:
    _post(client, "/ivr/voice", {"CallSid": CALL_SID, "From": "+97699000001"})

    response = _post(client, f"/ivr/main?{urlencode({'attempt': attempt})}", {"CallSid": CALL_SID, "Digits": "7"})

    assert response.status_code == 200
    assert ET.fromstring(response.text).tag == "Response"


@pytest.mark.parametrize("duration", ["\u00b2", "9" * 5000, "-3", "1e3"])
def test_odd_durations_are_ignored_not_fatal(client: TestClient, session: Session, duration: str) -> None:
    _post(client, "/ivr/voice", {"CallSid": CALL_SID, "From": "+97699000001"})

    response = _post(client, "/ivr/status", {"CallSid": CALL_SID, "CallStatus": "completed", "CallDuration": duration})

    assert response.status_code == 204
    call = session.exec(select(Call)).one()
    assert (call.twilio_status, call.duration_seconds) == ("completed", None)


def test_an_unknown_call_status_is_stored_as_unknown(client: TestClient, session: Session) -> None:
    _post(client, "/ivr/status", {"CallSid": CALL_SID, "CallStatus": "x" * 500})

    assert session.exec(select(Call.twilio_status)).one() == "unknown"


def test_an_oversized_body_is_refused_before_parsing(client: TestClient, session: Session) -> None:
    form = {"CallSid": CALL_SID, "Padding": "x" * (MAX_BODY_BYTES + 1)}

    response = _post(client, "/ivr/voice", form)  # validly signed, but no webhook of Twilio's is that large

    assert response.status_code == 413
    assert session.exec(select(Call)).all() == []


def test_an_oversized_streamed_body_without_length_is_refused(client: TestClient) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        yield b"CallSid=" + CALL_SID.encode()
        for _ in range(100):
            yield b"&x=" + b"y" * 4096

    response = client.post(
        f"{PUBLIC_BASE_URL}/ivr/voice",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "anything"},
    )

    assert response.status_code == 413


def test_a_body_that_is_not_a_form_is_400(client: TestClient) -> None:
    response = client.post(f"{PUBLIC_BASE_URL}/ivr/voice", json={"CallSid": CALL_SID})

    assert response.status_code == 400
