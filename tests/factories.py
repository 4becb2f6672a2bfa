"""Small factories for rows the tests need; keyword overrides win over the defaults."""

from __future__ import annotations

import itertools
from typing import Any

from sqlmodel import Session

from hotline.current_transcript import adopt_transcript
from hotline.models import Call, CallOutcome, Complaint, Recording, RecordingStatus, Tag, Transcript
from hotline.privacy import PhoneNumberProtector, mask_number
from hotline.references import new_reference

CALLER_NUMBER = "+97699112233"
_protector = PhoneNumberProtector("factory-secret-" + "f" * 32)
_serial = itertools.count(1)


def make_complaint(
    session: Session,
    *,
    caller_number: str = CALLER_NUMBER,
    recording: dict[str, Any] | None = None,
    **overrides: Any,
) -> Complaint:
    """A reported call with its complaint and stored recording (override recording fields via `recording`)."""
    n = next(_serial)
    call = Call(
        twilio_call_sid=f"CA{n:032d}",
        caller_number_encrypted=_protector.encrypt(caller_number),
        caller_hash=_protector.lookup_hash(caller_number),
        caller_masked=mask_number(caller_number),
        called_number="+97670000000",
        twilio_status="completed",
        outcome=CallOutcome.REPORTED,
        language=overrides.get("language", "mn"),
        sector=overrides.get("sector", "health"),
        area=overrides.get("area", "84"),
        broadcast_consent=overrides.get("broadcast_consent", True),
    )
    session.add(call)
    session.flush()
    values: dict[str, Any] = {
        "reference": new_reference(),
        "call_id": call.id,
        "language": "mn",
        "sector": "health",
        "area": "84",
        "broadcast_consent": True,
    }
    values.update(overrides)
    complaint = Complaint(**values)
    session.add(complaint)
    session.flush()
    rec: dict[str, Any] = {
        "twilio_recording_sid": f"RE{n:032d}",
        "call_id": call.id,
        "complaint_id": complaint.id,
        "source_url": f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE{n:032d}",
        "status": RecordingStatus.STORED,
        "reported_duration_seconds": 42,
        "duration_seconds": 41.5,
        "attempts": 1,
    }
    rec.update(recording or {})
    session.add(Recording(**rec))
    session.commit()
    return complaint


def make_transcript(session: Session, complaint: Complaint, **overrides: Any) -> Transcript:
    values: dict[str, Any] = {
        "complaint_id": complaint.id,
        "version": 1,
        "source": "machine",
        "text": "эмнэлэгт эм байхгүй",
        "words": [
            {"word": "эмнэлэгт", "start": 0.4, "end": 1.1, "conf": 0.92},
            {"word": "эм", "start": 1.2, "end": 1.4, "conf": 0.71},
            {"word": "байхгүй", "start": 1.5, "end": 2.0, "conf": 0.88},
        ],
        "mean_confidence": 0.84,
        "model": "vosk-model-small-mn",
        "audio_duration_seconds": 41.5,
    }
    values.update(overrides)
    transcript = Transcript(**values)
    session.add(transcript)
    if transcript.version >= complaint.transcript_version:  # as the pipeline and the editor do
        adopt_transcript(session, complaint, transcript)
    session.commit()
    return transcript


def make_tag(session: Session, complaint: Complaint, **overrides: Any) -> Tag:
    values: dict[str, Any] = {
        "complaint_id": complaint.id,
        "kind": "sector",
        "code": "health",
        "label": "Эрүүл мэнд",
        "score": 1.0,
        "source": "menu",
    }
    values.update(overrides)
    tag = Tag(**values)
    session.add(tag)
    session.commit()
    return tag
