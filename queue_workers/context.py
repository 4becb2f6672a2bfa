"""What a job needs (settings, database engine, audio store, dispatcher), built once per process.

Workers fork a child per job; a database connection pool must not cross a fork, so the context
is keyed by process id and each child builds its own engine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from hotline.audio_store import AudioStore
from hotline.db import make_engine
from hotline.settings import Settings, load_settings
from queue_workers.connection import redis_connection
from queue_workers.dispatch import RQDispatcher


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    engine: Engine
    store: AudioStore
    dispatcher: RQDispatcher


_contexts: dict[int, JobContext] = {}
_settings: Settings | None = None


def configure(settings: Settings) -> None:
    """Fix the settings for this process and its forks (the worker calls this before working)."""
    global _settings
    _settings = settings
    _contexts.clear()


def current_context() -> JobContext:
    pid = os.getpid()
    ctx = _contexts.get(pid)
    if ctx is None:
        settings = _settings or load_settings()
        ctx = JobContext(
            settings=settings,
            engine=make_engine(settings.database_url),
            store=AudioStore(settings.audio_dir),
            dispatcher=RQDispatcher(redis_connection(settings), settings),
        )
        _contexts.clear()  # drop a parent's context inherited through fork
        _contexts[pid] = ctx
    return ctx
