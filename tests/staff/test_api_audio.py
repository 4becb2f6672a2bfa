"""The caller's audio through the API: streamed from the audio store with HTTP Range, to readers only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from hotline.audio_store import AudioStore
from hotline.models import Complaint
from hotline.settings import Settings
from tests.factories import make_complaint
from tests.staff.review_api import bearer

AUDIO = bytes(range(256)) * 40  # 10,240 bytes whose every offset is recognisable


def _with_audio(session: Session, settings: Settings, **overrides: object) -> Complaint:
    key = "2026/01/05/RE-test.wav"
    AudioStore(settings.audio_dir).put(key, AUDIO)
    recording = {"storage_key": key, "audio_format": "wav/pcm_s16le 8000 Hz 1ch", "size_bytes": len(AUDIO)}
    return make_complaint(session, recording=recording, **overrides)


@pytest.fixture
def staff(session: Session) -> dict[str, str]:
    return bearer(session, "staff")


def test_the_whole_file_with_its_type_and_no_shared_caching(
    client: TestClient, session: Session, settings: Settings, staff: dict[str, str]
) -> None:
    complaint = _with_audio(session, settings)
    response = client.get(f"/api/complaints/{complaint.reference}/audio", headers=staff)
    assert response.status_code == 200
    assert response.content == AUDIO
    assert response.headers["content-type"] == "audio/wav"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize(
    ("range_header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=-100", len(AUDIO) - 100, len(AUDIO) - 1), ("bytes=10000-", 10000, len(AUDIO) - 1)],
)
def test_a_byte_range_is_206_with_its_content_range(
    client: TestClient,
    session: Session,
    settings: Settings,
    staff: dict[str, str],
    range_header: str,
    start: int,
    end: int,
) -> None:
    complaint = _with_audio(session, settings)
    response = client.get(f"/api/complaints/{complaint.reference}/audio", headers={**staff, "Range": range_header})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {start}-{end}/{len(AUDIO)}"
    assert response.content == AUDIO[start : end + 1]


@pytest.mark.parametrize("range_header", [f"bytes={len(AUDIO)}-", f"bytes={len(AUDIO) + 5}-{len(AUDIO) + 10}"])
def test_a_range_beyond_the_end_is_416(
    client: TestClient, session: Session, settings: Settings, staff: dict[str, str], range_header: str
) -> None:
    complaint = _with_audio(session, settings)
    response = client.get(f"/api/complaints/{complaint.reference}/audio", headers={**staff, "Range": range_header})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{len(AUDIO)}"


def test_producers_hear_only_consented_callers_and_nobody_hears_without_a_token(
    client: TestClient, session: Session, settings: Settings
) -> None:
    private = _with_audio(session, settings, broadcast_consent=False)
    public = make_complaint(
        session, broadcast_consent=True, recording={"storage_key": "2026/01/05/RE-test.wav", "audio_format": "wav/x"}
    )
    producer = bearer(session, "producer")
    assert client.get(f"/api/complaints/{private.reference}/audio", headers=producer).status_code == 404
    assert client.get(f"/api/complaints/{public.reference}/audio", headers=producer).content == AUDIO
    assert client.get(f"/api/complaints/{public.reference}/audio").status_code == 401
    assert (
        client.get(f"/api/complaints/{public.reference}/audio", headers=bearer(session, "provider")).status_code == 403
    )


def test_no_stored_recording_or_a_missing_file_is_404(
    client: TestClient, session: Session, settings: Settings, staff: dict[str, str]
) -> None:
    pending = make_complaint(session, recording={"status": "pending"})
    assert client.get(f"/api/complaints/{pending.reference}/audio", headers=staff).status_code == 404
    lost = make_complaint(session, recording={"storage_key": "2026/01/05/gone.wav", "audio_format": "wav/x"})
    response = client.get(f"/api/complaints/{lost.reference}/audio", headers=staff)
    assert response.status_code == 404 and "missing" in response.json()["error"]
    assert not Path(settings.audio_dir, "2026/01/05/gone.wav").exists()


def test_head_gives_the_length_without_the_body(
    client: TestClient, session: Session, settings: Settings, staff: dict[str, str]
) -> None:
    complaint = _with_audio(session, settings)
    response = client.head(f"/api/complaints/{complaint.reference}/audio", headers=staff)
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-length"] == str(len(AUDIO))
