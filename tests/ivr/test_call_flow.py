"""Whole calls through the HTTP app: signed form posts, TwiML followed verb by verb, XPath checks."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from hotline.models import Call, CallOutcome, Complaint, ComplaintStatus, Recording, RecordingStatus
from hotline.references import is_valid_reference
from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher
from tests.ivr.conftest import Caller

# Mongolian, report, health (1), Khovd (84), may broadcast.
FULL_REPORT = ["1", "1", "1", "84#", "1"]


def _one(session: Session, model: type) -> object:
    rows = session.exec(select(model)).all()
    assert len(rows) == 1, f"expected one {model.__name__}, found {len(rows)}"
    return rows[0]


def test_full_report_stores_a_referenced_complaint(place_call: Caller, session: Session, jobs: RecordingDispatcher):
    """The spine of the product: a call becomes a complaint whose reference the caller hears."""
    heard = place_call(FULL_REPORT, from_number="+976 9911-2233")

    complaint = _one(session, Complaint)
    assert isinstance(complaint, Complaint)
    assert (complaint.language, complaint.sector, complaint.area) == ("mn", "health", "84")
    assert complaint.broadcast_consent is True
    assert complaint.status == ComplaintStatus.RECEIVED
    assert is_valid_reference(complaint.reference)
    assert heard.reference == complaint.reference
    assert heard.hung_up

    recording = _one(session, Recording)
    assert isinstance(recording, Recording)
    assert recording.twilio_recording_sid == heard.recording_sid
    assert recording.complaint_id == complaint.id
    assert recording.status == RecordingStatus.PENDING
    assert recording.reported_duration_seconds == 2
    assert jobs.recordings == [heard.recording_sid]

    call = _one(session, Call)
    assert isinstance(call, Call)
    assert call.outcome == CallOutcome.REPORTED
    assert "9911" not in call.caller_number_encrypted and "2233" not in call.caller_number_encrypted
    assert call.caller_masked.endswith("33") and "9911" not in call.caller_masked
    assert call.ended_at is not None and call.duration_seconds == 42


def test_twiml_of_each_step(place_call: Caller):
    """Each step's TwiML has the shape Twilio needs (checked structurally, not byte for byte)."""
    heard = place_call(FULL_REPORT)
    first, main, sector, area, consent, record, readout = heard.responses[:7]

    greeting, *options = first.findall("./Gather[@numDigits='1'][@action]/Say")
    assert greeting.text and greeting.text.startswith("Сайн байна уу"), "greeting first, callers may barge in"
    assert len(options) == 2, "one option per language"
    assert first.find("./Gather").get("action").startswith(f"{PUBLIC_BASE_URL}/ivr/language?attempt=1")
    assert first.find("./Redirect").text.endswith("missing=1")
    assert main.find("./Gather[@numDigits='1']").get("action").startswith(f"{PUBLIC_BASE_URL}/ivr/main")
    assert len(sector.findall("./Gather/Say")) == 1 + 6, "intro plus one option per sector"
    area_gather = area.find("./Gather[@finishOnKey='#'][@actionOnEmptyResult='true']")
    assert area_gather is not None and area_gather.get("numDigits") is None
    assert consent.find("./Gather[@numDigits='1']").get("action").startswith(f"{PUBLIC_BASE_URL}/ivr/consent")

    rec = record.find("./Record")
    assert rec is not None
    assert rec.get("maxLength") == "180" and rec.get("finishOnKey") == "#" and rec.get("playBeep") == "true"
    assert rec.get("recordingStatusCallback") == f"{PUBLIC_BASE_URL}/ivr/recording-status"
    assert record.find("./Redirect").text == f"{PUBLIC_BASE_URL}/ivr/no-recording"
    assert readout.find("./Hangup") is not None
    digits_said = [s.text for s in readout.findall("./Say") if s.text and re.sub(r"[ ,]", "", s.text).isdigit()]
    ref = heard.reference
    assert ref is not None and len(ref) == 9
    grouped = f"{' '.join(ref[:3])}, {' '.join(ref[3:6])}, {' '.join(ref[6:])}"  # "4 8 2, 7 1 5, 3 9 8"
    assert digits_said == [grouped] * 2, "reference read in groups of three digits, twice"


def test_english_prompts_use_say_language(place_call: Caller):
    """English has a Twilio voice: its prompts carry language='en-US'."""
    heard = place_call(["2", "1", "4", "11#", "2"])
    main = heard.responses[1]
    assert all(s.get("language") == "en-US" for s in main.iter("Say"))
    assert heard.reference is not None


def test_area_unknown_with_hash_or_star(place_call: Caller, session: Session):
    """'#' alone or '*' means the caller doesn't know the area: the report still goes through."""
    place_call(["1", "1", "2", "#", "2"])
    place_call(["1", "1", "3", "*#", "1"])
    complaints = session.exec(select(Complaint).order_by(Complaint.id)).all()
    assert [(c.sector, c.area, c.broadcast_consent) for c in complaints] == [
        ("education", None, False),
        ("welfare", None, True),
    ]
    calls = session.exec(select(Call)).all()
    assert {c.area_source for c in calls} == {"unknown"}


def test_hang_up_during_recording_keeps_the_complaint(place_call: Caller, session: Session, jobs: RecordingDispatcher):
    """A caller who hangs up mid-message has still told us something; nothing is lost."""
    heard = place_call(FULL_REPORT, hang_up_during_recording=True)
    complaint = _one(session, Complaint)
    assert isinstance(complaint, Complaint)
    assert complaint.sector == "health"
    assert jobs.recordings == [heard.recording_sid]
    call = _one(session, Call)
    assert isinstance(call, Call) and call.outcome == CallOutcome.REPORTED


def test_empty_recording_leaves_call_record_and_no_complaint(place_call: Caller, session: Session, jobs):
    """Twilio reports an empty recording: the call says so; no empty complaint is made."""
    heard = place_call(FULL_REPORT, empty_recording=True)
    assert session.exec(select(Complaint)).all() == []
    call = _one(session, Call)
    assert isinstance(call, Call) and call.outcome == CallOutcome.NO_RECORDING
    recording = _one(session, Recording)
    assert isinstance(recording, Recording)
    assert recording.status == RecordingStatus.ABSENT and recording.complaint_id is None
    assert jobs.recordings == []
    assert heard.responses[-1].find("./Hangup") is not None
    assert heard.reference is None


def test_status_check_reads_the_status(place_call: Caller, session: Session, settings):
    """A caller phones back with the reference number and hears where the complaint stands."""
    reference = place_call(FULL_REPORT).reference
    assert reference
    heard = place_call(["2", "2", reference + "#"])
    result = heard.responses[-1]
    said = " ".join(s.text or "" for s in result.iter("Say"))
    assert f"{' '.join(reference[:3])}, {' '.join(reference[3:6])}, {' '.join(reference[6:])}" in said
    assert settings.deployment.language("en").status_names["received"] in said
    assert result.find("./Hangup") is not None
    calls = session.exec(select(Call).order_by(Call.id)).all()
    assert calls[-1].outcome == CallOutcome.STATUS_CHECKED
    assert len(session.exec(select(Complaint)).all()) == 1, "checking a status creates nothing"


def test_status_check_unknown_reference_replays_then_ends(place_call: Caller, session: Session):
    """A mistyped reference (check digit wrong) gets 'not found' and another try, at most three."""
    heard = place_call(["2", "2", "123456789#", "987654321#", "111111111#"])
    second = heard.responses[-2]
    assert second.find("./Gather[@finishOnKey='#']") is not None
    assert heard.responses[-1].find("./Hangup") is not None
    calls = session.exec(select(Call)).all()
    assert calls[0].outcome == CallOutcome.GAVE_UP
