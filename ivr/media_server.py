"""A tiny local stand-in for Twilio's media host: serves one audio file behind HTTP Basic auth.

Used by the call simulator (and tests) so the intake job downloads a recording exactly as it
would from Twilio: same URL shape, same auth, real HTTP. Tests can also make it misbehave as real
hosts do: answer with a redirect, act as an unauthenticated storage host, or trickle its answer.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


class MediaServer:
    """Serve files at /2010-04-01/Accounts/{sid}/Recordings/{RecordingSid}.wav on 127.0.0.1."""

    def __init__(self, *, account_sid: str, auth_token: str, require_auth: bool = True) -> None:
        self.account_sid = account_sid
        self._expected = "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.require_auth = require_auth  # False: a storage host serving signed URLs to anyone
        self.files: dict[str, Path] = {}
        self.fetched: list[str] = []
        self.deleted: list[str] = []
        self.requests: list[tuple[str, str | None]] = []  # every GET: (path, Authorization header)
        self.redirects: dict[str, tuple[int, str]] = {}  # RecordingSid -> (status, Location)
        self.trickle_seconds: float | None = None  # send the body one byte every so many seconds
        self.trickle_headers = False  # trickle the status line and headers too
        self.fetched_event = threading.Event()
        self.hook: Callable[[str], int | None] | None = None  # tests: return a status code to fail with
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # A short poll so that closing the server (at the end of every test) takes milliseconds, not 0.5 s.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    @property
    def host(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    def add(self, recording_sid: str, path: Path) -> str:
        """Publish a file; returns the RecordingUrl (without extension, as Twilio sends it)."""
        self.files[recording_sid] = path
        return self.url(recording_sid)

    def url(self, recording_sid: str) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Recordings/{recording_sid}"

    def redirect(self, recording_sid: str, location: str, *, status: int = 302) -> str:
        """Answer this recording with a redirect to `location`; returns its RecordingUrl."""
        self.redirects[recording_sid] = (status, location)
        return self.url(recording_sid)

    def __enter__(self) -> MediaServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()  # ends any trickle at once
        self._server.shutdown()
        self._server.server_close()

    def _send_file(self, handler: BaseHTTPRequestHandler, data: bytes) -> bool:
        """Write the answer, a byte at a time when trickling; False when it was cut short."""
        head = f"{handler.protocol_version} 200 OK\r\nContent-Type: audio/x-wav\r\nContent-Length: {len(data)}\r\n\r\n"
        answer = head.encode() + data
        if self.trickle_seconds is None:
            handler.wfile.write(answer)
            return True
        start = 0 if self.trickle_headers else len(head)
        try:
            handler.wfile.write(answer[:start])
            for i in range(start, len(answer)):
                if self._closing.wait(self.trickle_seconds):
                    return False
                handler.wfile.write(answer[i : i + 1])
        except OSError:  # the client gave up, as it should
            return False
        return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                authorization = self.headers.get("Authorization")
                outer.requests.append((self.path, authorization))
                if outer.require_auth and authorization != outer._expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="Twilio API"')
                    self.end_headers()
                    return
                sid = urlsplit(self.path).path.rsplit("/", 1)[-1].split(".", 1)[0]
                if sid in outer.redirects:
                    status, location = outer.redirects[sid]
                    self.send_response(status)
                    self.send_header("Location", location)
                    self.end_headers()
                    return
                forced = outer.hook(sid) if outer.hook else None
                path = outer.files.get(sid)
                if forced or path is None:
                    self.send_response(forced or 404)
                    self.end_headers()
                    return
                if outer._send_file(self, path.read_bytes()):
                    outer.fetched.append(sid)
                    outer.fetched_event.set()

            def do_DELETE(self) -> None:
                """Twilio's REST API: DELETE /2010-04-01/Accounts/{sid}/Recordings/{RecordingSid}.json."""
                if self.headers.get("Authorization") != outer._expected:
                    self.send_response(401)
                    self.end_headers()
                    return
                sid = self.path.rsplit("/", 1)[-1].split(".", 1)[0]
                found = outer.files.pop(sid, None) is not None
                if found:
                    outer.deleted.append(sid)
                self.send_response(204 if found else 404)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

        return Handler
