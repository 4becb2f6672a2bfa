"""Look-ups of recordings by Twilio's id, shared by the call flow (which creates them) and intake (which fills them)."""

from __future__ import annotations

from sqlmodel import Session, select

from hotline.models import Recording


def find_recording(session: Session, *, recording_sid: str) -> Recording | None:
    return session.exec(select(Recording).where(Recording.twilio_recording_sid == recording_sid)).first()
