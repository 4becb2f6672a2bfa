"""`fixmyservice models`: which speech model each language uses, and proof that it loads.

An operator changing a deployment file wants to know before the first call whether the model path is
right, how much memory each worker will hold and how long start-up takes; a language without a model
is not an error (its calls go to manual transcription), a model that does not load is.
"""

from __future__ import annotations

from typing import TextIO

from hotline.settings import Settings
from transcription.model_registry import ModelLoadError, registry
from transcription.runtime import _resolve_spec

MB = 1024 * 1024


def models_command(settings: Settings, *, stdout: TextIO) -> int:
    """Print each deployment language's model (or "manual transcription"); exit 1 if a model fails to load."""
    deployment = settings.deployment
    print(f"deployment: {deployment.name} ({settings.HOTLINE_CONFIG})", file=stdout)
    failed = loaded = 0
    for language in deployment.languages:
        head = f"{language.code} ({language.name})"
        if not language.vosk_model:
            print(f"{head}: manual transcription (no vosk_model configured)", file=stdout)
            continue
        spec = _resolve_spec(deployment, language.vosk_model)
        try:
            model = registry.load(language.code, spec)
        except ModelLoadError as exc:
            failed += 1
            print(f"{head}: FAILED spec={language.vosk_model} reason: {exc.reason}", file=stdout)
            continue
        loaded += 1
        print(
            f"{head}: ok spec={language.vosk_model} name={model.name} sample_rate={model.sample_rate} Hz "
            f"size={model.size_bytes / MB:.1f} MB load={model.load_seconds:.2f} s path={model.path}",
            file=stdout,
        )
    manual = len(deployment.languages) - loaded - failed
    print(f"{loaded} loaded, {manual} manual transcription, {failed} failed", file=stdout)
    return 1 if failed else 0
