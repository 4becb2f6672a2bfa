"""Queues are named by workload, so a deployment can give slow decoding its own machines."""

from __future__ import annotations

from enum import StrEnum

from redis import Redis
from rq import Queue


class QueueName(StrEnum):
    INTAKE = "intake"  # download and verify recordings: short, network-bound
    TRANSCRIBE = "transcribe"  # decode and tag: long, CPU-bound
    NOTICES = "notices"  # email providers, and the daily deadline pass: short, network-bound
    RADIO = "radio"  # draft the stations' weekly episodes (and, later, build their audio): database and CPU


ALL_QUEUES = (QueueName.INTAKE, QueueName.TRANSCRIBE, QueueName.NOTICES, QueueName.RADIO)


def queue(name: QueueName, connection: Redis) -> Queue:
    return Queue(str(name), connection=connection)


def intake_job_id(recording_sid: str) -> str:
    return f"intake-{_safe(recording_sid)}"


def transcribe_job_id(complaint_id: int) -> str:
    return f"transcribe-complaint-{complaint_id}"


def notice_job_id(notice_id: int) -> str:
    return f"notice-{notice_id}"


def deadline_job_id(day: str) -> str:
    """One deadline pass per day the scheduler asks for (the pass itself is idempotent anyway)."""
    return f"deadlines-{_safe(day)}"


def episodes_job_id(day: str) -> str:
    """One pass over the stations' current-week drafts per day the scheduler asks for (idempotent anyway)."""
    return f"episodes-{_safe(day)}"


def episode_build_job_id(episode_id: int) -> str:
    """One live build per episode: a second request while one runs is the same build."""
    return f"episode-build-{episode_id}"


def episode_publish_job_id(episode_id: int) -> str:
    return f"episode-publish-{episode_id}"


def _safe(value: str) -> str:
    """RQ job ids allow only letters, digits, '_' and '-'."""
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in value)
