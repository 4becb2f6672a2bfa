"""Upload MP3s to an AzuraCast station's media library through its API, for stations whose playout runs there.

AzuraCast takes one file per request: `POST {base}/api/station/{id}/files` with JSON
{"path": "dir/file.mp3", "file": "<base64>"} and the key in `X-API-Key` (see TECH-NOTES). A plain function with
timeouts: a refused or failed upload raises AzuraCastUploadError naming the file and AzuraCast's answer, and the job
that called it records that on the episode and lets RQ retry. Uploading the same path again replaces the file,
so a retry after a partial upload is safe; it is also wasteful (a 60-minute rough cut is ~77 MB of base64), so
the caller is told of each accepted file (`on_uploaded`, to keep it) and `still_to_send` drops the files whose
path and bytes (sha256) AzuraCast already took, while a rebuilt file with other bytes is sent again.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath

import httpx

CONNECT_SECONDS = 10.0
TRANSFER_SECONDS = 120.0  # a 60-minute MP3 at 128 kb/s is ~58 MB, ~77 MB as base64
MAX_REASON = 300


class AzuraCastUploadError(RuntimeError):
    """AzuraCast did not take a file (unreachable, timed out, or refused it)."""


@dataclass(frozen=True)
class AzuraCastStation:
    base_url: str  # e.g. https://radio.example.mn (no trailing slash)
    station_id: int
    api_key: str


@dataclass(frozen=True)
class Upload:
    path: str  # where AzuraCast files it, e.g. fixmyservice/khovd/2026-W48/rough-cut.mp3
    data: bytes

    @cached_property  # asked by still_to_send and again when the upload is recorded
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def file_upload(folder: str, file: Path) -> Upload:
    return Upload(path=f"{folder}/{file.name}", data=file.read_bytes())


def package_uploads(package: Path, folder: str, *, besides: Sequence[str] = ()) -> list[Upload]:
    """Every MP3 inside a package zip (the clips), filed by name under `folder`; names in `besides` are skipped."""
    uploads: list[Upload] = []
    with zipfile.ZipFile(package) as archive:
        for member in sorted(archive.namelist()):
            name = PurePosixPath(member).name
            if name.lower().endswith(".mp3") and name not in besides:
                uploads.append(Upload(path=f"{folder}/{name}", data=archive.read(member)))
    return uploads


def still_to_send(uploads: Sequence[Upload], taken: Mapping[str, str]) -> list[Upload]:
    """The uploads AzuraCast does not have yet: `taken` maps each path it accepted to the sha256 of those bytes."""
    return [upload for upload in uploads if taken.get(upload.path) != upload.sha256]


def upload_files(
    station: AzuraCastStation, uploads: Sequence[Upload], *, on_uploaded: Callable[[Upload], None] | None = None
) -> list[str]:
    """Upload each file in turn, calling `on_uploaded` after each one AzuraCast accepted; returns the paths
    uploaded, or raises AzuraCastUploadError at the first failure (the files before it stay uploaded)."""
    timeout = httpx.Timeout(TRANSFER_SECONDS, connect=CONNECT_SECONDS)
    url = f"{station.base_url}/api/station/{station.station_id}/files"
    headers = {"X-API-Key": station.api_key, "Accept": "application/json"}
    done: list[str] = []
    with httpx.Client(timeout=timeout, headers=headers, follow_redirects=False) as client:
        for upload in uploads:
            body = {"path": upload.path, "file": base64.b64encode(upload.data).decode("ascii")}
            try:
                response = client.post(url, json=body)
            except httpx.HTTPError as exc:
                raise AzuraCastUploadError(f"upload of {upload.path} failed: {type(exc).__name__}: {exc}") from exc
            if not response.is_success:
                reason = response.text.strip().replace("\n", " ")[:MAX_REASON]
                raise AzuraCastUploadError(f"AzuraCast refused {upload.path}: HTTP {response.status_code} {reason}")
            done.append(upload.path)
            if on_uploaded is not None:
                on_uploaded(upload)
    return done
