"""The sweeper: work the database shows waiting, with no live job, is enqueued again within seconds;
work that has used every attempt is failed with its reason instead of being handed out forever."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hotline.models import Complaint, ComplaintStatus, Episode, EpisodeStatus, Recording, RecordingStatus, utcnow
from hotline.settings import Settings
from queue_workers.connection import redis_url_of
from queue_workers.dispatch import RQDispatcher
from queue_workers.queues import (
    QueueName,
    episode_build_job_id,
    episode_publish_job_id,
    intake_job_id,
    transcribe_job_id,
)
from queue_workers.sweeper import sweep_stuck_work
from tests.conftest import make_settings, reread
from tests.factories import make_complaint

LONG_AGO = utcnow() - timedelta(minutes=5)


@pytest.fixture
def sweep_settings(tmp_path: Path, database_url: str, redis_conn: Redis) -> Settings:
    return make_settings(
        tmp_path, database_url, REDIS_URL=redis_url_of(redis_conn), INTAKE_RETRY_INTERVALS=[0, 0],
        TRANSCRIBE_RETRY_INTERVALS=[0],
    )  # fmt: skip


def _sweep(engine: Engine, settings: Settings, redis_conn: Redis):  # type: ignore[no-untyped-def]
    return sweep_stuck_work(engine=engine, dispatcher=RQDispatcher(redis_conn, settings), settings=settings)


def _queued(redis_conn: Redis, name: QueueName) -> list[str]:
    return Queue(str(name), connection=redis_conn).get_job_ids()


def test_a_recording_whose_enqueue_was_lost_is_enqueued(
    engine: Engine, session: Session, sweep_settings: Settings, redis_conn: Redis
) -> None:
    make_complaint(session, recording={"status": RecordingStatus.PENDING, "attempts": 0, "updated_at": LONG_AGO})

    report = _sweep(engine, sweep_settings, redis_conn)

    assert len(report.recordings) == 1
    assert _queued(redis_conn, QueueName.INTAKE) == [intake_job_id(report.recordings[0])]
    assert _sweep(engine, sweep_settings, redis_conn).recordings == [], "a waiting job is left alone"


def test_fresh_work_is_left_to_the_webhooks_own_enqueue(
    engine: Engine, session: Session, sweep_settings: Settings, redis_conn: Redis
) -> None:
    make_complaint(session, recording={"status": RecordingStatus.PENDING, "attempts": 0})

    assert _sweep(engine, sweep_settings, redis_conn).recordings == []


def test_a_download_whose_worker_died_on_its_last_attempt_fails_and_says_why(
    engine: Engine, session: Session, sweep_settings: Settings, redis_conn: Redis
) -> None:
    complaint = make_complaint(
        session,
        recording={"status": RecordingStatus.DOWNLOADING, "attempts": 3, "claimed_by": "dead-job",
                   "lease_expires_at": utcnow() + timedelta(hours=1), "updated_at": LONG_AGO},
    )  # fmt: skip

    report = _sweep(engine, sweep_settings, redis_conn)

    reread(session)
    recording = session.exec(select(Recording)).one()
    assert recording.status == RecordingStatus.FAILED
    assert recording.last_error == "the download did not finish after 3 attempts (worker stopped or timed out)"
    fresh = session.get(Complaint, complaint.id)
    assert fresh is not None and fresh.status == ComplaintStatus.FAILED
    assert report.failed and _queued(redis_conn, QueueName.INTAKE) == []


def test_a_transcription_whose_worker_died_is_retaken_at_once(
    engine: Engine, session: Session, sweep_settings: Settings, redis_conn: Redis
) -> None:
    complaint = make_complaint(
        session, status=ComplaintStatus.TRANSCRIBING, claimed_by="dead-job", transcribe_attempts=1,
        lease_expires_at=utcnow() + timedelta(hours=1), status_changed_at=LONG_AGO,
    )  # fmt: skip

    report = _sweep(engine, sweep_settings, redis_conn)

    assert report.complaints == [complaint.id]
    assert _queued(redis_conn, QueueName.TRANSCRIBE) == [transcribe_job_id(complaint.id or 0)]
    reread(session)
    fresh = session.get(Complaint, complaint.id)
    assert fresh is not None and fresh.lease_expires_at is not None
    assert fresh.lease_expires_at.replace(tzinfo=None) <= utcnow().replace(tzinfo=None), "the dead claim is broken"


def test_a_transcription_that_used_every_attempt_fails_for_staff(
    engine: Engine, session: Session, sweep_settings: Settings, redis_conn: Redis
) -> None:
    complaint = make_complaint(
        session, status=ComplaintStatus.TRANSCRIBING, claimed_by="dead-job", transcribe_attempts=2,
        status_changed_at=LONG_AGO,
    )  # fmt: skip

    report = _sweep(engine, sweep_settings, redis_conn)

    assert report.complaints == [] and report.failed == [f"complaint {complaint.reference}"]
    reread(session)
    fresh = session.get(Complaint, complaint.id)
    assert fresh is not None and fresh.status == ComplaintStatus.FAILED
    assert "did not finish after 2 attempts" in fresh.status_reason


def _episode(session: Session, week: str, **fields: object) -> int:
    episode = Episode(station="khovd", week=week, **fields)
    session.add(episode)
    session.commit()
    assert episode.id is not None
    return episode.id


def test_a_build_or_a_delivery_whose_job_was_lost_is_enqueued_again_once(
    engine: Engine, session: Session, sweep_settings: Settings, redis_conn: Redis
) -> None:
    building = _episode(session, "2026-W45", status=EpisodeStatus.BUILDING, build_status="queued", updated_at=LONG_AGO)
    _episode(session, "2026-W46", status=EpisodeStatus.BUILDING, build_status="queued")  # just asked: left alone
    published = _episode(session, "2026-W47", status=EpisodeStatus.PUBLISHED, published_at=LONG_AGO)
    _episode(session, "2026-W48", status=EpisodeStatus.PUBLISHED, published_at=LONG_AGO, delivery_error="403")
    _episode(session, "2026-W49", status=EpisodeStatus.PUBLISHED, published_at=LONG_AGO, delivered_at=LONG_AGO)

    report = _sweep(engine, sweep_settings, redis_conn)

    assert sorted(report.episodes) == sorted([building, published])
    assert sorted(_queued(redis_conn, QueueName.RADIO)) == sorted(
        [episode_build_job_id(building), episode_publish_job_id(published)]
    )  # a failed delivery waits for the producer (its error is on the page); a delivered one is done
    assert _sweep(engine, sweep_settings, redis_conn).episodes == [], "a waiting job is left alone"
