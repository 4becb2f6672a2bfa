"""Play Twilio against a running hotline: signed webhooks, TwiML followed verb by verb.

It is how a newcomer hears the call flow without a phone number, and how the end-to-end tests
drive the app exactly as Twilio would. Any httpx.Client works, including Starlette's TestClient.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import httpx
from twilio.request_validator import RequestValidator

from hotline.audio_probe import AudioRejected, probe_audio
from hotline.references import is_valid_reference
from ivr.media_server import MediaServer

MAX_STEPS = 60


@dataclass(frozen=True)
class PlayedAudio:
    """A <Play> the caller heard, fetched as Twilio would (a plain GET, no credentials), and what it held."""

    url: str
    status_code: int
    duration_seconds: float | None  # None when the answer was not decodable audio
    error: str = ""


@dataclass
class CallTranscript:
    """What the simulated caller heard and did."""

    call_sid: str
    heard: list[str] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    responses: list[ET.Element] = field(default_factory=list)
    reference: str | None = None
    recording_sid: str | None = None
    hung_up: bool = False
    played: list[PlayedAudio] = field(default_factory=list)


@dataclass
class SimulatedCall:
    """Drive one call. `digits` are the caller's key presses in order; '' means silence (a timeout)."""

    client: httpx.Client
    base_url: str
    auth_token: str
    account_sid: str
    digits: list[str]
    audio: Path | None = None
    media: MediaServer | None = None
    from_number: str = "+97699000001"
    to_number: str = "+97670000000"
    hang_up_during_recording: bool = False
    empty_recording: bool = False
    fetch_played: bool = False  # fetch every <Play> URL and check it decodes (hotline.audio_probe)
    call_sid: str = field(default_factory=lambda: "CA" + secrets.token_hex(16))

    def run(self) -> CallTranscript:
        transcript = CallTranscript(call_sid=self.call_sid)
        pending = list(self.digits)
        root = self._post(transcript, f"{self.base_url.rstrip('/')}/ivr/voice", {"CallStatus": "ringing"})
        steps = 0
        while root is not None and steps < MAX_STEPS:
            steps += 1
            root = self._follow(transcript, root, pending)
        self._post(
            transcript, f"{self.base_url.rstrip('/')}/ivr/status", {"CallStatus": "completed", "CallDuration": "42"}
        )
        transcript.reference = _find_reference(transcript.heard)
        return transcript

    def _follow(self, transcript: CallTranscript, root: ET.Element, pending: list[str]) -> ET.Element | None:
        """Run one TwiML document; return the next document, or None when the call has ended."""
        for verb in root:
            if verb.tag in ("Say", "Play"):
                self._hear(transcript, verb)
            elif verb.tag == "Gather":
                for child in verb:
                    if child.tag in ("Say", "Play"):
                        self._hear(transcript, child)
                typed = pending.pop(0) if pending else ""
                finish = verb.get("finishOnKey", "#")
                entered = typed[:-1] if typed.endswith(finish) else typed
                if entered or verb.get("actionOnEmptyResult") == "true":
                    return self._post(transcript, verb.get("action", ""), {"Digits": entered})
                continue  # silence: Twilio runs the next verb
            elif verb.tag == "Record":
                if self.empty_recording or self.audio is None:
                    if self._record_nothing(transcript, verb):
                        return None
                    continue  # Twilio skips the action of an empty recording and runs the next verb
                return self._record(transcript, verb)
            elif verb.tag == "Redirect":
                return self._post(transcript, (verb.text or "").strip(), {})
            elif verb.tag == "Hangup":
                transcript.hung_up = True
                return None
        return None

    def _hear(self, transcript: CallTranscript, verb: ET.Element) -> None:
        transcript.heard.append(_spoken(verb))
        if verb.tag == "Play" and self.fetch_played:
            transcript.played.append(self._fetch(urljoin(self.base_url, (verb.text or "").strip())))

    def _fetch(self, url: str) -> PlayedAudio:
        """GET a <Play> URL unsigned, as Twilio's media fetcher does, and probe what came back."""
        response = self.client.get(url)
        if response.status_code != 200:
            return PlayedAudio(url, response.status_code, None, response.text[:200])
        with tempfile.NamedTemporaryFile(suffix=".audio") as held:
            held.write(response.content)
            held.flush()
            try:
                info = probe_audio(Path(held.name))
            except AudioRejected as rejected:
                return PlayedAudio(url, response.status_code, None, str(rejected))
        return PlayedAudio(url, response.status_code, info.duration_seconds)

    def _record_nothing(self, transcript: CallTranscript, verb: ET.Element) -> bool:
        """The caller said nothing: Twilio reports the recording absent. True when the caller hung up."""
        status_url = verb.get("recordingStatusCallback")
        if status_url:
            sid = "RE" + secrets.token_hex(16)
            self._post(
                transcript, status_url, {"RecordingSid": sid, "RecordingStatus": "absent", "RecordingDuration": "0"}
            )
        transcript.hung_up = self.hang_up_during_recording
        return self.hang_up_during_recording

    def _record(self, transcript: CallTranscript, verb: ET.Element) -> ET.Element | None:
        assert self.audio is not None
        sid = "RE" + secrets.token_hex(16)
        transcript.recording_sid = sid
        url = self.media.add(sid, self.audio) if self.media else f"{self.base_url}/recordings/{sid}"
        fields = {"RecordingSid": sid, "RecordingUrl": url, "RecordingDuration": str(_duration(self.audio))}
        digits = "hangup" if self.hang_up_during_recording else "#"
        answer = self._post(transcript, verb.get("action", ""), {**fields, "Digits": digits})
        status_url = verb.get("recordingStatusCallback")
        if status_url:
            self._post(transcript, status_url, {**fields, "RecordingStatus": "completed"})
        if self.hang_up_during_recording:
            transcript.hung_up = True
            return None
        return answer

    def _post(self, transcript: CallTranscript, url: str, extra: dict[str, str]) -> ET.Element | None:
        url = urljoin(self.base_url, url)
        form = {
            "AccountSid": self.account_sid,
            "CallSid": self.call_sid,
            "From": self.from_number,
            "To": self.to_number,
            "Direction": "inbound",
            "CallStatus": "in-progress",
            **extra,
        }
        signature = RequestValidator(self.auth_token).compute_signature(url, form)
        response = self.client.post(url, data=form, headers={"X-Twilio-Signature": signature})
        transcript.requests.append((url, form))
        response.raise_for_status()
        if response.status_code == 204 or not response.content:
            return None
        root = ET.fromstring(response.content)
        transcript.responses.append(root)
        return root


def _spoken(verb: ET.Element) -> str:
    return (verb.text or "").strip() if verb.tag == "Say" else f"[audio {verb.text}]"


def _find_reference(heard: list[str]) -> str | None:
    for line in heard:
        digits = re.sub(r"[\s,]", "", line)
        if is_valid_reference(digits):
            return digits
    return None


def _duration(path: Path) -> int:
    """The RecordingDuration Twilio would report; probed once per file version (ffprobe is a process each)."""
    stat = path.stat()
    return _probed_duration(path, stat.st_mtime_ns, stat.st_size)


@cache
def _probed_duration(path: Path, _mtime_ns: int, _size: int) -> int:
    try:
        return max(1, round(probe_audio(path).duration_seconds or 1))
    except AudioRejected:
        return 1
