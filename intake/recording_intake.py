"""Bring a caller's recording home: download, check it is audio, store it with its checksum.

Called by the intake job with a RecordingSid. The job first claims the row (see hotline.work_claims),
so two jobs never download the same recording, then downloads outside any transaction, and writes
the outcome in one transaction that still requires its claim. Nothing is ever dropped: a failure
before the last try asks for a retry; after it the recording (and its complaint) say why.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from hotline.audio_probe import AudioInfo, AudioRejected, probe_audio
from hotline.audio_store import AudioStore, StoredFile
from hotline.complaint_status import set_complaint_status
from hotline.models import Complaint, ComplaintStatus, Recording, RecordingStatus, utcnow
from hotline.recording_queries import find_recording
from hotline.settings import Settings
from hotline.work_claims import held_by, lease_expired, lease_until, new_token
from intake import fetch as recording_fetch

log = logging.getLogger(__name__)


class IntakeOutcome(StrEnum):
    STORED = "stored"
    ALREADY_DONE = "already_done"
    NOTHING_TO_DO = "nothing_to_do"
    CLAIMED_ELSEWHERE = "claimed_elsewhere"  # another live job holds the recording
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


@dataclass(frozen=True)
class _Claim:
    """What a job holds while it works: the row's identity and its token, never a live ORM object."""

    recording_id: int
    recording_sid: str
    complaint_id: int | None
    source_url: str
    key_stem: str
    attempts: int
    token: str


def storage_stem(recording: Recording) -> str:
    """Where a recording's files go, by month of the call: `<stem>.wav`, or `<stem>.unverified` if not audio."""
    return f"recordings/{recording.created_at:%Y/%m}/{recording.twilio_recording_sid}"


def intake_recording(
    *,
    engine: Engine,
    settings: Settings,
    store: AudioStore,
    recording_sid: str,
    last_try: bool,
    job_timeout_seconds: float = 180.0,
    max_attempts: int | None = None,
) -> IntakeResult:
    """Download, verify and store one recording; safe to run twice, or in two workers at once.

    `last_try` is the queue's view; `max_attempts` caps the claims a recording gets in all (the sweeper's
    re-enqueued jobs come with fresh retries, the row's attempt count does not reset).
    """
    claim = _claim(engine, recording_sid, job_timeout_seconds)
    if isinstance(claim, IntakeResult):
        return claim
    last_try = last_try or (max_attempts is not None and claim.attempts >= max_attempts)
    try:
        data = recording_fetch.fetch(_source(settings, claim.source_url))
    except recording_fetch.FetchError as exc:
        return _give_up_or_retry(engine, claim, f"download failed: {exc.reason}", last_try, RecordingStatus.FAILED)
    except BaseException as exc:  # a job time limit or anything unforeseen: count the try, then let it propagate
        _give_up_or_retry(engine, claim, _unexpected(exc), last_try, RecordingStatus.FAILED, raise_retry=False)
        raise
    try:
        info = _probe_bytes(data)
    except AudioRejected as exc:
        kept = store.put(f"{claim.key_stem}.unverified", data)
        return _give_up_or_retry(engine, claim, exc.reason, last_try, RecordingStatus.BROKEN, kept=kept)
    stored = store.put(f"{claim.key_stem}.wav", data)
    if not _finish_stored(engine, claim, stored, info):
        return IntakeResult(recording_sid, IntakeOutcome.CLAIMED_ELSEWHERE, claim.complaint_id)
    if settings.DELETE_TWILIO_RECORDINGS:
        _delete_provider_copy(engine, settings, claim)
    return IntakeResult(recording_sid, IntakeOutcome.STORED, claim.complaint_id)


def _claim(engine: Engine, recording_sid: str, job_timeout_seconds: float) -> _Claim | IntakeResult:
    """Take the recording for this job in one conditional update, or say why there is nothing to take."""
    now, token = utcnow(), new_token()
    with Session(engine, expire_on_commit=False) as session:
        taken = session.exec(
            update(Recording)
            .where(col(Recording.twilio_recording_sid) == recording_sid)
            .where(
                (col(Recording.status) == RecordingStatus.PENDING)
                | ((col(Recording.status) == RecordingStatus.DOWNLOADING) & lease_expired(Recording, now))
            )
            .values(
                status=RecordingStatus.DOWNLOADING,
                attempts=col(Recording.attempts) + 1,
                claimed_by=token,
                lease_expires_at=lease_until(job_timeout_seconds, now=now),
                updated_at=now,
            )
        ).rowcount
        session.commit()
        recording = find_recording(session, recording_sid=recording_sid)
        if recording is None or recording.status == RecordingStatus.ABSENT:
            return IntakeResult(recording_sid, IntakeOutcome.NOTHING_TO_DO)
        if not taken:
            outcome = {
                RecordingStatus.STORED: IntakeOutcome.ALREADY_DONE,
                RecordingStatus.DOWNLOADING: IntakeOutcome.CLAIMED_ELSEWHERE,
            }.get(RecordingStatus(recording.status), IntakeOutcome.NOTHING_TO_DO)
            return IntakeResult(recording_sid, outcome, recording.complaint_id, recording.last_error)
        return _Claim(
            recording_id=recording.id or 0,
            recording_sid=recording_sid,
            complaint_id=recording.complaint_id,
            source_url=recording.source_url,
            key_stem=storage_stem(recording),
            attempts=recording.attempts,
            token=token,
        )


def _source(settings: Settings, url: str) -> recording_fetch.RecordingSource:
    return recording_fetch.RecordingSource(
        url=url,
        account_sid=settings.TWILIO_ACCOUNT_SID,
        auth_token=settings.TWILIO_AUTH_TOKEN.get_secret_value(),
        allowed_hosts=settings.recording_hosts,
        redirect_hosts=settings.recording_redirect_hosts,
        timeout_seconds=settings.DOWNLOAD_TIMEOUT_SECONDS,
        deadline_seconds=settings.DOWNLOAD_DEADLINE_SECONDS,
        max_bytes=settings.deployment.recording.max_file_bytes,
        allow_loopback=settings.is_development and settings.ALLOW_LOOPBACK_RECORDINGS,
    )


def _probe_bytes(data: bytes) -> AudioInfo:
    with tempfile.NamedTemporaryFile(suffix=".audio") as tmp:
        tmp.write(data)
        tmp.flush()
        return probe_audio(Path(tmp.name))


def _finish_stored(engine: Engine, claim: _Claim, stored: StoredFile, info: AudioInfo) -> bool:
    """Record the stored copy, in one transaction that still requires our claim; False if we lost it."""
    now = utcnow()
    with Session(engine) as session:
        done = session.exec(
            update(Recording)
            .where(col(Recording.id) == claim.recording_id, held_by(Recording, claim.token))
            .values(
                status=RecordingStatus.STORED,
                storage_key=stored.key,
                sha256=stored.sha256,
                size_bytes=stored.size_bytes,
                duration_seconds=round(info.duration_seconds, 3) if info.duration_seconds else None,
                audio_format=info.description,
                last_error="",
                claimed_by=None,
                lease_expires_at=None,
                stored_at=now,
                updated_at=now,
            )
        ).rowcount
        session.commit()
    return bool(done)


def _give_up_or_retry(
    engine: Engine,
    claim: _Claim,
    reason: str,
    last_try: bool,
    final_status: RecordingStatus,
    *,
    kept: StoredFile | None = None,
    raise_retry: bool = True,
) -> IntakeResult:
    """Release the claim with the reason, in one transaction: back to pending for the next try, or final."""
    reason = reason[:1500]
    kept_fields = {"storage_key": kept.key, "sha256": kept.sha256, "size_bytes": kept.size_bytes} if kept else {}
    with Session(engine, expire_on_commit=False) as session:
        released = session.exec(
            update(Recording)
            .where(col(Recording.id) == claim.recording_id, held_by(Recording, claim.token))
            .values(
                status=final_status if last_try else RecordingStatus.PENDING,
                last_error=f"attempt {claim.attempts}: {reason}",
                claimed_by=None,
                lease_expires_at=None,
                updated_at=utcnow(),
                **kept_fields,
            )
        ).rowcount
        complaint = session.get(Complaint, claim.complaint_id) if claim.complaint_id and last_try else None
        if released and complaint is not None:
            set_complaint_status(session, complaint, ComplaintStatus.FAILED, f"recording {final_status}: {reason}")
        session.commit()
    if not released:
        return IntakeResult(claim.recording_sid, IntakeOutcome.CLAIMED_ELSEWHERE, claim.complaint_id)
    if not last_try:
        if raise_retry:
            raise IntakeRetryError(reason)
        return IntakeResult(claim.recording_sid, IntakeOutcome.FAILED, claim.complaint_id, reason)
    log.error("recording %s %s after %d attempts: %s", claim.recording_sid, final_status, claim.attempts, reason)
    outcome = IntakeOutcome.BROKEN if final_status == RecordingStatus.BROKEN else IntakeOutcome.FAILED
    return IntakeResult(claim.recording_sid, outcome, claim.complaint_id, reason)


def _unexpected(exc: BaseException) -> str:
    """What staff read when a try ended in something other than a download error (a time limit, a bug)."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _delete_provider_copy(engine: Engine, settings: Settings, claim: _Claim) -> None:
    try:
        recording_fetch.delete_provider_copy(
            api_base=settings.TWILIO_API_BASE,
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN.get_secret_value(),
            recording_sid=claim.recording_sid,
        )
    except (recording_fetch.FetchError, OSError) as exc:  # ours is safe; Twilio's copy can go later
        log.warning("kept provider copy of %s: %s", claim.recording_sid, exc)
        return
    with Session(engine) as session:
        session.exec(
            update(Recording).where(col(Recording.id) == claim.recording_id).values(provider_deleted_at=utcnow())
        )
        session.commit()
