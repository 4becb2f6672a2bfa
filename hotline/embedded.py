"""`fixmyservice serve`: the whole service on one machine with zero set-up.

Migrates the database, starts (or joins) the embedded Redis, forks the workers and the sweeper,
then serves the web app; stopping it stops everything it started.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading

import uvicorn

from hotline.app import create_app
from hotline.db import migrate
from hotline.settings import Settings
from queue_workers.connection import redis_connection, redis_url_of

log = logging.getLogger(__name__)


def serve(settings: Settings, *, host: str, port: int, workers: int = 0) -> int:
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    migrate(settings.database_url)
    connection = redis_connection(settings)  # keeps the embedded server alive while we run
    redis_url = settings.REDIS_URL or redis_url_of(connection)
    settings = settings.model_copy(update={"REDIS_URL": redis_url})
    env = {**os.environ, "REDIS_URL": redis_url, "DATA_DIR": str(settings.DATA_DIR)}
    worker_cmd = [sys.executable, "-m", "hotline.cli", "worker"]
    if workers:
        worker_cmd += ["--processes", str(workers)]
    worker = subprocess.Popen(worker_cmd, env=env)
    stop = threading.Event()

    def sweeper() -> None:
        from queue_workers.scheduler import run_scheduler

        run_scheduler(settings, stop=stop)

    threading.Thread(target=sweeper, name="sweeper", daemon=True).start()
    log.info("serving %s on http://%s:%d (data in %s)", settings.deployment.name, host, port, settings.DATA_DIR)
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
    finally:
        stop.set()
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    return 0
