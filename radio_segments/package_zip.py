"""The episode package as one zip whose bytes depend only on its contents.

Building an episode twice must give the same package (stations compare checksums; a re-build after a
crash must not look like a new episode), so every entry has the same fixed timestamp (the episode's
broadcast date, passed in) and permissions, and entries go in a fixed order. Text is compressed, while
audio (already dense, and read straight out by playout tools) is stored.

The episode build adds each file as soon as it is made, in an order it fixes (the clips by position, the
script, the rough cut, manifest.json last), so that zipping half a gigabyte overlaps the encoding of the
rough cut instead of following it; `write_package` is the all-at-once form, in name order.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType

_STORED_SUFFIXES = (".wav", ".mp3", ".pdf")


@dataclass(frozen=True)
class PackageFile:
    path: Path
    size: int
    sha256: str


class PackageWriter:
    """A package zip written entry by entry to `target`.partial; `finish` moves it into place atomically.

    Leaving the `with` block without finishing (an error) removes the partial file.
    """

    def __init__(self, target: Path, *, stamp: date) -> None:
        self._target = target
        self._partial = target.with_name(target.name + ".partial")
        self._when = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._archive: zipfile.ZipFile | None = zipfile.ZipFile(self._partial, "w")
        self._names: set[str] = set()
        # The zip's sha256, kept up as entries are added: everything before the end of the last entry is final
        # (zipfile only rewrites the header of the entry it is writing), so it is read back and hashed while
        # the build is still encoding, instead of reading half a gigabyte once more at the end.
        self._reader = self._partial.open("rb")
        self._sha256 = hashlib.sha256()
        self._hashed = 0

    def add(self, name: str, content: Path | bytes) -> None:
        """Append one entry: a file (read here) or the bytes themselves."""
        if self._archive is None:
            raise ValueError("the package is already finished")
        if name.startswith("/") or ".." in Path(name).parts:
            raise ValueError(f"unsafe name in a package: {name!r}")
        if name in self._names:
            raise ValueError(f"{name!r} is already in the package")
        self._names.add(name)
        info = zipfile.ZipInfo(name, date_time=self._when)
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_STORED if name.endswith(_STORED_SUFFIXES) else zipfile.ZIP_DEFLATED
        data = content if isinstance(content, bytes) else content.read_bytes()
        self._archive.writestr(info, data, compresslevel=6)
        self._archive.fp.flush()  # type: ignore[union-attr]  # open while the archive is
        self._hash_up_to(self._archive.fp.tell())  # type: ignore[union-attr]

    def _hash_up_to(self, end: int | None) -> None:
        self._reader.seek(self._hashed)
        while end is None or self._hashed < end:
            block = self._reader.read(1 << 20 if end is None else min(1 << 20, end - self._hashed))
            if not block:
                break
            self._sha256.update(block)
            self._hashed += len(block)

    def finish(self) -> PackageFile:
        if self._archive is None:
            raise ValueError("the package is already finished")
        self._archive.close()  # writes the central directory after the last entry
        self._archive = None
        self._hash_up_to(None)
        self._reader.close()
        self._partial.replace(self._target)
        return PackageFile(self._target, self._hashed, self._sha256.hexdigest())

    def __enter__(self) -> PackageWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._archive is not None:  # not finished: an error on the way
            self._archive.close()
            self._archive = None
            self._reader.close()
            self._partial.unlink(missing_ok=True)


def write_package(target: Path, entries: Mapping[str, Path | bytes], *, stamp: date) -> PackageFile:
    """Write `entries` (name in the zip → a file or the bytes themselves) to `target` in name order, atomically."""
    with PackageWriter(target, stamp=stamp) as package:
        for name in sorted(entries):
            package.add(name, entries[name])
        return package.finish()
