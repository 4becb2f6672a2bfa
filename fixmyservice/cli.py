"""The `fixmyservice` command: one entry point for every runtime shape and admin task."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from fixmyservice.serve import serve
from hotline.db import migrate
from hotline.settings import ConfigurationError, Settings, load_settings
from ivr.simulate_cli import simulate_call_command
from queue_workers.scheduler import run_scheduler
from queue_workers.worker import default_worker_count, run_workers
from staff.accounts_cli import add_user_command, create_token_command, deactivate_user_command, revoke_token_command
from staff.episodes_cli import draft_episode_command
from transcription.models_cli import models_command
from transcription.tag_cli import tag_command


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigurationError as exc:  # the admin's to fix: say what, not a traceback
        print(f"fixmyservice: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_serve(args: argparse.Namespace) -> int:
    return serve(_settings(), host=args.host, port=args.port, workers=args.workers)


def cmd_worker(args: argparse.Namespace) -> int:
    settings = _settings()
    count = args.processes or default_worker_count(settings)
    return run_workers(settings, count=count, burst=args.burst)


def cmd_scheduler(args: argparse.Namespace) -> int:
    return run_scheduler(_settings(), once=args.once)


def cmd_migrate(_args: argparse.Namespace) -> int:
    settings = _settings()
    migrate(settings.database_url)
    print(f"database at {settings.database_url.split('@')[-1]} is up to date")
    return 0


def cmd_simulate_call(args: argparse.Namespace) -> int:
    return simulate_call_command(_settings(), args)


def cmd_users_add(args: argparse.Namespace) -> int:
    return add_user_command(
        _settings(),
        email=args.email,
        role=args.role,
        password_stdin=args.password_stdin,
        stdin=sys.stdin,
        provider_id=args.provider,
    )


def cmd_users_deactivate(args: argparse.Namespace) -> int:
    return deactivate_user_command(_settings(), email=args.email)


def cmd_tokens_revoke(args: argparse.Namespace) -> int:
    return revoke_token_command(_settings(), token_id=args.token_id)


def cmd_tokens_create(args: argparse.Namespace) -> int:
    return create_token_command(_settings(), email=args.email, label=args.label, stdout=sys.stdout)


def cmd_episodes_draft(args: argparse.Namespace) -> int:
    return draft_episode_command(_settings(), station=args.station, week=args.week, stdout=sys.stdout)


def cmd_models(_args: argparse.Namespace) -> int:
    return models_command(_settings(), stdout=sys.stdout)


def cmd_tag(args: argparse.Namespace) -> int:
    settings = _settings()
    tags = tag_command(settings.deployment, text=args.text, language=args.language, sector=args.sector, area=args.area)
    print(json.dumps(tags, ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fixmyservice", description="Fix My Service voice hotline")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run web app, embedded Redis and workers (migrates first)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run RQ workers against REDIS_URL (models loaded first)")
    p.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    p.add_argument("--processes", type=int, default=0, help="worker processes (default: WORKERS or cores)")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("scheduler", help="periodically re-enqueue stuck work")
    p.add_argument("--once", action="store_true", help="sweep once and exit")
    p.set_defaults(func=cmd_scheduler)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    p = sub.add_parser("simulate-call", help="play Twilio against a running server")
    p.add_argument("--base-url", default="http://127.0.0.1:8000")
    p.add_argument("--digits", default="1,1,1,84#,1", help="comma-separated key presses; empty = silence")
    p.add_argument("--audio", type=Path, help="audio file to send as the recording")
    p.add_argument("--from", dest="from_number", default="+97699000001")
    p.add_argument("--to", dest="to_number", default="+97670000000")
    p.add_argument("--wait", type=float, default=60.0, help="seconds to keep serving the audio for download")
    p.set_defaults(func=cmd_simulate_call)

    users = sub.add_parser("users", help="manage staff accounts").add_subparsers(dest="users_cmd", required=True)
    p = users.add_parser("add", help="add a user")
    p.add_argument("email")
    p.add_argument("--role", choices=["admin", "staff", "producer", "provider"], default="staff")
    p.add_argument("--provider", type=int, default=None, metavar="ID", help="the provider a provider login belongs to")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_users_add)
    p = users.add_parser("deactivate", help="lock a user out (their tokens stop working)")
    p.add_argument("email")
    p.set_defaults(func=cmd_users_deactivate)

    tokens = sub.add_parser("tokens", help="manage API tokens").add_subparsers(dest="tokens_cmd", required=True)
    p = tokens.add_parser("create", help="create an API token (printed as the last line)")
    p.add_argument("email")
    p.add_argument("--label", default="")
    p.set_defaults(func=cmd_tokens_create)
    p = tokens.add_parser("revoke", help="revoke an API token by its id")
    p.add_argument("token_id", type=int)
    p.set_defaults(func=cmd_tokens_revoke)

    episodes = sub.add_parser("episodes", help="weekly radio episodes").add_subparsers(
        dest="episodes_cmd", required=True
    )
    p = episodes.add_parser("draft", help="draft (or draft again) a station's episode for an ISO week")
    p.add_argument("--station", required=True, help="a station code of the deployment")
    p.add_argument("--week", default=None, help="ISO week such as 2026-W48 (default: this week)")
    p.set_defaults(func=cmd_episodes_draft)

    sub.add_parser("models", help="list configured Vosk models and check they load").set_defaults(func=cmd_models)

    p = sub.add_parser("tag", help="print the sector and location tags for a text as JSON")
    p.add_argument("text")
    p.add_argument("--language", default=None)
    p.add_argument("--sector", default=None, help="menu sector code, as if chosen on the keypad")
    p.add_argument("--area", default=None, help="menu area code, as if typed on the keypad")
    p.set_defaults(func=cmd_tag)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s %(message)s"
    )
    if not args.verbose:  # every request and migration step at INFO would bury what the command says
        for noisy in ("httpx", "alembic"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
