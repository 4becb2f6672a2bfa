"""A built episode as the package job leaves it: drafted from real rows, status built, and its rough cut stored
as a real MP3 (made by ffmpeg) where publishing and the feed expect it."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session, select

from hotline.audio_store import AudioStore
from hotline.audit import SYSTEM
from hotline.episode_edits import EpisodeEdit, edit_episode
from hotline.episode_publishing import rough_cut_key
from hotline.episodes import draft_episode
from hotline.models import BuildStatus, Complaint, Episode, EpisodeSegment, EpisodeStatus
from hotline.settings import Settings
from tests.episode_factories import NOW, WEEK


def rough_cut_mp3(path: Path, *, seconds: float = 3.0, frequency: int = 440) -> Path:
    """A real MP3 (48 kHz mono sine) of `seconds`, as the package's rough cut would be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}",
        "-ar", "48000", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "64k", str(path),
    ]  # fmt: skip
    subprocess.run(command, check=True, timeout=60)
    return path


def built_episode(
    session: Session,
    settings: Settings,
    *,
    station: str = "khovd",
    chosen: Sequence[Complaint] | None = None,
    seconds: float = 3.0,
    title: str = "",
) -> Episode:
    """Draft the station's 2026-W48 episode from the complaints in the database (choosing `chosen`, in that
    order, when given) and mark it built, with a rough cut in the audio store."""
    drafted = draft_episode(
        session, deployment=settings.deployment, station_code=station, week=WEEK, now=NOW, actor=SYSTEM
    )
    session.commit()
    episode = session.get(Episode, drafted.episode_id)
    assert episode is not None
    if chosen is not None:
        segments = session.exec(select(EpisodeSegment).where(EpisodeSegment.episode_id == episode.id)).all()
        by_complaint = {s.complaint_id: s.id for s in segments}
        order = [by_complaint[c.id] for c in chosen if c.id in by_complaint]
        assert len(order) == len(chosen), "every complaint to choose must be a candidate of the week"
        edit_episode(session, episode=episode, edit=EpisodeEdit(version=episode.version, chosen=order), now=NOW,
                     actor=SYSTEM)  # fmt: skip
        session.commit()
    key = rough_cut_key(drafted.episode_id)
    rough_cut_mp3(AudioStore(settings.audio_dir).path(key), seconds=seconds)
    episode.status, episode.build_status, episode.build_percent = EpisodeStatus.BUILT, BuildStatus.DONE, 100
    episode.build_finished_at = NOW
    episode.title = title or f"{station} 2026-W48"
    session.add(episode)
    session.commit()
    return episode
