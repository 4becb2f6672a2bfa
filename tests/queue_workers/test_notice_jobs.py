"""Notices on the real queue: a real RQ worker mails them to a real SMTP server (aiosmtpd) started here, retries
when the server is down and then shows the failure on the complaint; the daily deadline pass runs on the worker
with a clock the test sets; the sweeper re-enqueues a notice whose job was lost and gives up after every try."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.registry import FailedJobRegistry
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.audit import Actor
from hotline.models import Complaint, ComplaintStatus
from hotline.models.answers import Notice
from hotline.models.common import ensure_aware
from hotline.privacy import mask_number
from hotline.provider_fields import ProviderFields
from hotline.providers import create_provider
from hotline.settings import Settings
from queue_workers import context
from queue_workers.connection import redis_url_of
from queue_workers.dispatch import RQDispatcher
from queue_workers.queues import QueueName, queue
from queue_workers.scheduler import run_scheduler
from queue_workers.sweeper import sweep_stuck_work
from queue_workers.worker import run_worker
from tests.conftest import PUBLIC_BASE_URL, make_settings, reread
from tests.factories import CALLER_NUMBER, make_complaint
from tests.smtp_inbox import Inbox, free_port, smtp_server
from tests.staff.review_api import bearer
from transcription.place_directory import gazetteer_places

TRANSCRIPT = "Буянт сумын эмнэлэгт эм байхгүй, эмч долоо хоногт нэг л ирдэг."
PROVIDER_EMAIL = "clinic@khovd.example.mn"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


def notice_settings(tmp_path: Path, database_url: str, redis_conn: Redis, smtp_url: str) -> Settings:
    settings = make_settings(
        tmp_path,
        database_url,
        REDIS_URL=redis_url_of(redis_conn),
        SMTP_URL=smtp_url,
        SMTP_FROM="hotline@example.org",
        SMTP_TIMEOUT_SECONDS=5,
        NOTICE_RETRY_INTERVALS=[0, 0],
        STUCK_AFTER_SECONDS=0,
    )
    context.configure(settings)
    return settings


def work(settings: Settings) -> None:
    """A real RQ worker (forking a work horse per job) until the notices queue is empty."""
    run_worker(settings, burst=True, queues=[QueueName.NOTICES], name=f"notices-{free_port()}")


def routed_by_api(settings: Settings, engine: Engine, session: Session, redis_conn: Redis) -> Complaint:
    """A provider and a complaint in review, routed through the API whose dispatcher is the real queue."""
    admin = Actor(user_id=None, label="test admin")
    provider = create_provider(
        session,
        fields=ProviderFields(names={"mn": "Ховд аймгийн эмнэлэг"}, sectors=["health"], areas=["84"],
                              email=PROVIDER_EMAIL),
        deployment=settings.deployment,
        places=gazetteer_places(settings.deployment),
        actor=admin,
    )  # fmt: skip
    session.commit()
    complaint = make_complaint(
        session, status=ComplaintStatus.IN_REVIEW, soum="8410", transcript_text=TRANSCRIPT, transcript_version=1
    )
    app = create_app(settings, jobs=RQDispatcher(redis_conn, settings), engine=engine)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        response = client.post(
            f"/api/complaints/{complaint.reference}/route",
            json={"provider_id": provider.id},
            headers=bearer(session, "staff"),
        )
    assert response.status_code == 200, response.text
    return complaint


def test_the_worker_mails_the_routing_notice_without_the_number_or_the_audio(
    tmp_path: Path, database_url: str, redis_conn: Redis, engine: Engine, session: Session, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = notice_settings(tmp_path, database_url, redis_conn, f"smtp://127.0.0.1:{port}")
    complaint = routed_by_api(settings, engine, session, redis_conn)
    assert len(Queue(QueueName.NOTICES, connection=redis_conn)) == 1

    work(settings)

    [message] = inbox.messages
    assert inbox.envelopes[0].rcpt_tos == [PROVIDER_EMAIL] and message["From"] == "hotline@example.org"
    assert complaint.reference in str(message["Subject"])
    assert not message.is_multipart()  # no attachment of any kind
    body = str(message.get_content())  # type: ignore[attr-defined]
    assert complaint.reference in body and TRANSCRIPT in body
    assert f"{PUBLIC_BASE_URL}/complaints/{complaint.reference}" in body and "Буянт" in body
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())  # decoded
    raw = inbox.envelopes[0].content.decode("utf-8", "replace") + headers + body
    digits = CALLER_NUMBER.lstrip("+")
    for secret in (CALLER_NUMBER, digits, digits[-8:], mask_number(CALLER_NUMBER), "/audio", ".wav", "recording"):
        assert secret not in raw, secret

    reread(session)
    notice = session.exec(select(Notice)).one()
    assert notice.status == "sent" and notice.attempts == 1 and notice.sent_at is not None and notice.last_error == ""


def test_smtp_down_is_retried_then_failed_and_shown_on_the_complaint(
    tmp_path: Path, database_url: str, redis_conn: Redis, engine: Engine, session: Session
) -> None:
    settings = notice_settings(tmp_path, database_url, redis_conn, f"smtp://127.0.0.1:{free_port()}")  # nobody there
    complaint = routed_by_api(settings, engine, session, redis_conn)

    work(settings)

    reread(session)
    notice = session.exec(select(Notice)).one()
    assert notice.status == "failed" and notice.attempts == 3  # the first try and two retries
    assert "ConnectionRefusedError" in notice.last_error and "127.0.0.1" in notice.last_error
    assert len(FailedJobRegistry(QueueName.NOTICES, connection=redis_conn)) == 1
    app = create_app(settings, jobs=RQDispatcher(redis_conn, settings), engine=engine)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        state = client.get(f"/api/complaints/{complaint.reference}/routing", headers=bearer(session, "staff")).json()
    [shown] = state["notices"]
    assert shown["status"] == "failed" and "ConnectionRefusedError" in shown["last_error"]


def test_without_smtp_the_notice_is_only_recorded(
    tmp_path: Path, database_url: str, redis_conn: Redis, engine: Engine, session: Session
) -> None:
    settings = notice_settings(tmp_path, database_url, redis_conn, "")
    routed_by_api(settings, engine, session, redis_conn)
    work(settings)
    reread(session)
    notice = session.exec(select(Notice)).one()
    assert notice.status == "recorded" and notice.sent_at is None


def test_the_deadline_pass_on_the_worker_reminds_once_and_flags_overdue_once(
    tmp_path: Path, database_url: str, redis_conn: Redis, engine: Engine, session: Session, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = notice_settings(tmp_path, database_url, redis_conn, f"smtp://127.0.0.1:{port}")
    complaint = routed_by_api(settings, engine, session, redis_conn)
    work(settings)
    reread(session)
    deadline = ensure_aware(session.get(Complaint, complaint.id).response_deadline_at)  # type: ignore[union-attr]
    assert deadline is not None

    def pass_at(moment: datetime) -> list[str]:
        before = len(inbox.messages)
        queue(QueueName.NOTICES, redis_conn).enqueue("queue_workers.notice_jobs.deadline_sweep", moment.isoformat())
        work(settings)  # the pass, then the sends it enqueued
        return [str(m["Subject"]).split(":")[0] for m in inbox.messages[before:]]

    assert pass_at(deadline - timedelta(days=3, seconds=1)) == []
    [reminder] = pass_at(deadline - timedelta(days=3))
    assert reminder.startswith("Сануулга")  # the provider's language: Mongolian
    assert pass_at(deadline - timedelta(days=1)) == []
    reread(session)
    assert session.get(Complaint, complaint.id).overdue_at is None  # type: ignore[union-attr]
    [overdue] = pass_at(deadline + timedelta(minutes=1))
    assert overdue.startswith("Хугацаа хэтэрсэн")
    assert pass_at(deadline + timedelta(days=1)) == []

    reread(session)
    flagged = session.get(Complaint, complaint.id)
    assert flagged is not None and ensure_aware(flagged.overdue_at) == deadline + timedelta(minutes=1)
    kinds = [(n.kind, n.status) for n in session.exec(select(Notice).order_by(col(Notice.id)))]
    assert kinds == [("routed", "sent"), ("reminder", "sent"), ("overdue", "sent")]


def test_the_scheduler_asks_for_the_deadline_pass_and_the_sweeper_resends_lost_notices(
    tmp_path: Path, database_url: str, redis_conn: Redis, engine: Engine, session: Session
) -> None:
    settings = notice_settings(tmp_path, database_url, redis_conn, "")
    routed_by_api(settings, engine, session, redis_conn)
    notices = queue(QueueName.NOTICES, redis_conn)
    notices.empty()  # the enqueue after the commit was lost

    report = sweep_stuck_work(engine=engine, dispatcher=RQDispatcher(redis_conn, settings), settings=settings)
    assert len(report.notices) == 1 and notices.count == 1
    run_scheduler(settings, once=True)
    assert sorted(job.func_name for job in notices.jobs) == [
        "queue_workers.notice_jobs.deadline_sweep",
        "queue_workers.notice_jobs.send_notice",
    ]

    notices.empty()
    reread(session)
    stuck = session.exec(select(Notice)).one()
    stuck.attempts = 3  # every try used by workers that died mid-send
    session.add(stuck)
    session.commit()
    report = sweep_stuck_work(engine=engine, dispatcher=RQDispatcher(redis_conn, settings), settings=settings)
    assert report.failed == [f"notice {stuck.id}"] and notices.count == 0
    reread(session)
    assert session.exec(select(Notice)).one().status == "failed"
