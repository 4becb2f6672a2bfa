"""Keep a complaint's copy of its newest transcript version in step with the versions themselves.

The inbox filters ("reviewed", "low machine confidence") and the full-text search read these columns
on the complaint row, so a page of 50 needs no join over every version. Whoever adds a version calls
`adopt_transcript` in the same transaction, so the copy can never disagree with the history.
"""

from __future__ import annotations

from sqlmodel import Session

from hotline.models import Complaint, Transcript, TranscriptSource, utcnow
from hotline.search import fold


def adopt_transcript(session: Session, complaint: Complaint, transcript: Transcript) -> None:
    """Make `transcript` the complaint's current version (no commit: the caller's unit of work commits)."""
    complaint.transcript_text = transcript.text
    complaint.search_text = fold(transcript.text)
    complaint.transcript_version = transcript.version
    complaint.reviewed = transcript.source == TranscriptSource.STAFF
    if transcript.version == 1 and transcript.source == TranscriptSource.MACHINE:
        complaint.machine_confidence = transcript.mean_confidence
    complaint.updated_at = utcnow()
    session.add(complaint)
