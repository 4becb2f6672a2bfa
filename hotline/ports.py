"""The ports stages talk through: protocols the core defines and the composition root fills in.

The call flow hands a stored recording to "the queues" without knowing they are RQ; tests hand it
a recorder instead. Keeping the protocol here lets `ivr` and `staff` depend on the core alone.
"""

from __future__ import annotations

from typing import Protocol


class JobDispatcher(Protocol):
    """What the web edges need from the background queues."""

    def recording_ready(self, recording_sid: str) -> object:
        """Hand over a completed recording for intake (download, check, store)."""
        ...

    def notice_ready(self, notice_id: int) -> object:
        """Hand over a queued notice (routing, reminder, overdue) for sending by email."""
        ...

    def episode_build_requested(self, episode_id: int) -> object:
        """Build an episode's package (clips, loudness, rough cut, script, zip) in the background."""
        ...

    def episode_published(self, episode_id: int) -> object:
        """After publishing: rebuild the station's feed (and upload to its playout system, if it has one)."""
        ...

    def reachable(self) -> bool:
        """True when the queues can take work (the health check asks)."""
        ...

    def live_workers(self) -> int:
        """How many workers have sent a heartbeat recently: none means recordings wait forever."""
        ...
