"""The status line end to end: a caller phones back with the reference and hears the provider's answer.

Every call goes through the real app as Twilio would drive it (ivr.simulator): signed webhooks, the TwiML
followed verb by verb, and <Play> links fetched without credentials and decoded, as Twilio's media fetcher does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from fixmyservice.app import create_app
from hotline.answer_tokens import answer_token
from hotline.feedback import feedback_of_complaint, satisfaction_by_provider
from hotline.models import Complaint, Feedback, StatusLookup, utcnow
from hotline.settings import Settings
from ivr.simulator import CallTranscript, SimulatedCall
from tests.answer_factories import make_response
from tests.answers import make_provider, make_routed
from tests.conftest import PUBLIC_BASE_URL, TWILIO_SID, TWILIO_TOKEN, RecordingDispatcher, make_settings, reread
from tests.ivr.conftest import Caller, write_tone

ENGLISH, STATUS_LINE = "2", "2"  # the Mongolian deployment: language 2 is English, main menu 2 the status line


def _said(call: CallTranscript) -> str:
    return " | ".join(call.heard)


def _prompt(settings: Settings, prompt_id: str) -> str:
    return settings.deployment.language("en").prompts[prompt_id]


def _signed_post(client: TestClient, url: str, form: dict[str, str]) -> ET.Element:
    """Send a webhook again exactly as Twilio retries it: same URL, same fields, same signature."""
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    response = client.post(url, data=form, headers={"X-Twilio-Signature": signature})
    response.raise_for_status()
    return ET.fromstring(response.content)


def _count(session: Session, model: type) -> int:
    reread(session)
    return int(session.exec(select(func.count()).select_from(model)).one())


@pytest.fixture
def answered(session: Session) -> Complaint:
    return make_routed(session, make_provider(session, "Clinic"))


def test_a_text_answer_is_read_out_after_the_status(
    place_call: Caller, session: Session, settings: Settings, answered: Complaint
) -> None:
    make_response(session, answered, settings=settings, text="The clinic has new medicine since Monday.")
    call = place_call([ENGLISH, STATUS_LINE, answered.reference + "#", ""])
    said = _said(call)
    assert settings.deployment.language("en").status_names["answered"] in said
    assert _prompt(settings, "answer_text_intro") in said
    assert "The clinic has new medicine since Monday." in said
    assert _prompt(settings, "answer_menu") in said
    assert call.responses[-1].find("./Gather[@numDigits='1']") is not None
    assert call.hung_up and said.endswith(_prompt(settings, "goodbye"))


def test_a_recorded_answer_is_played_from_a_link_twilio_can_fetch_and_decode(
    place_call: Caller, session: Session, settings: Settings, answered: Complaint, tmp_path: Path
) -> None:
    wav = write_tone(tmp_path / "answer.wav", seconds=3.0)
    response = make_response(session, answered, settings=settings, text="also as text", audio=wav)
    # 1: hear it again; then silence ends the call.
    call = place_call([ENGLISH, STATUS_LINE, answered.reference + "#", "1", ""], fetch_played=True)
    assert _prompt(settings, "answer_intro") in _said(call)
    assert "also as text" not in _said(call), "audio wins over text"
    assert len(call.played) == 2, call.played  # the answer, then again
    for played in call.played:
        assert played.url.startswith(f"{PUBLIC_BASE_URL}/ivr/answers/{response.id}.wav?token=")
        assert played.status_code == 200 and played.duration_seconds == pytest.approx(3.0, abs=0.1), played
    status_said = [line for line in call.heard if "answered by the responsible office" in line]
    assert len(status_said) == 1, "the replay repeats the answer, not the status"


def test_an_answer_whose_audio_file_is_gone_falls_back_to_its_text(
    place_call: Caller, session: Session, settings: Settings, answered: Complaint, tmp_path: Path
) -> None:
    response = make_response(
        session, answered, settings=settings, text="In writing too.", audio=write_tone(tmp_path / "a.wav")
    )
    assert response.audio_key
    (settings.audio_dir / response.audio_key).unlink()
    call = place_call([ENGLISH, STATUS_LINE, answered.reference + "#", ""], fetch_played=True)
    assert "In writing too." in _said(call) and call.played == []


def test_without_an_answer_the_caller_hears_the_status_and_goodbye(
    place_call: Caller, session: Session, settings: Settings, answered: Complaint
) -> None:
    call = place_call([ENGLISH, STATUS_LINE, answered.reference + "#"])
    said = _said(call)
    assert settings.deployment.language("en").status_names["routed"] in said
    assert _prompt(settings, "answer_menu") not in said and call.played == []
    assert call.hung_up


def test_an_unknown_reference_is_told_politely(place_call: Caller, session: Session, settings: Settings) -> None:
    call = place_call([ENGLISH, STATUS_LINE, "123456789#", ""])
    assert _prompt(settings, "status_not_found") in _said(call)
    assert _count(session, StatusLookup) == 1


def test_the_caller_says_whether_satisfied_and_it_is_kept_once_per_call(
    place_call: Caller, client: TestClient, session: Session, settings: Settings, answered: Complaint, engine: Engine
) -> None:
    make_response(session, answered, settings=settings, text="Fixed on Monday.")
    call = place_call([ENGLISH, STATUS_LINE, answered.reference + "#", "2", "1"])
    said = _said(call)
    assert _prompt(settings, "feedback_prompt") in said and _prompt(settings, "feedback_thanks") in said
    feedback = session.exec(select(Feedback)).one()
    assert feedback.complaint_id == answered.id and feedback.satisfied and feedback.twilio_call_sid == call.call_sid

    # Twilio retries the step, and the caller cannot change the answer within the same call.
    url, form = next((u, f) for u, f in reversed(call.requests) if "/ivr/feedback" in u)
    _signed_post(client, url, form)
    _signed_post(client, url, {**form, "Digits": "2"})
    assert _count(session, Feedback) == 1 and session.exec(select(Feedback)).one().satisfied

    # A later call may say otherwise; the provider's counts hold both.
    place_call([ENGLISH, STATUS_LINE, answered.reference + "#", "2", "2"])
    assert _count(session, Feedback) == 2
    with engine.connect() as connection:
        counts = satisfaction_by_provider(connection)[answered.provider_id or 0]
        of_complaint = feedback_of_complaint(connection, complaint_id=answered.id or 0)
    assert (counts.satisfied, counts.not_satisfied) == (1, 1) == (of_complaint.satisfied, of_complaint.not_satisfied)


def test_a_wrong_key_in_the_feedback_menu_asks_again(
    place_call: Caller, session: Session, settings: Settings, answered: Complaint
) -> None:
    make_response(session, answered, settings=settings, text="Fixed.")
    call = place_call([ENGLISH, STATUS_LINE, answered.reference + "#", "2", "7", "2"])
    assert _prompt(settings, "invalid_choice") in _said(call)
    assert not session.exec(select(Feedback)).one().satisfied


def test_a_retried_status_check_is_one_look_up(
    place_call: Caller, client: TestClient, session: Session, answered: Complaint
) -> None:
    call = place_call([ENGLISH, STATUS_LINE, answered.reference + "#"])
    url, form = next((u, f) for u, f in reversed(call.requests) if "/ivr/status-check" in u)
    again = _signed_post(client, url, form)
    assert again.find("./Hangup") is not None
    assert _count(session, StatusLookup) == 1


# --- the answer's audio link -------------------------------------------------------------------------


@pytest.fixture
def audio_answer(session: Session, settings: Settings, answered: Complaint, tmp_path: Path) -> int:
    response = make_response(session, answered, settings=settings, audio=write_tone(tmp_path / "a.wav"))
    assert response.id is not None
    return response.id


def _secret(settings: Settings) -> str:
    return settings.SECRET_KEY.get_secret_value()


def test_the_audio_link_opens_with_its_token_only(client: TestClient, settings: Settings, audio_answer: int) -> None:
    path = f"/ivr/answers/{audio_answer}.wav"
    good = answer_token(secret_key=_secret(settings), response_id=audio_answer)
    ok = client.get(f"{path}?token={good}")
    assert ok.status_code == 200 and ok.content.startswith(b"RIFF") and ok.headers["content-type"] == "audio/wav"

    expires, mac = good.split(".")
    expired = answer_token(secret_key=_secret(settings), response_id=audio_answer, now=utcnow() - timedelta(minutes=11))
    refused = {
        "no token": "",
        "expired": expired,
        "another response's token": answer_token(secret_key=_secret(settings), response_id=audio_answer + 1),
        "expiry pushed later": f"{int(expires) + 3600}.{mac}",
        "signature altered": f"{expires}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",
        "another key": answer_token(secret_key="another-secret-" + "y" * 32, response_id=audio_answer),
    }
    for what, token in refused.items():
        assert client.get(f"{path}?token={token}").status_code == 403, what


def test_a_twilio_signed_fetch_of_the_audio_is_admitted(client: TestClient, audio_answer: int) -> None:
    url = f"{PUBLIC_BASE_URL}/ivr/answers/{audio_answer}.wav"
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, {})
    assert client.get(url, headers={"X-Twilio-Signature": signature}).status_code == 200
    assert client.get(url, headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}).status_code == 403


def test_a_valid_link_to_a_text_only_answer_is_404(
    client: TestClient, session: Session, settings: Settings, answered: Complaint
) -> None:
    response = make_response(session, answered, settings=settings, text="text only")
    assert response.id is not None
    token = answer_token(secret_key=_secret(settings), response_id=response.id)
    assert client.get(f"/ivr/answers/{response.id}.wav?token={token}").status_code == 404


# --- the daily limit ---------------------------------------------------------------------------------


@pytest.fixture
def limited_client(tmp_path: Path, database_url: str, engine: Engine) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, database_url, STATUS_LOOKUPS_PER_DAY=2)
    with TestClient(create_app(settings, jobs=RecordingDispatcher(), engine=engine), base_url=PUBLIC_BASE_URL) as c:
        yield c


def _call(client: TestClient, digits: list[str], from_number: str = "+97699000001") -> CallTranscript:
    return SimulatedCall(
        client=client,
        base_url=PUBLIC_BASE_URL,
        auth_token=TWILIO_TOKEN,
        account_sid=TWILIO_SID,
        digits=digits,
        from_number=from_number,
    ).run()


def test_past_the_daily_limit_nothing_is_looked_up_even_in_a_new_call(
    limited_client: TestClient, session: Session, settings: Settings, answered: Complaint
) -> None:
    exhausted = _prompt(settings, "lookups_exhausted")
    first = _call(limited_client, [ENGLISH, STATUS_LINE, "123456789#", "987654321#", answered.reference + "#"])
    assert exhausted in _said(first) and first.hung_up
    assert "answered" not in _said(first) and "passed to the responsible office" not in _said(first)
    assert _count(session, StatusLookup) == 2

    second = _call(limited_client, [ENGLISH, STATUS_LINE, answered.reference + "#"])
    assert exhausted in _said(second) and "passed to the responsible office" not in _said(second)
    assert _count(session, StatusLookup) == 2, "a refused look-up is not made, nor recorded"

    other_caller = _call(limited_client, [ENGLISH, STATUS_LINE, answered.reference + "#"], from_number="+97699000002")
    assert "passed to the responsible office" in _said(other_caller)
    assert _count(session, StatusLookup) == 3
    lookups = session.exec(select(StatusLookup)).all()
    assert all("9769900000" not in row.caller_hash for row in lookups), "the number is kept only as a keyed hash"
    assert len({row.caller_hash for row in lookups}) == 2
