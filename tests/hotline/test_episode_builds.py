"""A build's life on the episode row: requested through the API, claimed, progressing, failing and retried, built;
refused without a chosen consented segment and for a published episode. Real rows, real API, the recording
dispatcher standing in only for the queue (the worker path is tests/queue_workers/test_episode_build.py)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from hotline.audio_store import AudioStore
from hotline.audit import SYSTEM
from hotline.episode_builds import claim_build, record_built, record_failure, record_progress
from hotline.episodes import draft_episode
from hotline.models import AuditEvent, Episode, EpisodeStatus
from hotline.settings import Settings
from radio_segments.episode_build import build_episode_package
from radio_segments.episode_package import PackageError
from radio_segments.normalise import LoudnessTarget
from tests.conftest import RecordingDispatcher, reread
from tests.episode_factories import NOW, WEEK, reviewed
from tests.staff.review_api import bearer


def _drafted(session: Session, settings: Settings) -> Episode:
    drafted = draft_episode(session, deployment=settings.deployment, station_code="khovd", week=WEEK, now=NOW,
                            actor=SYSTEM)  # fmt: skip
    session.commit()
    episode = session.get(Episode, drafted.episode_id)
    assert episode is not None
    return episode


def _fresh(session: Session, episode_id: int) -> Episode:
    reread(session)
    episode = session.get(Episode, episode_id)
    assert episode is not None
    return episode


def test_a_request_queues_the_build_once_and_a_failed_try_keeps_its_error_until_the_last(
    session: Session, settings: Settings, engine: Engine, client: TestClient, jobs: RecordingDispatcher
) -> None:
    reviewed(session)
    episode_id = _drafted(session, settings).id or 0
    producer = bearer(session, "producer")
    requested = client.post(f"/api/episodes/{episode_id}/build", headers=producer)
    assert requested.status_code == 202, requested.text
    assert (requested.json()["status"], requested.json()["build"]["status"]) == ("building", "queued")
    assert client.post(f"/api/episodes/{episode_id}/build", headers=producer).status_code == 202  # under way
    assert jobs.episode_builds == [episode_id, episode_id]  # the dispatcher keeps one live job per episode
    audited = session.exec(select(AuditEvent).where(col(AuditEvent.after) == "package build requested")).all()
    assert [a.action for a in audited] == ["episode_build_requested"], "its own action, not an edit"
    edit = client.patch(f"/api/episodes/{episode_id}", json={"version": 1, "title": "x"}, headers=producer)
    assert edit.status_code == 409  # what is being cut cannot change meanwhile

    assert claim_build(engine, episode_id=episode_id, now=NOW)
    record_progress(engine, episode_id=episode_id, percent=40)
    assert client.get(f"/api/episodes/{episode_id}/package", headers=producer).json()["build"]["percent"] == 40
    record_failure(engine, episode_id=episode_id, error="ffmpeg could not decode x.wav", last_try=False, now=NOW)
    episode = _fresh(session, episode_id)
    assert (episode.status, episode.build_status, episode.build_error) == (
        "building",
        "queued",
        "ffmpeg could not decode x.wav",
    )
    assert claim_build(engine, episode_id=episode_id, now=NOW)  # RQ's retry
    record_failure(engine, episode_id=episode_id, error="still broken", last_try=True, now=NOW)
    episode = _fresh(session, episode_id)
    assert (episode.status, episode.build_status, episode.build_error) == ("draft", "failed", "still broken")
    assert not claim_build(engine, episode_id=episode_id, now=NOW)  # nothing asked for any more
    stale = client.get(f"/api/episodes/{episode_id}/package", headers=producer)
    assert stale.status_code == 409 and stale.json()["build"]["error"] == "still broken"


def test_built_then_published_is_not_built_again(
    session: Session, settings: Settings, engine: Engine, client: TestClient
) -> None:
    reviewed(session)
    episode_id = _drafted(session, settings).id or 0
    producer = bearer(session, "producer")
    assert client.post(f"/api/episodes/{episode_id}/build", headers=producer).status_code == 202
    assert claim_build(engine, episode_id=episode_id, now=NOW)
    stored = AudioStore(settings.audio_dir).put(f"episodes/{episode_id}/package.zip", b"PK\x05\x06" + bytes(18))
    assert record_built(engine, episode_id=episode_id, key=stored.key, size=stored.size_bytes, sha256=stored.sha256,
                        now=NOW)  # fmt: skip
    assert not claim_build(engine, episode_id=episode_id, now=NOW)  # a duplicate job returns quietly
    package = client.get(f"/api/episodes/{episode_id}/package", headers=producer)
    assert package.status_code == 200 and package.content == b"PK\x05\x06" + bytes(18)
    assert package.headers["content-length"] == "22" and package.headers["content-type"] == "application/zip"
    episode = _fresh(session, episode_id)
    episode.status = EpisodeStatus.PUBLISHED
    session.add(episode)
    session.commit()
    refused = client.post(f"/api/episodes/{episode_id}/build", headers=producer)
    assert refused.status_code == 409 and "published" in refused.json()["error"]


def test_nothing_to_build_without_a_chosen_consented_segment(
    session: Session, settings: Settings, client: TestClient
) -> None:
    complaint = reviewed(session)
    episode_id = _drafted(session, settings).id or 0
    complaint.broadcast_consent = False  # withdrawn after the draft
    session.add(complaint)
    session.commit()
    refused = client.post(f"/api/episodes/{episode_id}/build", headers=bearer(session, "producer"))
    assert refused.status_code == 400 and "choose at least one segment" in refused.json()["error"]
    assert _fresh(session, episode_id).status == "draft"


def test_a_missing_recording_fails_the_build_with_a_reason_the_producer_can_read(
    session: Session, settings: Settings, engine: Engine, client: TestClient
) -> None:
    complaint = reviewed(session)  # a complaint with a transcript but no stored recording
    episode_id = _drafted(session, settings).id or 0
    assert client.post(f"/api/episodes/{episode_id}/build", headers=bearer(session, "producer")).status_code == 202
    with pytest.raises(PackageError, match="the caller's recording is not stored"):
        build_episode_package(
            engine, deployment=settings.deployment, store=AudioStore(settings.audio_dir), places=None,
            target=LoudnessTarget(), episode_id=episode_id, now=NOW, last_try=True,
        )  # fmt: skip
    episode = _fresh(session, episode_id)
    assert episode.build_error == f"segment 1 ({complaint.reference}): the caller's recording is not stored"
    assert (episode.status, episode.build_status) == ("draft", "failed")
