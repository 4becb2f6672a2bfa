"""What a transcription worker holds for its whole life: loaded models and the gazetteer.

Built once per process, before the worker takes jobs, so forked job processes inherit it and
never pay the model load (seconds, hundreds of MB) per job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from hotline.deployment import Deployment, load_deployment
from hotline.settings import Settings
from transcription.gazetteer import Gazetteer, default_gazetteer
from transcription.model_registry import LoadedModel, registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Runtime:
    deployment: Deployment
    gazetteer: Gazetteer
    models: dict[str, LoadedModel] = field(default_factory=dict)

    def model_for(self, language: str) -> LoadedModel | None:
        """The model for a language, or None: that language goes to manual transcription."""
        return self.models.get(language)


def build_runtime(deployment: Deployment) -> Runtime:
    models: dict[str, LoadedModel] = {}
    for language in deployment.languages:
        if language.vosk_model:
            models[language.code] = registry.load(language.code, _resolve_spec(deployment, language.vosk_model))
    return Runtime(deployment=deployment, gazetteer=default_gazetteer(deployment), models=models)


def _resolve_spec(deployment: Deployment, spec: str) -> str:
    """Relative model directories are relative to the deployment file, like its audio prompts."""
    if spec.startswith("package:"):
        return spec
    path = Path(spec)
    return str(path if path.is_absolute() else (deployment.base_dir / path).resolve())


@cache
def _runtime_for(config_path: str) -> Runtime:
    return build_runtime(load_deployment(config_path))


def worker_runtime(settings: Settings) -> Runtime:
    return _runtime_for(str(settings.HOTLINE_CONFIG))
