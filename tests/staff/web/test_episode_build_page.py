"""Build, download and publish from the episode page: the button queues the build (the test plays the job's
part with the core's own progress functions), the page and its progress route show it, the built package
downloads, publishing marks the complaints aired and lists them; refusals come back on the page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from hotline.audio_store import AudioStore
from hotline.audit import SYSTEM
from hotline.deployment import DEFAULT_DEPLOYMENT, load_deployment
from hotline.episode_builds import claim_build, package_key, record_built, record_failure, record_progress
from hotline.episode_publishing import rough_cut_key
from hotline.episodes import draft_episode
from hotline.models import Complaint, Episode, utcnow
from hotline.settings import Settings
from tests.answers import spoken_answer
from tests.conftest import RecordingDispatcher, reread
from tests.episode_factories import NOW, WEEK, reviewed
from tests.staff.web.conftest import csrf_of, log_in, make_user

PRODUCER = "producer@example.org"


def _drafted(session: Session) -> int:
    drafted = draft_episode(
        session, deployment=load_deployment(DEFAULT_DEPLOYMENT), station_code="khovd", week=WEEK, now=NOW, actor=SYSTEM
    )
    session.commit()
    return drafted.episode_id


def _press(client: TestClient, episode_id: int, button: str):
    token = csrf_of(client.get(f"/episodes/{episode_id}").text)
    return client.post(f"/episodes/{episode_id}/{button}", data={"csrf_token": token}, follow_redirects=False)


def _package(tmp_path: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", "{}")
    return buffer.getvalue()


def test_build_download_and_publish_from_the_page(
    client: TestClient, session: Session, engine: Engine, settings: Settings, jobs: RecordingDispatcher, tmp_path: Path
) -> None:
    complaint = reviewed(session)
    episode_id = _drafted(session)
    make_user(session, PRODUCER, "producer")
    log_in(client, PRODUCER)
    pressed = _press(client, episode_id, "build")
    assert pressed.status_code == 303 and pressed.headers["location"] == f"/episodes/{episode_id}?done=build#build"
    assert jobs.episode_builds == [episode_id]
    html = client.get(pressed.headers["location"]).text
    assert "The build is queued." in html and "Building the package" in html and "Queued" in html
    assert f'href="/episodes/{episode_id}#build" data-build-refresh' in html  # without script, a Refresh link
    assert 'value="save"' not in html and "Only a draft can be edited" in html
    assert client.get(f"/episodes/{episode_id}/package").status_code == 404
    # The job's part, through the functions the job calls.
    assert claim_build(engine, episode_id=episode_id, now=utcnow())
    record_progress(engine, episode_id=episode_id, percent=40)
    progress = client.get(f"/episodes/{episode_id}/progress").json()
    assert (progress["status"], progress["build"]["status"], progress["build"]["percent"]) == (
        "building",
        "running",
        40,
    )
    assert 'value="40"' in client.get(f"/episodes/{episode_id}").text
    store = AudioStore(settings.audio_dir)
    zipped = _package(tmp_path)
    store.put(package_key(episode_id), zipped)
    store.put(rough_cut_key(episode_id), spoken_answer(tmp_path, "mp3").read_bytes())
    key, size = package_key(episode_id), len(zipped)
    assert record_built(engine, episode_id=episode_id, key=key, size=size, sha256="0" * 64, now=utcnow())
    html = client.get(f"/episodes/{episode_id}").text
    assert "Download the package (zip)" in html and "Build the package again" in html and ">Publish</button>" in html
    download = client.get(f"/episodes/{episode_id}/package")
    assert download.status_code == 200 and download.content == zipped
    assert 'filename="khovd-2026-W48.zip"' in download.headers["content-disposition"]
    published = _press(client, episode_id, "publish")
    assert published.status_code == 303 and published.headers["location"].endswith("?done=published#build")
    assert jobs.episodes_published == [episode_id]
    html = client.get(published.headers["location"]).text
    assert "Episode published." in html and "Aired" in html and f'href="/complaints/{complaint.reference}"' in html
    assert 'href="/feeds/khovd.xml"' in html and ">Publish</button>" not in html
    reread(session)
    aired = session.get(Complaint, complaint.id)
    assert aired is not None and aired.aired_at is not None


def test_refusals_and_a_failed_build_show_on_the_page(client: TestClient, session: Session, engine: Engine) -> None:
    reviewed(session)
    episode_id = _drafted(session)
    make_user(session, PRODUCER, "producer")
    log_in(client, PRODUCER)
    early = _press(client, episode_id, "publish")
    assert early.status_code == 409 and "only a built episode can be published" in early.text
    assert _press(client, episode_id, "build").status_code == 303
    assert claim_build(engine, episode_id=episode_id, now=utcnow())
    record_failure(
        engine, episode_id=episode_id, error="ffmpeg could not read the recording", last_try=True, now=utcnow()
    )
    html = client.get(f"/episodes/{episode_id}").text
    assert "The build failed: ffmpeg could not read the recording" in html and "Build the package</button>" in html
    reread(session)
    episode = session.get(Episode, episode_id)
    assert episode is not None
    token = csrf_of(html)
    fields = {"csrf_token": token, "version": str(episode.version), "action": f"remove:{_chosen_segment(html)}"}
    assert client.post(f"/episodes/{episode_id}", data=fields, follow_redirects=False).status_code == 303
    nothing = _press(client, episode_id, "build")
    assert nothing.status_code == 400 and "choose at least one segment" in nothing.text


def test_staff_may_not_build_download_or_publish(client: TestClient, session: Session) -> None:
    reviewed(session)
    episode_id = _drafted(session)
    make_user(session, "staff@example.org", "staff")
    log_in(client, "staff@example.org")
    token = csrf_of(client.get("/account/password").text)
    for button in ("build", "publish"):
        response = client.post(f"/episodes/{episode_id}/{button}", data={"csrf_token": token})
        assert response.status_code == 403, button
    for path in ("progress", "package"):
        assert client.get(f"/episodes/{episode_id}/{path}").status_code == 403, path


def _chosen_segment(html: str) -> str:
    marker = 'name="chosen" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
