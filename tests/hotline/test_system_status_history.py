"""The transcription job's own status moves (claim, release) leave history rows without an actor.

Runs the real pipeline function on the real database with the Mongolian deployment, whose language has no
speech model, so the job claims the complaint and hands it to manual transcription without decoding.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from hotline.audio_store import AudioStore
from hotline.complaint_queries import status_history
from hotline.settings import Settings
from tests.factories import make_complaint
from transcription.pipeline import TranscribeOutcome, transcribe_complaint
from transcription.runtime import worker_runtime


def test_claim_and_release_by_the_transcription_job_are_in_the_history(
    session: Session, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    complaint = make_complaint(session, language="mn", recording={"storage_key": "recordings/none.wav"})

    result = transcribe_complaint(
        engine=engine, store=AudioStore(settings.audio_dir), runtime=worker_runtime(settings), complaint_id=complaint.id
    )

    assert result.outcome is TranscribeOutcome.MANUAL
    history = status_history(session, complaint_id=complaint.id or 0)
    assert [(h.from_status, h.to_status, h.actor) for h in history] == [
        ("received", "transcribing", None),
        ("transcribing", "needs_manual_transcription", None),
    ]
    assert "no speech model" in history[-1].reason
    again = transcribe_complaint(
        engine=engine, store=AudioStore(settings.audio_dir), runtime=worker_runtime(settings), complaint_id=complaint.id
    )
    assert again.outcome is TranscribeOutcome.ALREADY_DONE  # a replay claims nothing and adds no history
    assert len(status_history(session, complaint_id=complaint.id or 0)) == 2
