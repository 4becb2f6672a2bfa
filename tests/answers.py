"""Providers, their logins and routed complaints for the answer and isolation tests, plus answer audio made
at test time (espeak-ng speech, re-encoded by ffmpeg into the formats phones and browsers upload)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from hotline import api_tokens, passwords
from hotline.models import Complaint, Provider, User, utcnow
from tests.factories import make_complaint, make_transcript
from tests.staff.web.conftest import PASSWORD

# ffmpeg arguments per upload format (the container follows from the file name).
UPLOAD_FORMATS: dict[str, list[str]] = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "48k"],
    "ogg": ["-c:a", "libopus", "-b:a", "24k"],
    "m4a": ["-c:a", "aac", "-b:a", "48k"],
    "webm": ["-c:a", "libopus", "-b:a", "24k"],
    "wav": ["-ar", "44100", "-ac", "2"],
}


def make_provider(session: Session, name: str = "Clinic", **fields: Any) -> Provider:
    provider = Provider(names={"en": name, "mn": name}, email=f"{name.lower()}@example.org", **fields)
    session.add(provider)
    session.commit()
    return provider


def make_provider_user(session: Session, email: str, provider: Provider) -> User:
    """A provider's login as the users CLI will make it: role provider, tied to one provider (logs in with PASSWORD)."""
    user = User(email=email, role="provider", provider_id=provider.id, password_hash=passwords.hash_password(PASSWORD))
    session.add(user)
    session.commit()
    return user


def token_for(session: Session, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_tokens.create_token(session, email=user.email).token}"}


def make_routed(session: Session, provider: Provider, *, days_left: float = 30, **overrides: Any) -> Complaint:
    """A complaint routed to `provider` (as routing will leave it), with a staff-reviewed transcript."""
    now = utcnow()
    values: dict[str, Any] = {
        "status": "routed",
        "provider_id": provider.id,
        "routed_at": now,
        "response_deadline_at": now + timedelta(days=days_left),
    }
    complaint = make_complaint(session, **{**values, **overrides})
    make_transcript(session, complaint, version=1, source="staff", text="эмнэлэгт эм байхгүй, тусламж хэрэгтэй")
    return complaint


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:  # scripts/setup.sh installs it: a missing tool is a broken machine, not a skip
        pytest.fail(f"{name} is not installed (run scripts/setup.sh)")
    return found


def spoken_answer(directory: Path, extension: str = "wav") -> Path:
    """A few seconds of English speech from espeak-ng, in the given upload format."""
    speech = directory / "answer-speech.wav"
    if not speech.exists():
        text = "The clinic has received new medicine. Please come back on Monday."
        subprocess.run([_tool("espeak-ng"), "-v", "en", "-w", str(speech), text], check=True, timeout=60)
    target = directory / ("answer-44k-stereo.wav" if extension == "wav" else f"answer.{extension}")
    if not target.exists():
        command = [_tool("ffmpeg"), "-v", "error", "-y", "-i", str(speech), *UPLOAD_FORMATS[extension], str(target)]
        subprocess.run(command, check=True, capture_output=True, timeout=60)
    return target
