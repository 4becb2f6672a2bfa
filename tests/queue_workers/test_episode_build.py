"""An episode's package built by a real RQ worker from real calls, then read back by independent tools.

Callers phone the demo hotline (one refuses broadcast), a real worker decodes them with the Korean model,
staff confirm the transcripts and the producer drafts, trims, disguises one caller and re-voices another
through the API; one complaint has a provider's recorded answer. The build runs on the worker; then ffmpeg's
ebur128 meter, ffprobe, wavinfo, mutagen, pdftotext/pdftoppm, zipfile and hashlib check what it made, and a
second build gives the same zip. One decode for the whole module: everything is checked in one test.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.testclient import TestClient
from wavinfo import WavInfoReader

from fixmyservice.app import create_app
from hotline.iso_weeks import parse_week
from hotline.models import Complaint, Transcript
from hotline.settings import Settings
from queue_workers import context
from queue_workers.dispatch import RQDispatcher
from queue_workers.worker import run_worker
from tests.answer_factories import make_response
from tests.answers import make_provider, spoken_answer
from tests.conftest import PUBLIC_BASE_URL, reread
from tests.queue_workers.conftest import KOREAN_REPORT, Caller
from tests.radio_segments.meters import ffmpeg_ebur128
from tests.radio_segments.package_readers import dark_pixels_per_page, exact_seconds
from tests.staff.review_api import bearer
from tests.transcription.audio_factory import AudioFactory

pytestmark = [pytest.mark.vosk, pytest.mark.parametrize("redis_conn", ["local"], indirect=True)]

NOT_FOR_BROADCAST = [*KOREAN_REPORT[:-1], "2"]


def _words(session: Session, reference: str) -> list[dict[str, Any]]:
    reread(session)
    complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).one()
    return list(
        session.exec(select(Transcript).where(Transcript.complaint_id == complaint.id, Transcript.version == 1))
        .one()
        .words
        or []
    )


def _answer_with_audio(session: Session, settings: Settings, reference: str, directory: Path) -> int:
    """The provider answers with a recording (as the answer workflow stores it)."""
    complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).one()
    complaint.provider_id = make_provider(session, "Khovd roads").id
    response = make_response(session, complaint, settings=settings, text="", audio=spoken_answer(directory))
    return response.id or 0


def test_a_package_built_by_a_real_worker_from_real_calls(
    call_in: Caller, worker_settings: Settings, speech: AudioFactory, session: Session, engine: Engine, tmp_path: Path
) -> None:
    consented = [call_in(KOREAN_REPORT, speech.speech()) for _ in range(3)]
    refused = call_in(NOT_FOR_BROADCAST, speech.speech())
    run_worker(worker_settings, burst=True)  # intake and decoding of all four
    jobs = RQDispatcher(context.current_context().dispatcher.connection, worker_settings)
    app = create_app(worker_settings, jobs=jobs, engine=engine)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        staff, producer = bearer(session, "staff"), bearer(session, "producer")
        for reference in [*consented, refused]:
            confirm = {"based_on_version": 1, "confirm": True}
            assert (
                client.post(f"/api/complaints/{reference}/transcripts", json=confirm, headers=staff).status_code == 201
            )
        response_id = _answer_with_audio(session, worker_settings, consented[0], tmp_path)
        drafted = client.post("/api/episodes", json={"station": "demo-fm"}, headers=producer).json()
        chosen = {s["reference"]: s for s in [*drafted["chosen"], *drafted["candidates"]]}  # one group: one chosen
        assert set(chosen) == set(consented) and refused not in json.dumps(drafted)

        first, disguised, revoiced = (chosen[r] for r in consented)
        last = min(2, len(first["words"]) - 1)
        moved_to = (parse_week(drafted["week"]).monday() + timedelta(days=1)).isoformat()  # off Demo FM's Sunday
        edit = {
            "version": drafted["version"],
            "air_date": moved_to,
            "chosen": [first["id"], disguised["id"], revoiced["id"]],
            "segments": [
                {"id": first["id"], "trim": {"first": 1, "last": last},
                 "answer": {"response_id": response_id, "airs": "audio"}},
                {"id": disguised["id"], "voice": "disguised"},
                {"id": revoiced["id"], "voice": "revoiced"},
            ],
        }  # fmt: skip
        edited = client.patch(f"/api/episodes/{drafted['id']}", json=edit, headers=producer)
        assert edited.status_code == 200, edited.text
        shown_clip = edited.json()["chosen"][0]["clip"]  # what the producer's page shows, in seconds

        package_url, build_url = f"/api/episodes/{drafted['id']}/package", f"/api/episodes/{drafted['id']}/build"
        early = client.get(package_url, headers=producer)
        assert early.status_code == 409 and early.json()["build"]["status"] is None
        requested = client.post(build_url, headers=producer)
        assert requested.status_code == 202, requested.text
        assert requested.json()["build"] == {**requested.json()["build"], "status": "queued", "percent": 0}
        assert client.get(package_url, headers=producer).json()["build"]["status"] == "queued"

        run_worker(worker_settings, burst=True)  # the build
        done = client.get(package_url, headers=producer)
        assert done.status_code == 200, done.text[:500]
        assert done.headers["content-type"] == "application/zip"
        assert int(done.headers["content-length"]) == len(done.content)
        document = client.get(f"/api/episodes/{drafted['id']}", headers=producer).json()
        assert document["status"] == "built" and document["build"]["percent"] == 100
        assert document["package"]["sha256"] == hashlib.sha256(done.content).hexdigest()

        files = tmp_path / "package"
        zipfile.ZipFile(io.BytesIO(done.content)).extractall(files)
        manifest = json.loads((files / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["files"]:
            data = (files / entry["name"]).read_bytes()
            assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["bytes"], entry["sha256"])

        # Loudness, by ffmpeg's own meter, of every clip and answer and of the rough cut.
        wavs = [*sorted(files.glob("clips/*.wav")), files / "rough-cut.wav"]
        assert len(wavs) == 4  # two callers, one answer, the rough cut
        for wav in wavs:
            reading = ffmpeg_ebur128(wav)
            assert abs(reading.integrated + 23.0) <= 0.5 and reading.true_peak <= -1.0, (wav.name, reading)

        # The re-voiced caller airs no audio; the trimmed clip is cut at the points the producer saw.
        segments = {s["reference"]: s for s in manifest["segments"]}
        assert segments[revoiced["reference"]]["clip"] is None
        assert not [p for p in files.rglob("*") if revoiced["reference"] in p.name]
        clip = segments[first["reference"]]["clip"]
        assert (clip["start"], clip["end"]) == (shown_clip["start"], shown_clip["end"])
        heard = _words(session, first["reference"])
        assert clip["start"] <= heard[1]["start"] and heard[last]["end"] <= clip["end"]
        assert clip["start"] >= heard[0]["end"] and (last + 1 >= len(heard) or clip["end"] <= heard[last + 1]["start"])
        assert exact_seconds(files / clip["file"]) == pytest.approx(clip["end"] - clip["start"], abs=0.003)
        assert clip["in_words"].split()[0] == first["words"][1]

        # Independent readers: bext (wavinfo), ID3 (mutagen), the PDF (poppler).
        bext = WavInfoReader(str(files / clip["file"])).bext
        assert bext.description.startswith(first["reference"]) and bext.originator == "Demo FM"
        assert bext.originator_date == manifest["episode"]["broadcast_date"] == moved_to, "the producer's air date"
        tag = ID3(files / clip["file"].replace(".wav", ".mp3"))
        assert str(tag["TDRC"]) == moved_to
        assert str(tag["TPE1"]) == "Demo FM" and str(tag["TALB"]) == drafted["title"]
        assert str(tag["TRCK"]) == "1/3" and tag.getall("COMM")[0].text == [first["reference"]]
        text = subprocess.run(["pdftotext", str(files / "script.pdf"), "-"], capture_output=True, text=True, check=True)
        assert "Demo FM" in text.stdout
        assert all(count > 200 for count in dark_pixels_per_page(files / "script.pdf", tmp_path))

        # Building again gives the same bytes.
        assert client.post(build_url, headers=producer).status_code == 202
        run_worker(worker_settings, burst=True)
        again = client.get(package_url, headers=producer)
        assert (
            again.status_code == 200 and hashlib.sha256(again.content).digest() == hashlib.sha256(done.content).digest()
        )
