"""Responses as the answer workflow will leave them: text, and audio already normalised into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from hotline.audio_store import AudioStore
from hotline.models import Complaint, Response, utcnow
from hotline.settings import Settings


def make_response(
    session: Session,
    complaint: Complaint,
    *,
    settings: Settings,
    text: str = "",
    audio: Path | None = None,
    version: int = 1,
    **overrides: Any,
) -> Response:
    """A response version; `audio` (a WAV) is copied into the app's audio store under a key of its own."""
    values: dict[str, Any] = {
        "complaint_id": complaint.id,
        "provider_id": complaint.provider_id,
        "version": version,
        "text": text,
    }
    if audio is not None:
        key = f"responses/{complaint.reference}/v{version}.wav"
        AudioStore(settings.audio_dir).put(key, audio.read_bytes())
        values.update(audio_key=key, audio_format="wav/pcm_s16le 8000 Hz 1ch")
    values.update(overrides)
    response = Response(**values)
    session.add(response)
    complaint.status, complaint.answered_at = "answered", utcnow()
    session.add(complaint)
    session.commit()
    return response
