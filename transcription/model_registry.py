"""Load each Vosk model once per process, so forked workers share it instead of paying seconds and MBs per job."""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import vosk

PACKAGE_PREFIX = "package:"
DEFAULT_SAMPLE_RATE = 16000
_SAMPLE_FREQUENCY = re.compile(r"^\s*--sample-frequency\s*=\s*(\d+(?:\.\d+)?)", re.MULTILINE)


class ModelLoadError(RuntimeError):
    """A configured model cannot be used; the message names the spec so the deployment file can be fixed."""

    def __init__(self, spec: str, reason: str) -> None:
        super().__init__(f"cannot load speech model {spec!r}: {reason}")
        self.spec = spec
        self.reason = reason


@dataclass(frozen=True)
class LoadedModel:
    """A ready Vosk model and the facts an operator needs about it (which, how big, how slow to load)."""

    language_code: str
    spec: str
    name: str
    path: Path
    sample_rate: int
    size_bytes: int
    load_seconds: float
    model: vosk.Model = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Report form for health checks and logs."""
        return {
            "language_code": self.language_code,
            "spec": self.spec,
            "name": self.name,
            "path": str(self.path),
            "sample_rate": self.sample_rate,
            "size_bytes": self.size_bytes,
            "load_seconds": round(self.load_seconds, 3),
        }


def resolve_model_path(spec: str) -> Path:
    """Turn a deployment's model spec (a directory, or "package:NAME" for pip-installed models) into a directory."""
    if spec.startswith(PACKAGE_PREFIX):
        package = spec.removeprefix(PACKAGE_PREFIX).strip()
        if not package:
            raise ModelLoadError(spec, "no package name after 'package:'")
        try:
            module = importlib.import_module(package)
        except ImportError as exc:
            raise ModelLoadError(spec, f"Python package {package!r} is not installed ({exc})") from exc
        locations = [Path(p) for p in getattr(module, "__path__", [])]
        if not locations:
            raise ModelLoadError(spec, f"{package!r} is a module, not a package with a model directory")
        path = locations[0] / "model"
    else:
        path = Path(spec).expanduser()
    if not path.is_dir():
        raise ModelLoadError(spec, f"model directory {str(path)!r} does not exist")
    if not ((path / "am" / "final.mdl").is_file() or (path / "final.mdl").is_file()):
        raise ModelLoadError(spec, f"{str(path)!r} is not a Vosk model directory (no am/final.mdl)")
    return path.resolve()


def model_sample_rate(path: Path) -> int:
    """The rate the model's features were trained at; the recogniser must be fed audio at this rate."""
    conf = path / "conf" / "mfcc.conf"
    if not conf.is_file():
        return DEFAULT_SAMPLE_RATE
    match = _SAMPLE_FREQUENCY.search(conf.read_text(encoding="utf-8", errors="replace"))
    return int(float(match.group(1))) if match else DEFAULT_SAMPLE_RATE


def size_on_disk(path: Path) -> int:
    """Bytes the model occupies, so operators can see what each language costs in RAM and disk."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            total += (Path(root) / name).stat().st_size
    return total


def _model_name(spec: str, path: Path) -> str:
    """A stable label stored with each transcript, with the package version when there is one."""
    if spec.startswith(PACKAGE_PREFIX):
        package = spec.removeprefix(PACKAGE_PREFIX).strip()
        for dist in importlib.metadata.packages_distributions().get(package, []):
            try:
                return f"{package}-{importlib.metadata.version(dist)}"
            except importlib.metadata.PackageNotFoundError:
                continue
        return package
    return path.parent.name if path.name == "model" else path.name


class ModelRegistry:
    """Models by language; a model directory shared by several languages is loaded only once."""

    def __init__(self) -> None:
        self._by_language: dict[str, LoadedModel] = {}
        self._by_path: dict[Path, LoadedModel] = {}
        self._lock = threading.Lock()

    def load(self, language_code: str, spec: str) -> LoadedModel:
        """Load (or reuse) the model for a language; raises ModelLoadError with the spec and the reason."""
        with self._lock:
            current = self._by_language.get(language_code)
            if current is not None and current.spec == spec:
                return current
            path = resolve_model_path(spec)
            shared = self._by_path.get(path)
            if shared is not None:
                loaded = LoadedModel(
                    language_code=language_code, spec=spec, name=shared.name, path=path,
                    sample_rate=shared.sample_rate, size_bytes=shared.size_bytes, load_seconds=0.0,
                    model=shared.model,
                )  # fmt: skip
            else:
                loaded = self._load_new(language_code, spec, path)
                self._by_path[path] = loaded
            self._by_language[language_code] = loaded
            return loaded

    @staticmethod
    def _load_new(language_code: str, spec: str, path: Path) -> LoadedModel:
        vosk.SetLogLevel(-1)  # Kaldi logs every load and decode to stderr otherwise
        started = time.perf_counter()
        try:
            model = vosk.Model(str(path))
        except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
            raise ModelLoadError(spec, f"Vosk could not load {str(path)!r} ({exc})") from exc
        return LoadedModel(
            language_code=language_code,
            spec=spec,
            name=_model_name(spec, path),
            path=path,
            sample_rate=model_sample_rate(path),
            size_bytes=size_on_disk(path),
            load_seconds=time.perf_counter() - started,
            model=model,
        )


registry = ModelRegistry()
