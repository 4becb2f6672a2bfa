"""Which stored file is a complaint's audio, and what type it is, for the player staff listen with.

Only a recording intake stored and checked is served: a kept but undecodable file (`broken`) stays for
diagnosis but is not played. The media type comes from the container ffprobe found, not the file name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from hotline.models import Complaint, Recording, RecordingStatus

# ffprobe's format names (AudioInfo.format_name, the first part of Recording.audio_format) to media types.
MEDIA_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "webm": "audio/webm",
    "matroska,webm": "audio/webm",
    "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4",
}
FALLBACK_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class StoredAudio:
    storage_key: str
    media_type: str
    size_bytes: int | None


def stored_audio(session: Session, *, complaint: Complaint) -> StoredAudio | None:
    """The complaint's stored recording (the newest, if there are several), or None while there is none."""
    recording = session.exec(
        select(Recording)
        .where(Recording.complaint_id == complaint.id, Recording.status == RecordingStatus.STORED)
        .where(col(Recording.storage_key).is_not(None))
        .order_by(col(Recording.id).desc())
    ).first()
    if recording is None or recording.storage_key is None:
        return None
    return StoredAudio(
        storage_key=recording.storage_key,
        media_type=media_type_of(recording.audio_format),
        size_bytes=recording.size_bytes,
    )


def media_type_of(audio_format: str | None) -> str:
    """ "wav/pcm_s16le 8000 Hz 1ch" → "audio/wav"; unknown containers are served as plain bytes."""
    container = (audio_format or "").split("/", 1)[0].strip().lower()
    return MEDIA_TYPES.get(container, FALLBACK_TYPE)
