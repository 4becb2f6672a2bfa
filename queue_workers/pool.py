"""Keep a fixed number of worker processes alive: a worker that dies is replaced, with back-off.

RQ's own pool is not used because our workers must fork *after* the Vosk models are loaded, from a
parent that holds them, so every worker shares those pages. A worker that keeps dying (a broken
model, a full disk) is restarted ever more slowly, up to once a minute, instead of in a hot loop.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess

log = logging.getLogger(__name__)


@dataclass
class Backoff:
    """Delay before the next restart: 1 s, 2 s, 4 s … up to `ceiling`; reset once a run has lasted `healthy_after`."""

    ceiling: float = 60.0
    healthy_after: float = 60.0
    failures: int = 0

    def next_delay(self, ran_for: float) -> float:
        if ran_for >= self.healthy_after:
            self.failures = 0
        self.failures += 1
        return min(self.ceiling, 2.0 ** (self.failures - 1))


@dataclass
class _Slot:
    process: BaseProcess | None = None
    started_at: float = 0.0
    restart_at: float = 0.0
    backoff: Backoff = field(default_factory=Backoff)


class WorkerPool:
    """Run `target` in `count` forked processes until SIGTERM or SIGINT, replacing any that die."""

    def __init__(self, target: Callable[[], object], count: int) -> None:
        self.target = target
        self.slots = [_Slot() for _ in range(max(1, count))]
        self.stopping = False
        self._context = multiprocessing.get_context("fork")

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            while not self.stopping:
                self._tend(time.monotonic())
                sentinels = [s.process.sentinel for s in self.slots if s.process is not None]
                multiprocessing.connection.wait(sentinels, timeout=0.5)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self._shutdown()
        return 0

    def pids(self) -> list[int]:
        return [s.process.pid for s in self.slots if s.process is not None and s.process.pid is not None]

    def _tend(self, now: float) -> None:
        for number, slot in enumerate(self.slots):
            if slot.process is not None and not slot.process.is_alive():
                code, ran_for = slot.process.exitcode, now - slot.started_at
                delay = slot.backoff.next_delay(ran_for)
                log.warning("worker %d (pid %s) exited with %s after %.0f s; restarting in %.0f s",
                            number, slot.process.pid, code, ran_for, delay)  # fmt: skip
                slot.process, slot.restart_at = None, now + delay
            if slot.process is None and now >= slot.restart_at and not self.stopping:
                slot.process = self._context.Process(target=_orphan_safe, args=(self.target,), name=f"worker-{number}")
                slot.process.start()
                slot.started_at = now

    def _stop(self, signum: int, _frame: object) -> None:
        self.stopping = True
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):  # RQ finishes the job in hand first (warm shutdown)
                os.kill(pid, signum)

    def _shutdown(self, grace: float = 30.0) -> None:
        deadline = time.monotonic() + grace
        for slot in self.slots:
            if slot.process is None:
                continue
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()


def _orphan_safe(target: Callable[[], object]) -> None:
    """Run `target`, asking Linux to stop this process if the pool dies (SIGKILL leaves no time to tell it)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    target()


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
