"""Where callers' audio lives: a directory of files addressed by keys, written atomically.

Keys, not paths, are stored in the database, so the store can move to shared storage later
without rewriting rows. Files are never overwritten in place: a half-written file cannot
replace a good one.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True)
class StoredFile:
    key: str
    sha256: str
    size_bytes: int


class AudioStore:
    """A local-directory audio store."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        """The file for a key; refuses keys that would escape the store."""
        rel = PurePosixPath(key)
        if rel.is_absolute() or ".." in rel.parts or not rel.parts:
            raise ValueError(f"invalid audio key: {key!r}")
        return self.root.joinpath(*rel.parts)

    def existing(self, key: str | None) -> Path | None:
        """The file for a key when it is in the store; None for no key or a file gone missing (a 404, not a 500)."""
        if not key:
            return None
        path = self.path(key)
        return path if path.is_file() else None

    def put(self, key: str, data: bytes) -> StoredFile:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return StoredFile(key=key, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data))
