"""`fixmyservice simulate-call`: a whole call against a running server, printed as the caller hears it."""

from __future__ import annotations

import argparse
import sys

import httpx

from hotline.settings import Settings
from ivr.media_server import MediaServer
from ivr.simulator import SimulatedCall


def simulate_call_command(settings: Settings, args: argparse.Namespace) -> int:
    digits = [d.strip() for d in args.digits.split(",")] if args.digits else []
    if args.audio is not None and not args.audio.is_file():
        print(f"no such audio file: {args.audio}", file=sys.stderr)
        return 2
    auth_token = settings.TWILIO_AUTH_TOKEN.get_secret_value()
    with (
        MediaServer(account_sid=settings.TWILIO_ACCOUNT_SID, auth_token=auth_token) as media,
        httpx.Client(timeout=30.0) as client,
    ):
        call = SimulatedCall(
            client=client,
            base_url=args.base_url,
            auth_token=auth_token,
            account_sid=settings.TWILIO_ACCOUNT_SID,
            digits=digits,
            audio=args.audio,
            media=media,
            from_number=args.from_number,
            to_number=args.to_number,
        )
        try:
            transcript = call.run()
        except httpx.HTTPError as exc:
            print(f"the hotline at {args.base_url} did not answer as Twilio expects: {exc}", file=sys.stderr)
            return 1
        for line in transcript.heard:
            print(f"  caller hears: {line}")
        if transcript.reference is None:
            print("call ended without a reference number")
            return 1
        print(f"reference number: {transcript.reference}")
        if transcript.recording_sid:
            if media.fetched_event.wait(args.wait):
                print("the hotline downloaded the recording")
            else:
                print(f"the hotline did not download the recording within {args.wait:g} s", file=sys.stderr)
                return 1
    return 0
