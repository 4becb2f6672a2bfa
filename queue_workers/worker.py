"""Worker start-up: load every Vosk model first, then fork the RQ workers that inherit them.

Loading a model takes seconds and hundreds of MB; doing it once before forking means every job
starts decoding at once and the pages are shared copy-on-write between worker processes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Sequence

from rq import Worker

from hotline.settings import Settings
from queue_workers import context
from queue_workers.connection import redis_connection
from queue_workers.queues import ALL_QUEUES, QueueName, queue
from transcription.runtime import worker_runtime

log = logging.getLogger(__name__)


def preload(settings: Settings) -> None:
    """Load the models this worker serves before taking any job."""
    runtime = worker_runtime(settings)
    for code, loaded in runtime.models.items():
        log.info("model for %s ready: %s", code, loaded)


def run_worker(
    settings: Settings, *, burst: bool, queues: Sequence[QueueName] = ALL_QUEUES, name: str | None = None
) -> bool:
    """One RQ worker in this process (with the scheduler that runs retry back-offs)."""
    context.configure(settings)
    connection = redis_connection(settings)
    worker = Worker(
        [queue(q, connection) for q in queues],
        connection=connection,
        name=name,
        job_monitoring_interval=settings.WORKER_HEARTBEAT_SECONDS,
    )
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


def run_workers(settings: Settings, *, count: int, burst: bool, load_models: bool = True) -> int:
    """Preload models, then run `count` workers in forked processes until they stop."""
    if load_models:
        preload(settings)
    if count <= 1:
        return 0 if run_worker(settings, burst=burst) or burst else 1
    ctx = multiprocessing.get_context("fork")
    procs = [
        ctx.Process(target=run_worker, args=(settings,), kwargs={"burst": burst}, daemon=False) for _ in range(count)
    ]
    for p in procs:
        p.start()

    def _stop(signum: int, _frame: object) -> None:
        for p in procs:
            if p.pid:
                os.kill(p.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    for p in procs:
        p.join()
    return max((p.exitcode or 0) for p in procs)


def default_worker_count(settings: Settings) -> int:
    return settings.WORKERS or os.cpu_count() or 1
