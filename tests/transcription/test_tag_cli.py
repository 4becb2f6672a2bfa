"""`fixmyservice tag`: the tags a text would get, printed as JSON, through the real command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fixmyservice.cli import main
from hotline.deployment import DEFAULT_DEPLOYMENT, DEPLOYMENTS_DIR, load_deployment
from transcription.tag_cli import tag_command

KEYS = {"kind", "code", "label", "score", "source", "suggested", "evidence"}


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `fixmyservice ARGS` with a clean environment and return (exit code, parsed JSON)."""
    monkeypatch.chdir(tmp_path)  # no stray .env file
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))

    def run(*args: str, config: Path = DEFAULT_DEPLOYMENT) -> tuple[int, list[dict[str, Any]]]:
        monkeypatch.setenv("HOTLINE_CONFIG", str(config))
        code = main(["tag", *args])
        return code, json.loads(capsys.readouterr().out)

    return run


def test_tag_prints_menu_and_transcript_tags_as_json(run_cli) -> None:  # type: ignore[no-untyped-def]
    code, tags = run_cli(
        "--language", "mn", "--sector", "education", "--area", "84", "Ховд аймгийн Жаргалант сумын эмнэлэгт эмч алга"
    )

    assert code == 0
    assert all(tag.keys() == KEYS for tag in tags)
    by = {(t["kind"], t["code"], t["source"]): t for t in tags}
    assert by[("sector", "education", "menu")]["score"] == 1.0
    assert by[("area", "84", "menu")]["label"] == "Ховд"
    health = by[("sector", "health", "transcript")]
    assert health["suggested"] is True and health["evidence"]["words"] == ["эмнэлэгт", "эмч"]
    soum = by[("soum", "8401", "transcript")]
    assert soum["label"] == "Жаргалант" and soum["evidence"]["spans"][0]["start"] == 13
    assert ("area", "84", "transcript") in by


def test_without_a_language_the_deployments_first_language_is_used(run_cli) -> None:  # type: ignore[no-untyped-def]
    _code, tags = run_cli("Сургуулийн дотуур байр хүйтэн")  # Mongolian keywords: keypad digit 1

    assert [(t["kind"], t["code"], t["source"]) for t in tags] == [("sector", "education", "transcript")]
    assert tags[0]["label"] == "Боловсрол"


def test_english_text_with_a_latin_place_name(run_cli) -> None:  # type: ignore[no-untyped-def]
    _code, tags = run_cli("--language", "en", "No teacher at the school in Sukhbaatar duureg, khoroo 5")

    kinds = {(t["kind"], t["code"]) for t in tags}
    assert {("sector", "education"), ("district", "1119"), ("khoroo", "111959"), ("area", "11")} <= kinds


def test_tag_uses_the_configured_deployment(run_cli) -> None:  # type: ignore[no-untyped-def]
    _code, tags = run_cli("--language", "en", "Battambang road flooded", config=DEPLOYMENTS_DIR / "cambodia.toml")

    areas = [t for t in tags if t["kind"] == "area"]
    assert [(t["code"], t["label"], t["source"]) for t in areas] == [("02", "Battambang", "transcript")]


def test_empty_text_prints_the_keypad_tags_only(run_cli) -> None:  # type: ignore[no-untyped-def]
    _code, tags = run_cli("--sector", "health", "--area", "62", "")

    assert [(t["kind"], t["code"], t["source"]) for t in tags] == [("sector", "health", "menu"), ("area", "62", "menu")]


def test_tag_command_returns_plain_dicts() -> None:
    tags = tag_command(load_deployment(DEFAULT_DEPLOYMENT), text="Hovd hospital", language="en", sector=None, area=None)

    assert {(t["kind"], t["code"]) for t in tags} == {("sector", "health"), ("area", "84")}
    json.dumps(tags)
