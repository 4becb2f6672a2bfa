"""A worker's shutdown does not wait a minute for the thread that listens for RQ's commands.

RQ sends UNSUBSCRIBE and then stops that thread; if the thread reads the reply before it is told to stop
(the worker's own thread held up for a moment, as on a busy machine), it used to wait out RQ's 60-second
poll, and a burst worker took a minute to return. The hold-up is made certain here by pausing right
after the UNSUBSCRIBE is sent.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from redis import Redis

from queue_workers.queues import QueueName, queue
from queue_workers.worker import HotlineWorker


def test_a_worker_stops_listening_at_once_even_if_the_unsubscribe_reply_comes_first(redis_conn: Redis) -> None:
    worker = HotlineWorker([queue(QueueName.INTAKE, redis_conn)], connection=redis_conn)
    worker.subscribe()
    assert worker.pubsub is not None and worker.pubsub_thread is not None
    time.sleep(0.2)  # the thread is listening
    send_unsubscribe = worker.pubsub.unsubscribe

    def unsubscribe_then_pause(*args: Any) -> Any:
        sent = send_unsubscribe(*args)
        time.sleep(0.5)  # the listening thread reads the reply before the worker goes on
        return sent

    worker.pubsub.unsubscribe = unsubscribe_then_pause  # type: ignore[method-assign]
    stopping = threading.Thread(target=worker.unsubscribe, daemon=True)
    started = time.monotonic()
    stopping.start()
    stopping.join(10)

    assert not stopping.is_alive(), "the worker is still waiting for its pub/sub thread after 10 s"
    assert time.monotonic() - started < 5
    assert not worker.pubsub_thread.is_alive()
