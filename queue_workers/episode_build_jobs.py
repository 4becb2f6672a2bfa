"""Job of the radio queue: build an episode's broadcast package (radio_segments.episode_build does the work).

Thin: it passes ids and the process's context. The work claims the build first, so a job enqueued twice,
or re-run after its episode was built, returns quietly; a failure is already on the episode when it is
raised, and RQ tries again (queue_workers.dispatch gives the back-off).
"""

from __future__ import annotations

import logging
import os

from hotline.models import utcnow
from queue_workers.context import current_context
from queue_workers.jobs import is_last_try
from radio_segments.episode_build import build_episode_package
from radio_segments.normalise import LoudnessTarget
from transcription.place_directory import gazetteer_places

log = logging.getLogger(__name__)


def build_episode(episode_id: int) -> str:
    """Cut, normalise and package the episode; returns the package's sha256, or why nothing was done."""
    ctx = current_context()
    settings = ctx.settings
    built = build_episode_package(
        ctx.engine,
        deployment=settings.deployment,
        store=ctx.store,
        places=gazetteer_places(settings.deployment),
        target=LoudnessTarget(settings.EPISODE_LOUDNESS_LUFS, settings.EPISODE_TRUE_PEAK_DBTP),
        episode_id=episode_id,
        now=utcnow(),
        last_try=is_last_try(),
        workers=min(4, os.cpu_count() or 1),
    )
    if built is None:
        return f"episode {episode_id}: no build asked for"
    log.info("episode %s built: %s bytes, sha256 %s", episode_id, built.package.size, built.package.sha256)
    return built.package.sha256
