"""Process-wide interpreter settings for the web process, applied once when the app starts serving webhooks."""

from __future__ import annotations

import gc
import sys

# The interpreter's switch interval while webhooks run (CPython's default is 5 ms).
SWITCH_INTERVAL_SECONDS = 0.001
_tuned = False


def tune_for_webhooks() -> None:
    """Two settings of the web process, made once, when the app starts serving (start-up is over by then).

    Freeze the start-up heap: the process holds ~120,000 long-lived objects (models, SQLAlchemy, pydantic,
    the twilio library), and a full garbage collection walked all of them, holding up every webhook in
    flight for ~50 ms a few times a minute under a burst: that was the p99 of benchmarks/webhooks.py.
    Frozen objects are still freed when their last reference goes; only cycles among them would stay.

    Shorten the switch interval: a step thread whose database answer has arrived waits for the event loop
    to let go of the GIL, up to the whole interval when the loop is busy with other requests. A step makes
    three to eight round trips, so the wait was most of a busy step's time (200 simultaneous calls on
    PostgreSQL: slowest webhook 2.8 and 4.2 s with 5 ms, 1.0 and 2.7 s with 1 ms, benchmarks/call_burst.py).
    """
    global _tuned
    if not _tuned:
        _tuned = True
        gc.freeze()
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
