"""The result every tagger returns, and a per-deployment cache for the indexes they build.

One small frozen shape for sector and location tags alike, so the pipeline stores them in one table and
the CLI prints them the same way; evidence is plain JSON so staff can see *why* a tag was proposed.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import wraps
from typing import Any, TypeVar

from hotline.deployment import Deployment

MENU = "menu"
TRANSCRIPT = "transcript"

T = TypeVar("T")


@dataclass(frozen=True)
class TagResult:
    """A sector or place a complaint is about, where the claim came from, and the words behind it."""

    kind: str  # sector, area, soum, district, bag, khoroo
    code: str
    label: str
    score: float  # 1.0 for a keypad choice; less for what the transcript suggests
    source: str  # "menu" or "transcript"
    suggested: bool = False  # the transcript points somewhere the caller's keypad choice did not
    evidence: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def per_deployment(build: Callable[[Deployment], T]) -> Callable[[Deployment], T]:
    """Cache an index per Deployment object: built on first use, dropped with the deployment.

    Deployments are unhashable (they hold lists), so the cache is keyed by identity and guarded by a
    weak reference, which also stops a recycled id from returning another deployment's index.
    """
    cache: dict[int, tuple[weakref.ref[Deployment], T]] = {}
    lock = threading.Lock()

    @wraps(build)
    def cached(deployment: Deployment) -> T:
        key = id(deployment)
        with lock:
            hit = cache.get(key)
            if hit is not None and hit[0]() is deployment:
                return hit[1]
        value = build(deployment)
        with lock:
            cache[key] = (weakref.ref(deployment, lambda _ref: cache.pop(key, None)), value)
        return value

    return cached
