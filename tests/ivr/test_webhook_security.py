"""Only Twilio may post to the webhooks: forged, missing or misdirected signatures get 403 and store nothing."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from hotline.models import Call, Complaint, Recording
from tests.conftest import PUBLIC_BASE_URL, TWILIO_TOKEN

FORM = {"CallSid": "CA" + "f" * 32, "From": "+97699000001", "To": "+97670000000", "CallStatus": "ringing"}
ENDPOINTS = [
    "voice",
    "language?attempt=1",
    "main?attempt=1",
    "sector?attempt=1",
    "area?attempt=1",
    "consent?attempt=1",
    "recorded",
    "no-recording",
    "recording-status",
    "status-check?attempt=1",
    "status",
]


def _sign(url: str, form: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, form)


def _nothing_stored(session: Session) -> None:
    for model in (Call, Complaint, Recording):
        assert session.exec(select(model)).all() == [], f"{model.__name__} stored by a refused request"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_missing_signature_is_refused(endpoint: str, client: TestClient, session: Session):
    response = client.post(f"/ivr/{endpoint}", data=FORM)
    assert response.status_code == 403
    _nothing_stored(session)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_signature_with_wrong_token_is_refused(endpoint: str, client: TestClient, session: Session):
    url = f"{PUBLIC_BASE_URL}/ivr/{endpoint}"
    response = client.post(url, data=FORM, headers={"X-Twilio-Signature": _sign(url, FORM, "not-the-token")})
    assert response.status_code == 403
    _nothing_stored(session)


def test_tampered_field_is_refused(client: TestClient, session: Session):
    """A signature is over every field: changing the caller's number after signing breaks it."""
    url = f"{PUBLIC_BASE_URL}/ivr/voice"
    signature = _sign(url, FORM)
    response = client.post(url, data={**FORM, "From": "+97688888888"}, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    _nothing_stored(session)


def test_signature_for_another_url_is_refused(client: TestClient, session: Session):
    """A request signed for another path or query (e.g. replayed at a different step) is refused."""
    url = f"{PUBLIC_BASE_URL}/ivr/main?attempt=1"
    signature = _sign(f"{PUBLIC_BASE_URL}/ivr/main?attempt=2", {**FORM, "Digits": "1"})
    response = client.post(url, data={**FORM, "Digits": "1"}, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    _nothing_stored(session)


def test_valid_signature_behind_a_proxy(client: TestClient, session: Session):
    """The app checks against PUBLIC_BASE_URL, whatever host the request arrived on."""
    url = f"{PUBLIC_BASE_URL}/ivr/voice"
    response = client.post(
        "http://internal-host:8000/ivr/voice", data=FORM, headers={"X-Twilio-Signature": _sign(url, FORM)}
    )
    assert response.status_code == 200
    assert session.exec(select(Call)).one().twilio_call_sid == FORM["CallSid"]


def test_a_signature_over_the_url_with_its_port_is_accepted(client: TestClient, session: Session):
    """Twilio sometimes signs `https://host:443/...` for `https://host/...`. Only the exact URL is checked
    on the fast path; Twilio's validator still settles such variants."""
    signature = _sign(f"{PUBLIC_BASE_URL}:443/ivr/voice", FORM)
    response = client.post(f"{PUBLIC_BASE_URL}/ivr/voice", data=FORM, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    assert session.exec(select(Call)).one().twilio_call_sid == FORM["CallSid"]
