"""Worker start-up: load every Vosk model first, then fork the RQ workers that inherit them.

Loading a model takes seconds and hundreds of MB; doing it once before forking means every job
starts decoding at once and the pages are shared copy-on-write between worker processes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Sequence
from functools import partial

from rq import Worker

from hotline.settings import Settings
from queue_workers import context
from queue_workers.connection import redis_connection
from queue_workers.pool import WorkerPool
from queue_workers.queues import ALL_QUEUES, QueueName, queue
from transcription.runtime import worker_runtime

log = logging.getLogger(__name__)


class HotlineWorker(Worker):
    """RQ's worker, whose shutdown never waits a minute for its pub/sub thread.

    RQ sends UNSUBSCRIBE, then stops the thread that listens for its commands, and redis-py's stop() waits for
    that thread to end. Should the thread read the UNSUBSCRIBE reply before the stop flag is set (likely on a
    busy machine), it waits up to RQ's sleep_time, 60 s, for a subscription that never comes, and so does the
    worker's exit: a burst worker took a minute to return. Setting the flag first closes the race: the reply
    wakes the thread, which sees the flag and ends.
    """

    def unsubscribe(self) -> None:
        if self.pubsub_thread is not None:
            self.pubsub_thread._running.clear()  # what stop() does first; see the docstring
        super().unsubscribe()


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
    worker = HotlineWorker(
        [queue(q, connection) for q in queues],
        connection=connection,
        name=name,
        job_monitoring_interval=settings.WORKER_HEARTBEAT_SECONDS,
        # An idle worker blocks on the queue for (ttl - 15) s, then beats: this makes it beat every interval,
        # so /healthz can tell an idle worker from a dead one.
        worker_ttl=settings.WORKER_HEARTBEAT_SECONDS + 15,
    )
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


def run_workers(settings: Settings, *, count: int, burst: bool, load_models: bool = True) -> int:
    """Preload models, then run `count` workers in forked processes: until the queues are empty (burst),
    or until stopped, replacing any worker that dies."""
    if load_models:
        preload(settings)
    if burst:
        return _run_burst(settings, count)
    return WorkerPool(partial(run_worker, settings, burst=False), count).run()


def _run_burst(settings: Settings, count: int) -> int:
    if count <= 1:
        run_worker(settings, burst=True)
        return 0
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=run_worker, args=(settings,), kwargs={"burst": True}) for _ in range(count)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return max((p.exitcode or 0) for p in procs)


def default_worker_count(settings: Settings) -> int:
    return settings.WORKERS or os.cpu_count() or 1
