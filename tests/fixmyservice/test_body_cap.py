"""A giant unsigned POST costs the web process nothing: refused at the cap, before parsing, memory unchanged.

Runs the real ASGI entry under uvicorn in its own process, as the Procfile does, and measures that
process's resident memory around a 50 MB post.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import PUBLIC_BASE_URL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = _free_port()
    env = {
        **os.environ,
        "ENVIRONMENT": "development",
        "DATA_DIR": str(tmp_path),
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
    }
    subprocess.run([sys.executable, "-m", "fixmyservice.cli", "migrate"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "fixmyservice.asgi:app", "--port", str(port),
         "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/healthz", timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield proc, base
    proc.terminate()
    proc.wait(timeout=20)


def test_a_50_mb_unsigned_post_is_refused_and_costs_no_memory(web: tuple[subprocess.Popen[bytes], str]) -> None:
    proc, base = web
    server = psutil.Process(proc.pid)
    httpx.post(f"{base}/ivr/voice", data={"CallSid": "CA" + "0" * 32}, timeout=10)  # warm the path up
    before = server.memory_info().rss

    def body() -> Iterator[bytes]:
        chunk = b"x" * (1024 * 1024)
        yield b"CallSid=CA" + b"1" * 32 + b"&Junk="
        for _ in range(50):
            yield chunk

    for declared in (True, False):  # with a Content-Length, and streamed without one
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        content = b"".join(body()) if declared else body()
        try:
            response = httpx.post(f"{base}/ivr/voice", content=content, headers=headers, timeout=30)
            assert response.status_code == 413
        except httpx.WriteError:
            pass  # the server may answer 413 and close before the client has finished sending: also a refusal

    grown = server.memory_info().rss - before
    assert grown < 8 * 1024 * 1024, f"the web process grew by {grown / 1e6:.1f} MB"
    assert httpx.get(f"{base}/healthz", timeout=5).status_code in (200, 503)  # and it still answers
