"""Publishing a built episode: it enters its station's feed, and its complaints are marked as aired.

Publishing is one unit of work (the caller commits, then asks the queues to deliver: feed and upload, see
queue_workers.episode_publish_jobs). The episode moves built → published by a conditional UPDATE, so two
producers pressing "publish" at once publish it once; publishing a published episode changes nothing.

Each chosen segment whose caller (still) consents to broadcast gets its complaint's `aired_at` set to the
moment the show airs (its air date at the station's air time, hotline.air_dates), not the moment of
publication: a show published on Friday for Sunday airs on Sunday. The status line tells the caller their
issue was discussed on air, and when, once that moment has passed (aired_date). The
status follows the lifecycle (hotline.lifecycle): an `answered` complaint moves to `aired` (with its history
row and audit event, as a staff move would); a complaint in any other status — still routed and awaiting
its provider, already closed, or back in review — keeps its status and gets only `aired_at`, because airing
a question does not answer it and a closed case stays closed.

The published episode's audio is the package's rough cut, stored at `rough_cut_key(id)`; feeds are stored
at `feed_key(station)` by the job and served by staff.api_episode_publish at the paths named here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from hotline.air_dates import air_moment
from hotline.audio_store import AudioStore
from hotline.audit import Actor, AuditAction, record
from hotline.deployment import Deployment
from hotline.episode_queries import segments
from hotline.episodes import station_of
from hotline.lifecycle import change_status
from hotline.models import Complaint, ComplaintStatus, Episode, EpisodeSegment, EpisodeStatus
from hotline.models.common import ensure_aware, saved_id
from hotline.ports import JobDispatcher
from hotline.review_errors import Conflict

# The rough cut of an episode in the audio store (the package job stores it there as well as in the zip).
ROUGH_CUT_KEY = "episodes/{episode_id}/rough-cut.mp3"
FEED_KEY = "feeds/{station}.xml"  # a station's RSS in the audio store, written by the after-publish job
FEED_PATH = "/feeds/{station}.xml"  # where the web serves it
EPISODE_AUDIO_PATH = "/feeds/{station}/episodes/{episode_id}.mp3"  # the feed's enclosure for one episode

MAX_ERROR = 2000  # the width of Episode.delivery_error
_COMPLAINTS = Complaint.__table__  # type: ignore[attr-defined]


log = logging.getLogger(__name__)


def rough_cut_key(episode_id: int) -> str:
    return ROUGH_CUT_KEY.format(episode_id=episode_id)


def feed_key(station: str) -> str:
    return FEED_KEY.format(station=station)


def feed_path(station: str) -> str:
    return FEED_PATH.format(station=station)


def episode_audio_path(station: str, episode_id: int) -> str:
    return EPISODE_AUDIO_PATH.format(station=station, episode_id=episode_id)


def feed_guid(episode: Episode) -> str:
    """Stable for the episode's life, so a podcast app never downloads a re-delivered episode twice."""
    return f"fixmyservice:{episode.station}:{episode.week}:{saved_id(episode)}"


@dataclass(frozen=True)
class Publication:
    """What one publish did: `aired` lists the references marked aired now (empty when it was published before)."""

    episode: Episode
    aired: list[str]
    newly_published: bool


@dataclass(frozen=True)
class AiredSegment:
    """One segment that aired in a published episode, for the episode page."""

    position: int
    reference: str
    status: str
    sector: str | None
    area: str | None


def publish_episode(
    session: Session, *, episode: Episode, deployment: Deployment, actor: Actor, now: datetime
) -> Publication:
    """Publish a built episode and mark its chosen complaints aired (no commit); a published one is left alone."""
    if episode.status == EpisodeStatus.PUBLISHED:
        return Publication(episode=episode, aired=[], newly_published=False)
    if episode.status != EpisodeStatus.BUILT:
        raise Conflict(f"the episode is {episode.status}: only a built episode can be published; build it first")
    episode_id = saved_id(episode)
    airs_at = air_moment(episode, station_of(deployment, episode.station), timezone=deployment.timezone)
    claimed = session.exec(
        update(Episode)
        .where(col(Episode.id) == episode_id, col(Episode.status) == EpisodeStatus.BUILT)
        .values(status=EpisodeStatus.PUBLISHED, published_at=now, updated_at=now, feed_guid=feed_guid(episode))
    ).rowcount
    session.refresh(episode)
    if not claimed:
        if episode.status == EpisodeStatus.PUBLISHED:  # someone published it meanwhile: the same outcome
            return Publication(episode=episode, aired=[], newly_published=False)
        raise Conflict(f"the episode changed meanwhile and is now {episode.status}")
    aired = [row for row in segments(session, episode_id=episode_id) if row.segment.chosen]  # consented only
    complaint_ids = [row.segment.complaint_id for row in aired]
    if complaint_ids:
        session.exec(
            update(Complaint)
            .where(col(Complaint.id).in_(complaint_ids))
            .where(or_(col(Complaint.aired_at).is_(None), col(Complaint.aired_at) < airs_at))
            .values(aired_at=airs_at)
        )
    where = f"{episode.station} {episode.week}"
    for row in aired:
        if row.status == ComplaintStatus.ANSWERED:
            complaint = session.get(Complaint, row.segment.complaint_id)
            assert complaint is not None  # the segment query joined it
            change_status(session, complaint=complaint, to=ComplaintStatus.AIRED, actor=actor, reason=f"aired: {where}")
    references = [row.reference for row in aired]
    summary = f"published with {len(references)} segments: {', '.join(references)}" if references else "published"
    record(session, actor, AuditAction.EPISODE_PUBLISHED, object_type="episode", object_id=where, after=summary)
    session.flush()
    return Publication(episode=episode, aired=references, newly_published=True)


def rough_cut_missing(episode: Episode, store: AudioStore) -> bool:
    """A built episode whose rough cut MP3 is gone from the store cannot be published (its feed would 404)."""
    return episode.status == EpisodeStatus.BUILT and store.existing(rough_cut_key(saved_id(episode))) is None


def request_delivery(session: Session, *, episode_id: int, jobs: JobDispatcher | None, now: datetime) -> bool:
    """After the publish is committed, hand its delivery (feed, playout upload) to the queues. If they cannot
    take it, the reason is kept on the episode (and committed) and False returned: publishing again retries."""
    if jobs is None:
        return True
    try:
        jobs.episode_published(episode_id)
    except Exception as exc:
        log.exception("could not enqueue the delivery of episode %s", episode_id)
        reason = f"the delivery could not be queued ({type(exc).__name__}); publish again to retry"
        record_delivery(session, episode_id=episode_id, error=reason, now=now)
        session.commit()
        return False
    return True


def aired_on_episode(session: Session, *, episode_id: int) -> list[AiredSegment]:
    """What a published episode aired, in show order (consented segments only); nothing for an unpublished one."""
    episode = session.get(Episode, episode_id)
    if episode is None or episode.status != EpisodeStatus.PUBLISHED:
        return []
    return [
        AiredSegment(
            position=row.segment.position or 0,
            reference=row.reference,
            status=row.status,
            sector=row.sector,
            area=row.area,
        )
        for row in segments(session, episode_id=episode_id)
        if row.segment.chosen
    ]


def published_episodes(session: Session, *, station: str) -> list[Episode]:
    """A station's published episodes, newest first, except any whose caller withdrew consent: what its feed lists."""
    query = (
        select(Episode)
        .where(col(Episode.station) == station, col(Episode.status) == EpisodeStatus.PUBLISHED)
        .order_by(col(Episode.published_at).desc(), col(Episode.id).desc())
    )
    found = list(session.execute(query).scalars())
    withheld = consent_withdrawn(session, episode_ids=[saved_id(e) for e in found])
    return [e for e in found if e.id not in withheld]


def consent_withdrawn(session: Session, *, episode_ids: Sequence[int]) -> set[int]:
    """The episodes among these with a chosen segment whose caller has since withdrawn broadcast consent.

    Their audio holds (or re-voices) that caller's complaint, so it is no longer served or listed in a feed:
    consent is honoured in what is published, not only in what is about to be."""
    if not episode_ids:
        return set()
    query = (
        select(col(EpisodeSegment.episode_id))
        .join(Complaint, col(Complaint.id) == col(EpisodeSegment.complaint_id))
        .where(col(EpisodeSegment.episode_id).in_(list(episode_ids)), col(EpisodeSegment.chosen).is_(True))
        .where(col(Complaint.broadcast_consent).is_(False))
    )  # served by uq_episodesegment_complaint (episode_id first)
    return set(session.execute(query).scalars())


def record_delivery(session: Session, *, episode_id: int, error: str, now: datetime) -> None:
    """Keep the outcome of one delivery try on the episode (no commit): an error for the producer, or success."""
    values: dict[str, object] = {"delivery_error": error[:MAX_ERROR]}
    if not error:
        values["delivered_at"] = now
    session.exec(update(Episode).where(col(Episode.id) == episode_id).values(**values))


def aired_date(connection: Connection, *, complaint_id: int, timezone: str, now: datetime) -> date | None:
    """The local date (in the deployment's zone) a complaint was last discussed on air, or None — also while
    that show has not aired yet (published ahead of its air time), so no caller hears it aired before it did."""
    aired_at = connection.execute(
        select(_COMPLAINTS.c.aired_at).where(_COMPLAINTS.c.id == complaint_id)
    ).scalar_one_or_none()
    moment = ensure_aware(aired_at)
    return moment.astimezone(ZoneInfo(timezone)).date() if moment is not None and moment <= now else None
