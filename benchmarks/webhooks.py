"""Webhook throughput and tail latency under a burst, measured against a constant-TwiML app in the same run.

A radio show that says "call now" sends hundreds of calls a minute. This drives the real app, under
uvicorn in one process, with wrk (16 connections) posting distinct, validly signed `POST /ivr/voice`
requests — each a new call, so each creates a Call row — on SQLite (embedded default) and on the
local PostgreSQL, and the same load against benchmarks/constant_twiml.py, which does no work at all.

    .venv/bin/python benchmarks/webhooks.py [--seconds 15] [--connections 16] [--postgres URL|--no-postgres]

The PostgreSQL run empties its database first: by default `fixmyservice_bench` on the local server, made
if missing.

Prints requests/s, p50 and p99 for each, and each app's throughput as a ratio of the constant app's.
Aims (issue 8): p99 <= 25 ms and throughput >= 0.15x the constant app, on both databases.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "https://hotline.example.org"
TOKEN = "benchmark-auth-token-0123456789"
SECRET = "benchmark-secret-key-" + "x" * 32
BENCH_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/fixmyservice_bench"
CALLS = 60_000  # distinct signed requests, cycled by wrk; more than a 15 s run sends

LUA = r"""
local requests = {}
local index = 0
init = function(args)
  for line in io.lines(args[1]) do
    local sig, body = line:match("^(%S+) (.*)$")
    requests[#requests + 1] = {sig = sig, body = body}
  end
  index = math.random(#requests)
end
request = function()
  index = index % #requests + 1
  local r = requests[index]
  return wrk.format("POST", "/ivr/voice", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Twilio-Signature"] = r.sig,
  }, r.body)
end
done = function(summary, latency, requests)
  io.write(string.format("JSON {\"requests\": %d, \"seconds\": %f, \"p50\": %f, \"p99\": %f, "
    .. "\"errors\": %d, \"non2xx\": %d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int

    def line(self, baseline: Result | None) -> str:
        ratio = f"{self.rps / baseline.rps:5.2f}x" if baseline else "  1.00x"
        return (
            f"{self.name:<42} {self.rps:6.0f} req/s   p50 {self.p50_ms:6.1f} ms   p99 {self.p99_ms:6.1f} ms   "
            f"{ratio} of constant   errors {self.errors}"
        )


def signed_requests(path: Path, count: int) -> None:
    """Write `count` distinct /ivr/voice calls, each signed as Twilio would sign it."""
    validator = RequestValidator(TOKEN)
    url = f"{BASE_URL}/ivr/voice"
    with path.open("w") as out:
        for n in range(count):
            form = {
                "CallSid": f"CA{n:032x}",
                "AccountSid": "AC" + "1" * 32,
                "From": f"+9769{n:07d}",
                "To": "+97670000000",
                "CallStatus": "ringing",
                "Direction": "inbound",
            }
            out.write(f"{validator.compute_signature(url, form)} {urlencode(form)}\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(factory: str, env: dict[str, str], port: int = 0) -> tuple[subprocess.Popen[bytes], int]:
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", factory, "--port", str(port), "--log-level", "warning",
         "--no-access-log"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{factory} did not start")


def load(name: str, port: int, requests: Path, script: Path, *, seconds: int, connections: int) -> Result:
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s",
         str(script), f"http://127.0.0.1:{port}/ivr/voice", "--", str(requests)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found = re.search(r"^JSON (.*)$", out, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    data = json.loads(found.group(1))
    return Result(name, data["requests"] / data["seconds"], data["p50"], data["p99"], data["errors"] + data["non2xx"])


def fresh_database(url: str) -> None:
    """An empty, fully migrated database for every run. On PostgreSQL the database is made if missing and
    its public schema dropped and made again (not Alembic's downgrade, which a half-finished migration can
    break), so it must be one the benchmark has to itself."""
    from sqlalchemy import create_engine, make_url, text

    from hotline.db import migrate

    if url.startswith("postgresql"):
        target = make_url(url)
        server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": target.database})
            if exists.first() is None:
                connection.execute(text(f'CREATE DATABASE "{target.database}"'))
        server.dispose()
        engine = create_engine(target)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate(url)


def machine_load() -> str:
    """Say how busy the machine already is: on a shared box the figures depend on it (ratios less than rates)."""
    one, five, _ = os.getloadavg()
    return f"machine: {os.cpu_count()} cores, load average {one:.1f} (1 min), {five:.1f} (5 min) before the run"


def app_env(data_dir: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "ENVIRONMENT": "development",
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": "redis://127.0.0.1:6379/11",
        "PUBLIC_BASE_URL": BASE_URL,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "SECRET_KEY": SECRET,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--postgres", default=BENCH_POSTGRES, help="a database for the benchmark alone: it is emptied")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="webhook-bench-"))
    requests, script = work / "requests.txt", work / "signed.lua"
    signed_requests(requests, CALLS)
    script.write_text(LUA)
    targets = [("SQLite (embedded default)", f"sqlite:///{work / 'bench.sqlite3'}")]
    if not args.no_postgres:
        targets.append(("PostgreSQL", args.postgres))
    print(f"{args.connections} connections, {args.seconds} s each, one uvicorn process, distinct signed calls")
    print(machine_load())

    results: list[tuple[Result, Result]] = []
    for name, url in targets:
        fresh_database(url)
        baseline = _measure("constant-TwiML Starlette", "benchmarks.constant_twiml:app", app_env(work, url),
                            requests, script, args)  # fmt: skip
        real = _measure(f"Fix My Service, {name}", "fixmyservice.asgi:app", app_env(work, url), requests, script, args)
        results.append((baseline, real))
        print(baseline.line(None))
        print(real.line(baseline))
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _measure(
    name: str, factory: str, env: dict[str, str], requests: Path, script: Path, args: argparse.Namespace
) -> Result:
    proc, port = serve(factory, env)
    try:
        load(name, port, requests, script, seconds=2, connections=args.connections)  # warm up
        return load(name, port, requests, script, seconds=args.seconds, connections=args.connections)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
