"""The episode package as one zip whose bytes depend only on its contents.

Building an episode twice must give the same package (stations compare checksums; a re-build after a
crash must not look like a new episode), so every entry has the same fixed timestamp (the episode's
broadcast date, passed in) and permissions, entries are written in name order, and text is compressed
while audio (already dense, and read straight out by playout tools) is stored.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

_STORED_SUFFIXES = (".wav", ".mp3", ".pdf")


@dataclass(frozen=True)
class PackageFile:
    path: Path
    size: int
    sha256: str


def write_package(target: Path, entries: Mapping[str, Path | bytes], *, stamp: date) -> PackageFile:
    """Write `entries` (name in the zip → a file or the bytes themselves) to `target`, atomically."""
    when = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(entries):
            if name.startswith("/") or ".." in Path(name).parts:
                raise ValueError(f"unsafe name in a package: {name!r}")
            info = zipfile.ZipInfo(name, date_time=when)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name.endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
            content = entries[name]
            data = content if isinstance(content, bytes) else content.read_bytes()
            archive.writestr(info, data, compresslevel=6)
    partial.replace(target)
    return PackageFile(target, target.stat().st_size, sha256_of(target))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
