"""200 whole calls at once — the minute after a radio host says "call now" — and the slowest webhook among them.

Starts the real app under uvicorn (one process, SQLite or PostgreSQL) and 200 simulated callers released
together, each going through the whole menu, recording and reference read-back exactly as Twilio drives
a call (no worker runs, so nothing fetches the recordings; their intake jobs are queued, then cleared).
Prints every webhook's time to first byte: p50, p99 and the maximum, against the aim of no webhook over 2 s
(Twilio gives up at 15 s), twice: on the callers' clocks (an upper bound: the callers run on the same
cores, in --processes processes) and inside the server (a lower bound, see benchmarks/timed_app.py).

    .venv/bin/python benchmarks/call_burst.py [--calls 200] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import shutil
import statistics
import struct
import sys
import tempfile
import threading
import time
import wave
from collections import Counter
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import httpx
from redis import Redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from webhooks import TOKEN, app_env, free_port, fresh_database, machine_load, serve  # noqa: E402

from ivr.simulator import SimulatedCall  # noqa: E402

ACCOUNT = "AC" + "1" * 32
Outcome = tuple[list[tuple[float, str]], list[str]]  # one process's webhook (seconds, path)s and failed calls


def tone(path: Path, seconds: float = 3.0, rate: int = 8000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(6000 * math.sin(i / 3))) for i in range(int(seconds * rate))))
    return path


def drive(calls: range, base_url: str, audio: Path, start: Barrier, results: Queue[Outcome]) -> None:
    """One load-generating process: a thread per simulated caller, each timing its own webhooks."""
    timings: list[tuple[float, str]] = []
    failures: list[str] = []
    lock = threading.Lock()

    def stamp(request: httpx.Request) -> None:
        request.extensions["started"] = time.perf_counter()

    def record(response: httpx.Response) -> None:
        with lock:
            timings.append((time.perf_counter() - response.request.extensions["started"], response.request.url.path))

    def caller(n: int) -> None:
        hooks: dict[str, list[Callable[..., None]]] = {"request": [stamp], "response": [record]}
        with httpx.Client(timeout=30, event_hooks=hooks) as client:
            start.wait()
            try:
                heard = SimulatedCall(
                    client=client, base_url=base_url, auth_token=TOKEN, account_sid=ACCOUNT,
                    digits=["1", "1", "4", "84#", "1"], audio=audio, from_number=f"+9769{n:07d}",
                ).run()  # fmt: skip
                if heard.reference is None:
                    raise RuntimeError("no reference")
            except Exception as exc:  # counted and shown, never hidden
                with lock:
                    failures.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=caller, args=(n,)) for n in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put((timings, failures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--processes", type=int, default=4, help="load-generating processes (callers split evenly)")
    parser.add_argument("--postgres", default="", help="run on this database (emptied first) instead of SQLite")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="call-burst-"))
    url = args.postgres or f"sqlite:///{work / 'burst.sqlite3'}"
    fresh_database(url)
    audio = tone(work / "message.wav")

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"  # the simulated Twilio signs for this URL, as for a local serve
    # No worker runs here, so nothing fetches the recordings: callers give their RecordingUrl on the app's host.
    inside = work / "server-timings.json"
    env = app_env(work, url) | {"TWILIO_ACCOUNT_SID": ACCOUNT, "PUBLIC_BASE_URL": base_url, "TIMINGS_FILE": str(inside)}
    proc, port = serve("benchmarks.timed_app:app", env, port)
    print(machine_load())
    fork = multiprocessing.get_context("fork")
    start: Barrier = fork.Barrier(args.calls + 1)  # every caller, and this process to time the release
    results: Queue[Outcome] = fork.Queue()
    shares = [range(i, args.calls, args.processes) for i in range(args.processes)]
    drivers = [fork.Process(target=drive, args=(share, base_url, audio, start, results)) for share in shares]
    for d in drivers:
        d.start()
    start.wait()  # every caller in every process is ready: release them together
    began = time.perf_counter()
    timings: list[tuple[float, str]] = []
    failures: list[str] = []
    for _ in drivers:
        got_timings, got_failures = results.get()
        timings += got_timings
        failures += got_failures
    wall = time.perf_counter() - began
    for d in drivers:
        d.join()
    proc.terminate()
    proc.wait(timeout=30)
    server_side = [(seconds, path) for seconds, path in json.loads(inside.read_text())]
    shutil.rmtree(work, ignore_errors=True)
    Redis.from_url(env["REDIS_URL"]).flushdb()  # the intake jobs the calls queued: no worker runs here

    if not timings:
        print(f"no webhook answered; first failures: {failures[:3]}")
        return 1
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{args.calls} whole calls at once on {database} ({args.processes} caller processes): "
          f"{len(timings)} webhooks in {wall:.1f} s; failed calls: {len(failures)}")  # fmt: skip
    print(spread("time to first byte, callers' clocks", timings))
    print(spread("in the server, app called -> first byte", server_side))
    for failure in failures[:5]:
        print("  ", failure)
    return 0 if not failures else 1


def spread(what: str, timings: list[tuple[float, str]]) -> str:
    """p50, p99 and max in ms against the aim, and which steps the slowest 1 % were."""
    ms = sorted(seconds * 1000 for seconds, _path in timings)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    slowest = sorted(timings, reverse=True)[: max(1, len(timings) // 100)]
    steps = ", ".join(f"{path} {n}" for path, n in Counter(path for _s, path in slowest).most_common(3))
    return (
        f"{what}: p50 {statistics.median(ms):.0f} ms, p99 {p99:.0f} ms, max {ms[-1]:.0f} ms "
        f"(aim: none over 2000 ms); slowest 1 %: {steps}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
