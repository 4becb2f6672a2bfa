#!/usr/bin/env bash
# Install everything, lint and type-check, then run the whole suite on SQLite and again on the local PostgreSQL.
# Usage: bash scripts/test.sh [pytest args]. Set SKIP_POSTGRES=1 to run the SQLite pass only.
# Each pass runs on TEST_WORKERS pytest-xdist workers (default 2; 0 runs in this process). A test file stays on
# one worker (--dist loadfile: the browser tests build one live site per module), and each worker has its own
# Redis and PostgreSQL databases (tests/shared_services.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy  # the packages and strictness are in pyproject.toml

PYTEST=(.venv/bin/pytest -n "${TEST_WORKERS:-2}" --dist loadfile)

echo "== tests on SQLite =="
"${PYTEST[@]}" "$@"

PG_URL="${TEST_POSTGRES_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
if [ "${SKIP_POSTGRES:-0}" = "1" ]; then
    echo "== PostgreSQL pass skipped (SKIP_POSTGRES=1) =="
    exit 0
fi
echo "== tests on PostgreSQL ($PG_URL) =="
# Only the tests that reach the database run again here (tests/conftest.py deselects the others: audio,
# transcription, parsing and pure functions run exactly as in the SQLite pass above).
TEST_DATABASE_URL="$PG_URL" "${PYTEST[@]}" "$@"
