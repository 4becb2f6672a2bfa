"""Publishing an episode: only a built one; its chosen, consented complaints get aired_at (the show's air moment,
not the publish moment) and, where the lifecycle allows (answered), the status aired; other statuses are kept;
twice is once; what aired is listed in show order; "aired on" is only told once the show has aired."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from hotline.audit import Actor
from hotline.deployment import DEFAULT_DEPLOYMENT, load_deployment
from hotline.episode_publishing import aired_date, aired_on_episode, publish_episode
from hotline.models import AuditEvent, Complaint, Episode, EpisodeStatus, StatusChange
from hotline.review_errors import Conflict
from hotline.settings import Settings
from tests.conftest import reread
from tests.episode_factories import CLINIC, SCHOOL, reviewed
from tests.episode_publish_factories import built_episode

PRODUCER = Actor(user_id=None, label="producer@example.org")
MONGOLIA = load_deployment(DEFAULT_DEPLOYMENT)
PUBLISHED_AT = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # Friday, 17:00 in Ulaanbaatar (UTC+8)
AIRS_AT = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # Khovd airs on Saturdays at 11:00 Ulaanbaatar time


def _audit(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))))


def _fresh(session: Session, complaint: Complaint) -> Complaint:
    reread(session)
    found = session.get(Complaint, complaint.id)
    assert found is not None
    return found


@pytest.fixture
def cases(session: Session) -> dict[str, Complaint]:
    return {
        "answered": reviewed(session, CLINIC, day=1, status="answered"),
        "routed": reviewed(session, SCHOOL, sector="education", day=2, status="routed"),
        "closed": reviewed(session, CLINIC, day=3, status="closed"),
        "withdrawn": reviewed(session, SCHOOL, sector="education", day=4, status="answered"),
        "not_chosen": reviewed(session, CLINIC, day=5, status="answered"),
    }


@pytest.fixture
def episode(session: Session, settings: Settings, cases: dict[str, Complaint]) -> Episode:
    chosen = [cases[name] for name in ("routed", "answered", "closed", "withdrawn")]
    built = built_episode(session, settings, chosen=chosen)
    withdrawn = cases["withdrawn"]  # the caller withdrew consent after the draft: it must not air
    withdrawn.broadcast_consent = False
    session.add(withdrawn)
    session.commit()
    return built


def test_publishing_marks_the_chosen_complaints_aired_as_the_lifecycle_allows(
    session: Session, episode: Episode, cases: dict[str, Complaint]
) -> None:
    published = publish_episode(session, episode=episode, deployment=MONGOLIA, actor=PRODUCER, now=PUBLISHED_AT)
    session.commit()
    assert published.newly_published
    assert published.aired == [cases[n].reference for n in ("routed", "answered", "closed")]
    reread(session)
    stored = session.get(Episode, episode.id)
    assert stored is not None and stored.status == EpisodeStatus.PUBLISHED
    assert stored.published_at is not None and stored.published_at.replace(tzinfo=UTC) == PUBLISHED_AT
    assert stored.feed_guid == f"fixmyservice:khovd:2026-W48:{episode.id}"

    expected = {"answered": "aired", "routed": "routed", "closed": "closed"}
    for name, status in expected.items():
        complaint = _fresh(session, cases[name])
        assert complaint.status == status, name
        assert complaint.aired_at is not None and complaint.aired_at.replace(tzinfo=UTC) == AIRS_AT, name
    for name in ("withdrawn", "not_chosen"):
        complaint = _fresh(session, cases[name])
        assert (complaint.status, complaint.aired_at) == ("answered", None), name

    moves = session.exec(select(StatusChange)).all()
    assert [(m.complaint_id, m.from_status, m.to_status) for m in moves] == [
        (cases["answered"].id, "answered", "aired")
    ]
    event = _audit(session, "episode_published")
    assert len(event) == 1 and event[0].object_id == "khovd 2026-W48" and cases["closed"].reference in event[0].after
    assert cases["withdrawn"].reference not in event[0].after


def test_publishing_twice_changes_nothing_more(session: Session, episode: Episode, cases: dict[str, Complaint]) -> None:
    publish_episode(session, episode=episode, deployment=MONGOLIA, actor=PRODUCER, now=PUBLISHED_AT)
    session.commit()
    later = datetime(2026, 12, 1, tzinfo=UTC)
    again = publish_episode(session, episode=episode, deployment=MONGOLIA, actor=PRODUCER, now=later)
    session.commit()
    assert not again.newly_published and again.aired == []
    reread(session)
    stored = session.get(Episode, episode.id)
    assert stored is not None and stored.published_at is not None
    assert stored.published_at.replace(tzinfo=UTC) == PUBLISHED_AT
    aired_at = _fresh(session, cases["routed"]).aired_at
    assert aired_at is not None and aired_at.replace(tzinfo=UTC) == AIRS_AT
    assert len(_audit(session, "episode_published")) == 1 and len(session.exec(select(StatusChange)).all()) == 1


@pytest.mark.parametrize("status", [EpisodeStatus.DRAFT, EpisodeStatus.BUILDING])
def test_only_a_built_episode_is_published(
    session: Session, episode: Episode, cases: dict[str, Complaint], status: EpisodeStatus
) -> None:
    episode.status = status
    session.add(episode)
    session.commit()
    with pytest.raises(Conflict, match=f"the episode is {status}: only a built episode can be published"):
        publish_episode(session, episode=episode, deployment=MONGOLIA, actor=PRODUCER, now=PUBLISHED_AT)
    session.rollback()
    reread(session)
    assert _fresh(session, cases["answered"]).aired_at is None
    assert _audit(session, "episode_published") == []


def test_what_aired_is_listed_in_show_order_once_published(
    session: Session, episode: Episode, cases: dict[str, Complaint]
) -> None:
    assert aired_on_episode(session, episode_id=episode.id or 0) == []  # built, not yet aired
    publish_episode(session, episode=episode, deployment=MONGOLIA, actor=PRODUCER, now=PUBLISHED_AT)
    session.commit()
    aired = aired_on_episode(session, episode_id=episode.id or 0)
    assert [(a.position, a.reference, a.status) for a in aired] == [
        (1, cases["routed"].reference, "routed"),
        (2, cases["answered"].reference, "aired"),
        (3, cases["closed"].reference, "closed"),
    ]
    assert aired_on_episode(session, episode_id=999_999) == []


def test_the_aired_date_is_the_deployments_local_date_once_the_show_has_aired(
    session: Session, engine: Engine, episode: Episode, cases: dict[str, Complaint]
) -> None:
    publish_episode(session, episode=episode, deployment=MONGOLIA, actor=PRODUCER, now=PUBLISHED_AT)
    session.commit()
    routed_id = cases["routed"].id or 0
    after = AIRS_AT + timedelta(minutes=1)
    with engine.connect() as connection:
        routed = aired_date(connection, complaint_id=routed_id, timezone="Asia/Ulaanbaatar", now=after)
        in_utc_minus = aired_date(connection, complaint_id=routed_id, timezone="America/Los_Angeles", now=after)
        never = aired_date(connection, complaint_id=cases["not_chosen"].id or 0, timezone="Asia/Ulaanbaatar", now=after)
        # Published on Friday for Saturday: on Friday, and on Saturday before 11:00, it has not aired.
        on_friday = aired_date(connection, complaint_id=routed_id, timezone="Asia/Ulaanbaatar", now=PUBLISHED_AT)
        just_before = aired_date(
            connection, complaint_id=routed_id, timezone="Asia/Ulaanbaatar", now=AIRS_AT - timedelta(minutes=1)
        )
    assert (routed, in_utc_minus, never) == (date(2026, 11, 28), date(2026, 11, 27), None)
    assert (on_friday, just_before) == (None, None)
    late = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # 01:00 on the 30th in Ulaanbaatar
    complaint = _fresh(session, cases["routed"])
    complaint.aired_at = late
    session.add(complaint)
    session.commit()
    with engine.connect() as connection:
        day = aired_date(connection, complaint_id=routed_id, timezone="Asia/Ulaanbaatar", now=late)
    assert day == date(2026, 11, 30)


def test_a_moved_show_airs_on_the_producers_date_at_the_stations_time(
    session: Session, episode: Episode, cases: dict[str, Complaint]
) -> None:
    episode.air_date = date(2026, 12, 1)  # the producer moved the show to the next Tuesday
    session.add(episode)
    session.commit()
    publish_episode(session, episode=episode, deployment=MONGOLIA, actor=PRODUCER, now=PUBLISHED_AT)
    session.commit()
    aired_at = _fresh(session, cases["routed"]).aired_at
    assert aired_at is not None and aired_at.replace(tzinfo=UTC) == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
