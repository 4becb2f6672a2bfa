"""An episode's package build as the producer sees it: requested, running with a percentage, built, or failed.

The request is part of the producer's unit of work (the caller commits, then asks the queue for the job, so
a job never runs for a request that rolled back). The job's own steps are each a short transaction of
their own (`write_transaction`): the claim, every progress figure and the outcome. A build takes minutes,
and the producer's page polls the episode meanwhile; one long transaction would show nothing until the
end and would hold SQLite's write lock against every webhook.

While a build is queued or running the episode is `building`, so no edit can slip in between what was
requested and what is cut. A failed try keeps its error on the episode (RQ tries again); after the last
try the episode is a draft again, with the error, for the producer to fix and rebuild.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from hotline.audit import Actor, AuditAction, record
from hotline.db import write_transaction
from hotline.episode_queries import segments
from hotline.models import BuildStatus, Episode, EpisodeStatus
from hotline.models.common import saved_id
from hotline.review_errors import Conflict, Invalid

PACKAGE_KEY = "episodes/{episode_id}/package.zip"  # the zip in the audio store
MAX_ERROR = 2000  # the width of Episode.build_error
_BUILDABLE = (EpisodeStatus.DRAFT, EpisodeStatus.BUILT)


def package_key(episode_id: int) -> str:
    return PACKAGE_KEY.format(episode_id=episode_id)


def build_progress(episode: Episode) -> dict[str, Any]:
    """The build as the page, the API's 202 and an early download's 409 show it."""
    return {
        "status": episode.build_status,
        "percent": episode.build_percent,
        "error": episode.build_error or None,
        "started_at": episode.build_started_at,
        "finished_at": episode.build_finished_at,
    }


def package_ready(episode: Episode) -> bool:
    """A package exists for what the episode now is (built, or published from that build)."""
    return episode.package_key is not None and episode.status in (EpisodeStatus.BUILT, EpisodeStatus.PUBLISHED)


def request_build(session: Session, *, episode: Episode, actor: Actor, now: datetime) -> bool:
    """Queue a build (no commit; then dispatch `episode_build_requested`). False when one is already under way:
    nothing changes, and dispatching again is harmless (the dispatcher never doubles a live job) and recovers
    a request whose job was lost.

    Refused for a published episode (its package is what aired) and for one with no chosen segment.
    """
    if episode.status == EpisodeStatus.BUILDING:
        return False
    if episode.status not in _BUILDABLE:
        raise Conflict(f"the episode is {episode.status}: only a draft or a built episode can be built")
    episode_id = saved_id(episode)
    if not any(row.segment.chosen for row in segments(session, episode_id=episode_id)):  # consented ones only
        raise Invalid("choose at least one segment before building the episode")
    claimed = session.exec(
        update(Episode)
        .where(col(Episode.id) == episode_id, col(Episode.status).in_([str(s) for s in _BUILDABLE]))
        .values(
            status=EpisodeStatus.BUILDING, build_status=BuildStatus.QUEUED, build_percent=0, build_error="",
            build_started_at=None, build_finished_at=None, updated_at=now,
        )
    ).rowcount  # fmt: skip
    session.refresh(episode)
    if not claimed:
        raise Conflict(f"the episode changed meanwhile and is now {episode.status}")
    record(
        session, actor, AuditAction.EPISODE_BUILD_REQUESTED, object_type="episode",
        object_id=f"{episode.station} {episode.week}", after="package build requested",
    )  # fmt: skip
    return True


def claim_build(engine: Engine, *, episode_id: int, now: datetime) -> bool:
    """The job starts: queued (or running after a lost worker) → running. False: nothing asked for (done, gone)."""
    with write_transaction(engine) as connection:
        return bool(
            connection.execute(
                _update(episode_id, BuildStatus.QUEUED, BuildStatus.RUNNING).values(
                    build_status=BuildStatus.RUNNING, build_percent=0, build_started_at=now, build_finished_at=None
                )
            ).rowcount
        )


def record_progress(engine: Engine, *, episode_id: int, percent: int) -> None:
    """One progress figure, committed at once so the producer's page sees it move."""
    with write_transaction(engine) as connection:
        connection.execute(_update(episode_id, BuildStatus.RUNNING).values(build_percent=max(0, min(99, percent))))


def record_built(engine: Engine, *, episode_id: int, key: str, size: int, sha256: str, now: datetime) -> bool:
    """The package is stored: the episode is built and its zip can be downloaded."""
    with write_transaction(engine) as connection:
        values = {
            "status": EpisodeStatus.BUILT, "build_status": BuildStatus.DONE, "build_percent": 100, "build_error": "",
            "build_finished_at": now, "package_key": key, "package_bytes": size, "package_sha256": sha256,
            "updated_at": now,
        }  # fmt: skip
        return bool(connection.execute(_update(episode_id, BuildStatus.RUNNING).values(**values)).rowcount)


def record_failure(engine: Engine, *, episode_id: int, error: str, last_try: bool, now: datetime) -> None:
    """Keep the try's error for the producer; after the last try the episode is a draft again (no package)."""
    values: dict[str, Any] = {"build_error": error[:MAX_ERROR] or "the build failed", "build_percent": 0}
    if last_try:
        values |= {"build_status": BuildStatus.FAILED, "status": EpisodeStatus.DRAFT, "build_finished_at": now}
        values |= {"package_key": None, "package_bytes": None, "package_sha256": None}
    else:
        values["build_status"] = BuildStatus.QUEUED  # RQ tries again after its interval
    with write_transaction(engine) as connection:
        connection.execute(_update(episode_id, BuildStatus.QUEUED, BuildStatus.RUNNING).values(**values))


def _update(episode_id: int, *build_statuses: BuildStatus) -> Any:
    """UPDATE of a building episode whose build is in one of `build_statuses` (a conditional move)."""
    return (
        update(Episode)
        .where(col(Episode.id) == episode_id, col(Episode.status) == EpisodeStatus.BUILDING)
        .where(col(Episode.build_status).in_([str(s) for s in build_statuses]))
    )
