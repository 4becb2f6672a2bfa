"""A written file's size and sha256, computed from the bytes as they are written, never by reading it back.

The package's manifest lists every file's sha256. Hashing them at the end meant reading the whole package
(hundreds of MB) once more, in one thread, after the audio was done; hashing in the thread that writes each
file spreads the work over the workers and reads nothing twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO


@dataclass(frozen=True)
class FileDigest:
    size: int
    sha256: str

    @classmethod
    def of(cls, data: bytes) -> FileDigest:
        return cls(len(data), hashlib.sha256(data).hexdigest())


class DigestWriter:
    """A binary file opened for writing that hashes what goes through it; `digest` once it is closed."""

    def __init__(self, path: Path) -> None:
        self._file: BinaryIO = path.open("wb")
        self._hash = hashlib.sha256()
        self._size = 0

    def write(self, data: bytes) -> None:
        self._hash.update(data)
        self._size += len(data)
        self._file.write(data)

    @property
    def digest(self) -> FileDigest:
        return FileDigest(self._size, self._hash.hexdigest())

    def __enter__(self) -> DigestWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._file.close()


def write_bytes(path: Path, data: bytes) -> FileDigest:
    """Write `data` to `path` and return its digest."""
    path.write_bytes(data)
    return FileDigest.of(data)
