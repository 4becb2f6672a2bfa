"""Downloading a recording over real HTTP on 127.0.0.1: redirects followed safely, one deadline for it all.

`media` stands in for Twilio's media host (Basic auth); `storage` for the short-lived storage host a
redirect leads to (no auth, and it must never see ours).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake import fetch
from ivr.media_server import MediaServer
from tests.conftest import TWILIO_SID, TWILIO_TOKEN
from tests.ivr.conftest import write_tone

BASIC = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()


@pytest.fixture
def media() -> Iterator[MediaServer]:
    with MediaServer(account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN) as server:
        yield server


@pytest.fixture
def storage() -> Iterator[MediaServer]:
    with MediaServer(account_sid=TWILIO_SID, auth_token="storage-knows-no-token", require_auth=False) as server:
        yield server


@pytest.fixture
def audio(tmp_path: Path) -> Path:
    return write_tone(tmp_path / "m.wav", seconds=1.0)


def _source(url: str, media: MediaServer, **overrides: object) -> fetch.RecordingSource:
    values: dict[str, object] = {
        "url": url,
        "account_sid": TWILIO_SID,
        "auth_token": TWILIO_TOKEN,
        "allowed_hosts": frozenset({"api.twilio.com", media.host}),
    }
    values.update(overrides)
    return fetch.RecordingSource(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("status", [302, 307])
def test_a_redirect_to_a_storage_host_is_followed_without_our_credentials(
    media: MediaServer, storage: MediaServer, audio: Path, status: int
) -> None:
    signed = storage.add("RE1", audio) + ".wav?X-Amz-Signature=secret"
    url = media.redirect("RE1", signed, status=status)

    data = fetch.fetch(_source(url, media, redirect_hosts=frozenset({storage.host})))

    assert data == audio.read_bytes()
    assert [auth for _path, auth in media.requests] == [BASIC]
    assert storage.requests == [(signed.removeprefix(storage.base_url), None)], "credentials leaked to storage"
    assert storage.fetched_event.wait(2) and storage.fetched == ["RE1"]


def test_a_relative_redirect_on_the_same_origin_keeps_the_credentials(media: MediaServer, audio: Path) -> None:
    media.add("RE2", audio)
    url = media.redirect("RE1", f"/2010-04-01/Accounts/{TWILIO_SID}/Recordings/RE2.wav", status=307)

    assert fetch.fetch(_source(url, media)) == audio.read_bytes()
    assert [auth for _path, auth in media.requests] == [BASIC, BASIC]
    assert media.fetched_event.wait(2) and media.fetched == ["RE2"]


def test_a_redirect_to_an_unlisted_host_is_refused_by_name_and_never_asked(
    media: MediaServer, storage: MediaServer, audio: Path
) -> None:
    url = media.redirect("RE1", storage.add("RE1", audio) + ".wav?X-Amz-Signature=secret")

    with pytest.raises(fetch.FetchError) as refused:
        fetch.fetch(_source(url, media, redirect_hosts=frozenset({"media.twiliocdn.com"})))

    assert storage.host in refused.value.reason and "RECORDING_REDIRECT_HOSTS" in refused.value.reason
    assert "secret" not in refused.value.reason and TWILIO_TOKEN not in refused.value.reason
    assert storage.requests == []


def test_too_many_redirects_are_refused(media: MediaServer) -> None:
    url = media.redirect("RE1", media.url("RE1") + ".wav")

    with pytest.raises(fetch.FetchError, match="too many redirects"):
        fetch.fetch(_source(url, media, max_redirects=3))
    assert len(media.requests) == 4, "the first request and three redirects, no more"


def test_a_redirect_to_plain_http_elsewhere_is_refused_before_any_connection(media: MediaServer) -> None:
    url = media.redirect("RE1", "http://media.twiliocdn.com/recording.wav")

    with pytest.raises(fetch.FetchError, match=r"refusing http URL to media\.twiliocdn\.com .*https required"):
        fetch.fetch(_source(url, media, redirect_hosts=frozenset({"media.twiliocdn.com"})))


def test_https_is_required_for_every_host_but_loopback() -> None:
    hosts = frozenset({"api.twilio.com", "media.twiliocdn.com"})
    fetch.check_host("https://media.twiliocdn.com/r.wav?sig=x", hosts)
    fetch.check_host("http://127.0.0.1:8080/r.wav", hosts, allow_loopback=True)
    with pytest.raises(fetch.FetchError, match="https required"):
        fetch.check_host("http://media.twiliocdn.com/r.wav", hosts)
    with pytest.raises(fetch.FetchError, match="https required"):
        fetch.check_host("ftp://api.twilio.com/r.wav", hosts)
    with pytest.raises(fetch.FetchError, match="invalid port"):
        fetch.check_host("https://api.twilio.com:99999/r.wav", hosts)


@pytest.mark.parametrize("address", ["10.0.0.5", "169.254.169.254", "192.168.1.1", "0.0.0.0", "224.0.0.1", "[fe80::1]"])
def test_internal_addresses_are_refused_even_when_listed(address: str) -> None:
    url = f"https://{address}/2010-04-01/Recordings/RE1"
    listed = frozenset({address.strip("[]"), "api.twilio.com"})
    source = fetch.RecordingSource(
        url=url, account_sid=TWILIO_SID, auth_token=TWILIO_TOKEN, allowed_hosts=listed, allow_loopback=True
    )

    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match="private or reserved address"):
        fetch.fetch(source)
    assert time.monotonic() - started < 0.5, "refused before any connection is attempted"


def test_a_redirect_to_the_metadata_address_is_refused(media: MediaServer) -> None:
    url = media.redirect("RE1", "https://169.254.169.254/latest/meta-data/")

    with pytest.raises(fetch.FetchError, match=r"169\.254\.169\.254 resolves to a private or reserved address"):
        fetch.fetch(_source(url, media, redirect_hosts=frozenset({"169.254.169.254"})))


def test_loopback_is_refused_unless_allowed() -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        with pytest.raises(fetch.FetchError, match="private or reserved address"):
            fetch.check_address(host, 443)
    fetch.check_address("127.0.0.1", 443, allow_loopback=True)
    with pytest.raises(fetch.FetchError, match="private or reserved address"):
        fetch.check_address("10.0.0.5", 443, allow_loopback=True)


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_trickling_host_ends_at_the_deadline(media: MediaServer, audio: Path, headers_too: bool) -> None:
    url = media.add("RE1", audio)
    media.trickle_seconds, media.trickle_headers = 0.5, headers_too
    source = _source(url, media, deadline_seconds=2.0, timeout_seconds=5.0)

    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match="the download took longer than the 2 s deadline"):
        fetch.fetch(source)
    assert time.monotonic() - started < 2.0 + 1.5
    assert media.fetched == []


def test_the_deadline_covers_every_hop(media: MediaServer, storage: MediaServer, audio: Path) -> None:
    url = media.redirect("RE1", storage.add("RE1", audio))
    storage.trickle_seconds = 0.5
    source = _source(url, media, redirect_hosts=frozenset({storage.host}), deadline_seconds=1.5, timeout_seconds=5.0)

    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match=r"longer than the 1\.5 s deadline"):
        fetch.fetch(source)
    assert time.monotonic() - started < 1.5 + 1.5


def test_a_slow_but_steady_host_within_the_deadline_still_succeeds(media: MediaServer, tmp_path: Path) -> None:
    small = tmp_path / "small.wav"
    small.write_bytes(b"RIFF0123")
    media.trickle_seconds = 0.05
    url = media.add("RE1", small)

    assert fetch.fetch(_source(url, media, deadline_seconds=5.0, timeout_seconds=1.0)) == b"RIFF0123"


def test_the_allow_list_credentials_and_size_cap_still_hold(
    media: MediaServer, storage: MediaServer, audio: Path
) -> None:
    url = media.add("RE1", audio)
    with pytest.raises(fetch.FetchError, match=f"{media.host} is not in RECORDING_HOSTS"):
        fetch.fetch(
            _source(url, media, allowed_hosts=frozenset({"api.twilio.com"}), redirect_hosts=frozenset({media.host}))
        )
    with pytest.raises(fetch.FetchError, match="HTTP 401"):
        fetch.fetch(_source(url, media, auth_token="wrong"))
    assert media.fetched == []

    redirected = media.redirect("RE2", storage.add("RE2", audio))
    with pytest.raises(fetch.FetchError, match="larger than 1000 bytes"):
        fetch.fetch(_source(redirected, media, redirect_hosts=frozenset({storage.host}), max_bytes=1000))
    storage.hook = lambda _sid: 403
    with pytest.raises(fetch.FetchError, match=f"HTTP 403 from {storage.host}$"):
        fetch.fetch(_source(redirected, media, redirect_hosts=frozenset({storage.host})))
