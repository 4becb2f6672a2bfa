"""Why the core refuses a reviewer's act, in two kinds the edges can answer without knowing each case.

A `Conflict` is a well-formed request the complaint's current state does not allow (an illegal status move,
a transcript based on an outdated version): the API says 409, the page shows the message and the newest
state. `Invalid` is a request that could never succeed as written (an unknown sector, an empty note): 400.
Nothing is written in either case; the messages are meant for the person who acted.
"""

from __future__ import annotations


class ReviewRefused(Exception):  # noqa: N818 - a refusal, not a bug
    """The act was refused; `message` says why, for the person who tried it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(ReviewRefused):
    """The complaint's current state does not allow the act (someone else may have moved it meanwhile)."""


class Invalid(ReviewRefused):
    """The act names something that does not exist or breaks a limit."""


class NotPermitted(ReviewRefused):
    """The actor's role does not allow the act (the edges check roles first; the core checks again)."""


_HTTP_STATUS: dict[type[ReviewRefused], int] = {Conflict: 409, Invalid: 400, NotPermitted: 403}


def http_status(exc: ReviewRefused) -> int:
    """The HTTP status the API and the pages answer a refusal with (one table for both edges)."""
    return next((code for kind, code in _HTTP_STATUS.items() if isinstance(exc, kind)), 400)
