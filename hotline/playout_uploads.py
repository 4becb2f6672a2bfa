"""What a station's AzuraCast has taken of an episode: each file's path there and the sha256 of the bytes sent.

The after-publish job (queue_workers.episode_publish_jobs) records each accepted file at once, in a short
transaction of its own, so the progress survives a failed or crashed try, and the next try sends only the rest.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hotline.db import write_session
from hotline.models import Episode


def uploaded_files(engine: Engine, *, episode_id: int) -> dict[str, str]:
    """Path → sha256 of every file AzuraCast took for this episode (empty when none, or no such episode)."""
    with Session(engine) as session:
        episode = session.get(Episode, episode_id)
        return dict(episode.azuracast_uploaded or {}) if episode is not None else {}


def record_uploaded(engine: Engine, *, episode_id: int, path: str, sha256: str) -> None:
    """Note (and commit) that AzuraCast took `path` with these bytes; the row is locked so no note is lost."""
    with write_session(engine) as session:
        query = select(Episode).where(col(Episode.id) == episode_id).with_for_update()
        episode = session.exec(query).one_or_none()
        if episode is None:
            return
        episode.azuracast_uploaded = {**(episode.azuracast_uploaded or {}), path: sha256}
        session.add(episode)
        session.commit()
