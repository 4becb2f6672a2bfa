"""The stations' weekly drafts on the real queue: a real RQ worker drafts every station's current ISO week as of
a clock the test sets, drafts again while no producer has edited, leaves an edited draft alone, starts the next
week's episodes when the week turns; the scheduler asks for the pass once a day."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from redis import Redis
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hotline.audit import SYSTEM
from hotline.episode_edits import EpisodeEdit, edit_episode
from hotline.models import Episode, EpisodeSegment
from hotline.settings import Settings
from queue_workers import context
from queue_workers.connection import redis_url_of
from queue_workers.queues import QueueName, queue
from queue_workers.scheduler import run_scheduler
from queue_workers.worker import run_worker
from tests.conftest import make_settings, reread
from tests.episode_factories import CLINIC, NOW, SCHOOL, WEEK_END, reviewed
from tests.queue_workers.test_notice_jobs import free_port


def radio_settings(tmp_path: Path, database_url: str, redis_conn: Redis) -> Settings:
    settings = make_settings(tmp_path, database_url, REDIS_URL=redis_url_of(redis_conn))
    context.configure(settings)
    return settings


def pass_at(settings: Settings, redis_conn: Redis, moment: datetime) -> str:
    """Enqueue the drafting pass as of `moment` and let a real worker (forking a work horse) run it."""
    job = queue(QueueName.RADIO, redis_conn).enqueue("queue_workers.episode_jobs.draft_week", moment.isoformat())
    run_worker(settings, burst=True, queues=[QueueName.RADIO], name=f"radio-{free_port()}")
    job.refresh()
    assert job.is_finished, job.get_status()
    return str(job.return_value())


def episodes(session: Session) -> dict[tuple[str, str], Episode]:
    reread(session)
    return {(e.station, e.week): e for e in session.exec(select(Episode))}


def test_the_worker_drafts_every_stations_week_and_respects_the_producers_edits(
    tmp_path: Path, database_url: str, redis_conn: Redis, engine: Engine, session: Session
) -> None:
    settings = radio_settings(tmp_path, database_url, redis_conn)
    khovd = reviewed(session, CLINIC, day=1)
    capital = reviewed(session, SCHOOL, sector="education", area="11", day=2)
    reviewed(session, CLINIC, day=2, consent=False)

    summary = pass_at(settings, redis_conn, NOW)
    found = episodes(session)
    assert set(found) == {("khovd", "2026-W48"), ("ulaanbaatar", "2026-W48")}
    assert "khovd 2026-W48: drafted episode" in summary and "ulaanbaatar 2026-W48: drafted episode" in summary
    segments = session.exec(select(EpisodeSegment).order_by(col(EpisodeSegment.episode_id))).all()
    assert sorted(s.complaint_id for s in segments) == sorted([khovd.id, capital.id])  # never the one without consent

    # A producer edits the Khovd draft; the next day's pass leaves it and re-drafts the untouched one.
    khovd_episode = found[("khovd", "2026-W48")]
    edit_episode(session, episode=khovd_episode, edit=EpisodeEdit(version=1, intro="Сайн уу"), now=NOW, actor=SYSTEM)
    session.commit()
    later = reviewed(session, SCHOOL, sector="education", area="11", day=5)
    summary = pass_at(settings, redis_conn, NOW + timedelta(hours=2))
    assert "khovd 2026-W48: the 2026-W48 episode of khovd has a producer's edits: left as it is" in summary
    found = episodes(session)
    assert (found[("khovd", "2026-W48")].version, found[("khovd", "2026-W48")].intro) == (2, "Сайн уу")
    assert found[("ulaanbaatar", "2026-W48")].version == 2
    capital_ids = {s.complaint_id for s in session.exec(select(EpisodeSegment).where(
        EpisodeSegment.episode_id == found[("ulaanbaatar", "2026-W48")].id))}  # fmt: skip
    assert capital_ids == {capital.id, later.id}

    # The week turns (Monday, local time): the next week's episodes start.
    pass_at(settings, redis_conn, WEEK_END + timedelta(minutes=1))
    assert {("khovd", "2026-W49"), ("ulaanbaatar", "2026-W49")} <= set(episodes(session))


def test_the_scheduler_asks_for_the_drafts_once_a_day(
    tmp_path: Path, database_url: str, redis_conn: Redis, engine: Engine
) -> None:
    settings = radio_settings(tmp_path, database_url, redis_conn)
    run_scheduler(settings, once=True)
    radio = queue(QueueName.RADIO, redis_conn)
    assert [job.func_name for job in radio.jobs] == ["queue_workers.episode_jobs.draft_week"]
    assert radio.jobs[0].id.startswith("episodes-")
    run_scheduler(settings, once=True)  # the same day, its job still waiting: not asked twice
    assert radio.count == 1
