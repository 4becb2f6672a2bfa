"""Bring a caller's recording home: download, check it is audio, store it with its checksum.

Called by the intake job with a RecordingSid. It re-reads the row and returns quietly if the work
is already done, so a replayed or duplicated job is harmless. Nothing is ever dropped: a failure
before the last try asks for a retry; after it the recording (and its complaint) say why.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from hotline.audio_probe import AudioInfo, AudioRejected, probe_audio
from hotline.audio_store import AudioStore
from hotline.complaint_status import set_complaint_status
from hotline.models import Complaint, ComplaintStatus, Recording, RecordingStatus, utcnow
from hotline.recording_queries import find_recording
from hotline.settings import Settings
from intake import fetch as recording_fetch

log = logging.getLogger(__name__)


class IntakeOutcome(StrEnum):
    STORED = "stored"
    ALREADY_DONE = "already_done"
    NOTHING_TO_DO = "nothing_to_do"
    FAILED = "failed"
    BROKEN = "broken"


class IntakeRetryError(Exception):
    """A try failed and more tries remain; the job layer lets RQ schedule the next one."""


@dataclass(frozen=True)
class IntakeResult:
    recording_sid: str
    outcome: IntakeOutcome
    complaint_id: int | None = None
    reason: str = ""


def storage_key(recording: Recording, suffix: str) -> str:
    when = recording.created_at
    return f"recordings/{when:%Y/%m}/{recording.twilio_recording_sid}.{suffix}"


def intake_recording(
    *, engine: Engine, settings: Settings, store: AudioStore, recording_sid: str, last_try: bool
) -> IntakeResult:
    """Download, verify and store one recording (idempotent)."""
    with Session(engine, expire_on_commit=False) as session:
        recording = find_recording(session, recording_sid=recording_sid)
        if recording is None or recording.status == RecordingStatus.ABSENT:
            return IntakeResult(recording_sid, IntakeOutcome.NOTHING_TO_DO)
        if recording.status == RecordingStatus.STORED:
            return IntakeResult(recording_sid, IntakeOutcome.ALREADY_DONE, recording.complaint_id)
        recording.attempts += 1
        recording.status = RecordingStatus.DOWNLOADING
        recording.updated_at = utcnow()
        session.add(recording)
        session.commit()

        source = recording_fetch.RecordingSource(
            url=recording.source_url,
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN.get_secret_value(),
            allowed_hosts=settings.recording_hosts,
            timeout_seconds=settings.DOWNLOAD_TIMEOUT_SECONDS,
            max_bytes=settings.deployment.recording.max_file_bytes,
            allow_loopback=settings.is_development and settings.ALLOW_LOOPBACK_RECORDINGS,
        )
        try:
            data = recording_fetch.fetch(source)
        except recording_fetch.FetchError as exc:
            reason = f"download failed: {exc.reason}"
            return _give_up_or_retry(session, recording, reason, last_try, RecordingStatus.FAILED)

        try:
            info = _probe_bytes(data)
        except AudioRejected as exc:
            kept = store.put(storage_key(recording, "unverified"), data)
            recording.storage_key, recording.sha256, recording.size_bytes = kept.key, kept.sha256, kept.size_bytes
            return _give_up_or_retry(session, recording, exc.reason, last_try, RecordingStatus.BROKEN)

        stored = store.put(storage_key(recording, "wav"), data)
        recording.storage_key, recording.sha256, recording.size_bytes = stored.key, stored.sha256, stored.size_bytes
        recording.duration_seconds = round(info.duration_seconds, 3) if info.duration_seconds else None
        recording.audio_format = info.description
        recording.status = RecordingStatus.STORED
        recording.last_error = ""
        recording.stored_at = recording.updated_at = utcnow()
        session.add(recording)
        session.commit()
        if settings.DELETE_TWILIO_RECORDINGS:
            _delete_provider_copy(session, settings, recording)
        return IntakeResult(recording_sid, IntakeOutcome.STORED, recording.complaint_id)


def _probe_bytes(data: bytes) -> AudioInfo:
    with tempfile.NamedTemporaryFile(suffix=".audio") as tmp:
        tmp.write(data)
        tmp.flush()
        return probe_audio(Path(tmp.name))


def _give_up_or_retry(
    session: Session, recording: Recording, reason: str, last_try: bool, final_status: RecordingStatus
) -> IntakeResult:
    recording.last_error = f"attempt {recording.attempts}: {reason}"
    recording.updated_at = utcnow()
    recording.status = final_status if last_try else RecordingStatus.PENDING
    session.add(recording)
    session.commit()
    if not last_try:
        raise IntakeRetryError(reason)
    complaint = session.get(Complaint, recording.complaint_id) if recording.complaint_id else None
    if complaint is not None:
        set_complaint_status(session, complaint, ComplaintStatus.FAILED, f"recording {final_status}: {reason}")
    log.error(
        "recording %s %s after %d attempts: %s",
        recording.twilio_recording_sid,
        final_status,
        recording.attempts,
        reason,
    )
    outcome = IntakeOutcome.BROKEN if final_status == RecordingStatus.BROKEN else IntakeOutcome.FAILED
    return IntakeResult(recording.twilio_recording_sid, outcome, recording.complaint_id, reason)


def _delete_provider_copy(session: Session, settings: Settings, recording: Recording) -> None:
    try:
        recording_fetch.delete_provider_copy(
            api_base=settings.TWILIO_API_BASE,
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN.get_secret_value(),
            recording_sid=recording.twilio_recording_sid,
        )
    except (recording_fetch.FetchError, OSError) as exc:  # ours is safe; Twilio's copy can go later
        log.warning("kept provider copy of %s: %s", recording.twilio_recording_sid, exc)
        return
    recording.provider_deleted_at = utcnow()
    session.add(recording)
    session.commit()
