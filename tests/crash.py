"""Fault injection for the atomicity tests: die right after the Nth database commit, as a killed worker would.

A process killed after a commit leaves exactly what that commit wrote; one killed before it leaves what
the previous commit wrote. So crashing after commit 0, 1, 2 … covers every boundary a unit of work has.
The crash is a BaseException, so no `except Exception` in the code under test can swallow it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession


class SimulatedCrash(BaseException):
    """The worker process died here."""


@contextmanager
def crash_after_commit(number: int) -> Iterator[list[int]]:
    """Raise SimulatedCrash right after the `number`-th commit of any session (counting from 1).

    Yields a one-item list with the count of commits seen, so a test can check a run's boundaries.
    """
    seen = [0]

    def after_commit(_session: OrmSession) -> None:
        seen[0] += 1
        if seen[0] == number:
            raise SimulatedCrash(f"after commit {number}")

    event.listen(OrmSession, "after_commit", after_commit)
    try:
        yield seen
    finally:
        event.remove(OrmSession, "after_commit", after_commit)
