"""Session fixtures for the radio segments: generated speech, tones and silences, made once and shared."""

from __future__ import annotations

import pytest

from tests.radio_segments.audio_samples import AudioSamples


@pytest.fixture(scope="session")
def audio_samples(tmp_path_factory: pytest.TempPathFactory) -> AudioSamples:
    return AudioSamples(tmp_path_factory.mktemp("radio-audio"))
