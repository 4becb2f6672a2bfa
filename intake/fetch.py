"""Download a caller's recording from the telephony provider, and only from hosts we trust.

The URL arrives in a webhook; restricting hosts (and sending our credentials nowhere else) keeps
a forged or misconfigured URL from leaking the auth token or making us fetch arbitrary files.
Twilio hands some media to short-lived storage URLs by redirect, so we follow a few redirects
ourselves, checking every hop; and one deadline covers the whole download, however slowly it trickles.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}


class FetchError(Exception):
    """The recording could not be fetched; `reason` is what staff will read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RecordingSource:
    url: str
    account_sid: str
    auth_token: str
    allowed_hosts: frozenset[str]
    timeout_seconds: float = 20.0  # per read
    max_bytes: int = 50_000_000
    allow_loopback: bool = False  # development only: the call simulator serves audio on localhost
    redirect_hosts: frozenset[str] = frozenset()  # storage hosts a redirect may lead to (never sent credentials)
    max_redirects: int = 3
    deadline_seconds: float = 60.0  # the whole download: every hop, every byte


def wav_url(url: str) -> str:
    """Twilio serves WAV for the bare URL or `.wav`; ask for `.wav` explicitly."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith((".wav", ".mp3")) else parts.path + ".wav"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def check_host(
    url: str, allowed_hosts: frozenset[str], *, allow_loopback: bool = False, listed_in: str = "RECORDING_HOSTS"
) -> None:
    """Refuse URLs outside the allow-list; plain http only for loopback test servers."""
    netloc, host = _netloc(url), _host(url)
    listed = netloc in allowed_hosts or host in allowed_hosts
    if not listed and not (allow_loopback and _is_loopback(host)):
        raise FetchError(f"recording host {netloc or '(none)'} is not in {listed_in}")
    scheme = urlsplit(url).scheme
    if scheme == "https" or (scheme == "http" and _is_loopback(host)):
        return
    raise FetchError(f"refusing {scheme or 'schemeless'} URL to {netloc} for a recording (https required)")


def check_address(host: str, port: int, *, allow_loopback: bool = False) -> None:
    """Refuse a host that resolves to an internal address, so no URL or redirect can reach our own network.

    Every resolved address must be public: one bad answer is enough to refuse, as the connection may use any.
    """
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve recording host {host}") from exc
    for *_, sockaddr in answers:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if allow_loopback and address.is_loopback:
            continue
        # Private, loopback, link-local, unspecified and reserved ranges are all outside `is_global`.
        if address.is_multicast or address.is_reserved or not address.is_global:
            raise FetchError(f"recording host {host} resolves to a private or reserved address ({address})")


def _netloc(url: str) -> str:
    """host[:port] without any user info; never the path or query, which may carry a signed token."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"recording URL for {host or '(none)'} has an invalid port") from exc
    return f"{host}:{port}" if port else host


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: credentials go only to the origin we were first asked for."""
    scheme = urlsplit(url).scheme.lower()
    port = urlsplit(url).port or _DEFAULT_PORTS.get(scheme)
    return scheme, _host(url), port


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Deadline:
    """The whole download's time limit.

    httpx's timeouts are per read, so a host sending one byte every few seconds (even within the headers)
    never trips them. Besides the checks between steps, a timer shuts the open sockets when time is up,
    which ends any read in progress at once.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._ends_at = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self._ends_at

    def left(self) -> float:
        """Seconds left; raises the deadline's FetchError once there are none."""
        left = self._ends_at - time.monotonic()
        if left <= 0:
            raise self.error()
        return left

    def error(self) -> FetchError:
        return FetchError(f"the download took longer than the {self.seconds:g} s deadline")

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's `trace` extension: remember each new connection's socket, so `_cut` can shut it."""
        if not event.endswith(("connect_tcp.complete", "start_tls.complete")):
            return
        sock = info["return_value"].get_extra_info("socket")
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
            if self.passed:
                self._cut()

    def _cut(self) -> None:
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):  # already closed: the download ended in time
                    sock.shutdown(socket.SHUT_RDWR)


def fetch(source: RecordingSource) -> bytes:
    """Fetch the recording bytes, following a few checked redirects; HTTP Basic auth to the first origin only."""
    url = wav_url(source.url)
    check_host(url, source.allowed_hosts, allow_loopback=source.allow_loopback)
    first_origin = _origin(url)
    with _Deadline(source.deadline_seconds) as deadline, httpx.Client(follow_redirects=False) as client:
        for hop in range(source.max_redirects + 1):
            deadline.left()
            if hop:
                _check_redirect(url, source)
            _check_address_of(url, source)
            auth = (source.account_sid, source.auth_token) if _origin(url) == first_origin else None
            answer = _get(client, url, auth=auth, source=source, deadline=deadline)
            if isinstance(answer, bytes):
                return answer
            url = answer
    raise FetchError(f"too many redirects (more than {source.max_redirects}) fetching the recording")


def _check_redirect(url: str, source: RecordingSource) -> None:
    hosts = source.allowed_hosts | source.redirect_hosts
    listed_in = "RECORDING_HOSTS or RECORDING_REDIRECT_HOSTS (redirect refused)"
    check_host(url, hosts, allow_loopback=source.allow_loopback, listed_in=listed_in)


def _check_address_of(url: str, source: RecordingSource) -> None:
    """Check the hop's addresses; a loopback host named in the lists counts as configured (local test servers)."""
    host, port = _host(url), _origin(url)[2] or 443
    listed = source.allowed_hosts | source.redirect_hosts
    named = _is_loopback(host) and (host in listed or _netloc(url) in listed)
    check_address(host, port, allow_loopback=source.allow_loopback or named)


def _get(
    client: httpx.Client,
    url: str,
    *,
    auth: tuple[str, str] | None,
    source: RecordingSource,
    deadline: _Deadline,
) -> bytes | str:
    """One hop: the recording's bytes, or the URL a redirect points to."""
    left = deadline.left()
    timeout = min(source.timeout_seconds, left)  # no single read may outlast the deadline
    try:
        with client.stream("GET", url, auth=auth, timeout=timeout, extensions={"trace": deadline.trace}) as response:
            if response.status_code in REDIRECT_STATUSES:
                return _location(response, url)
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code} from {_netloc(url)}")
            return _read_body(response, source.max_bytes, deadline)
    except httpx.TimeoutException as exc:
        if deadline.passed or left < source.timeout_seconds:
            raise deadline.error() from exc
        raise FetchError(f"timed out after {source.timeout_seconds:g} s fetching the recording") from exc
    except httpx.HTTPError as exc:
        if deadline.passed:  # our timer shut the socket
            raise deadline.error() from exc
        raise FetchError(f"network error fetching the recording: {exc.__class__.__name__}: {exc}") from exc


def _location(response: httpx.Response, url: str) -> str:
    location = str(response.headers.get("Location", ""))
    if not location:
        raise FetchError(f"HTTP {response.status_code} redirect without a Location from {_netloc(url)}")
    return urljoin(url, location)


def _read_body(response: httpx.Response, max_bytes: int, deadline: _Deadline) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"recording larger than {max_bytes} bytes")
        chunks.append(chunk)
        deadline.left()
    data = b"".join(chunks)
    if not data:
        raise FetchError("the provider returned an empty file")
    return data


def delete_provider_copy(*, api_base: str, account_sid: str, auth_token: str, recording_sid: str) -> None:
    """Delete Twilio's copy once ours is safe (REST API: DELETE .../Recordings/{sid}.json)."""
    url = f"{api_base.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Recordings/{recording_sid}.json"
    response = httpx.delete(url, auth=(account_sid, auth_token), timeout=20.0)
    if response.status_code not in (204, 404):
        raise FetchError(f"could not delete the provider's copy: HTTP {response.status_code}")
