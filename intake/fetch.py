"""Download a caller's recording from the telephony provider, and only from hosts we trust.

The URL arrives in a webhook; restricting hosts (and sending our credentials nowhere else) keeps
a forged or misconfigured URL from leaking the auth token or making us fetch arbitrary files.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx


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
    timeout_seconds: float = 20.0
    max_bytes: int = 50_000_000
    allow_loopback: bool = False  # development only: the call simulator serves audio on localhost


def wav_url(url: str) -> str:
    """Twilio serves WAV for the bare URL or `.wav`; ask for `.wav` explicitly."""
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith((".wav", ".mp3")) else parts.path + ".wav"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def check_host(url: str, allowed_hosts: frozenset[str], *, allow_loopback: bool = False) -> None:
    """Refuse URLs outside RECORDING_HOSTS; plain http only for loopback test servers."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    netloc = f"{host}:{parts.port}" if parts.port else host
    listed = netloc in allowed_hosts or host in allowed_hosts
    if not listed and not (allow_loopback and _is_loopback(host)):
        raise FetchError(f"recording host {netloc or '(none)'} is not in RECORDING_HOSTS")
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and _is_loopback(host):
        return
    raise FetchError(f"refusing {parts.scheme or 'schemeless'} URL for a recording (https required)")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def fetch(source: RecordingSource) -> bytes:
    """Fetch the recording bytes with HTTP Basic auth (account SID, auth token)."""
    url = wav_url(source.url)
    check_host(url, source.allowed_hosts, allow_loopback=source.allow_loopback)
    try:
        with (
            httpx.Client(timeout=source.timeout_seconds, follow_redirects=False) as client,
            client.stream("GET", url, auth=(source.account_sid, source.auth_token)) as response,
        ):
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code} from {urlsplit(url).netloc}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > source.max_bytes:
                    raise FetchError(f"recording larger than {source.max_bytes} bytes")
                chunks.append(chunk)
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out after {source.timeout_seconds:g} s fetching the recording") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"network error fetching the recording: {exc.__class__.__name__}: {exc}") from exc
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
