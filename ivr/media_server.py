"""A tiny local stand-in for Twilio's media host: serves one audio file behind HTTP Basic auth.

Used by the call simulator (and tests) so the intake job downloads a recording exactly as it
would from Twilio: same URL shape, same auth, real HTTP.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class MediaServer:
    """Serve files at /2010-04-01/Accounts/{sid}/Recordings/{RecordingSid}.wav on 127.0.0.1."""

    def __init__(self, *, account_sid: str, auth_token: str) -> None:
        self.account_sid = account_sid
        self._expected = "Basic " + base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.files: dict[str, Path] = {}
        self.fetched: list[str] = []
        self.deleted: list[str] = []
        self.fetched_event = threading.Event()
        self.hook: Callable[[str], int | None] | None = None  # tests: return a status code to fail with
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

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
        return f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Recordings/{recording_sid}"

    def __enter__(self) -> MediaServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.headers.get("Authorization") != outer._expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="Twilio API"')
                    self.end_headers()
                    return
                sid = self.path.rsplit("/", 1)[-1].split(".", 1)[0]
                forced = outer.hook(sid) if outer.hook else None
                path = outer.files.get(sid)
                if forced or path is None:
                    self.send_response(forced or 404)
                    self.end_headers()
                    return
                data = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", "audio/x-wav")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
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
