"""Radio stations in the deployment files: every shipped deployment has one, and the schema refuses mistakes."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from hotline.deployment import DEPLOYMENTS_DIR, Deployment, load_deployment

SHIPPED = sorted(DEPLOYMENTS_DIR.glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_deployment_airs_on_at_least_one_station_with_a_number_to_call(path: Path) -> None:
    deployment = load_deployment(path)
    assert deployment.stations, f"{path.name} defines no [[stations]]"
    area_codes = {a.code for a in deployment.areas}
    for station in deployment.stations:
        assert set(station.areas) <= area_codes
        assert deployment.language(station.language).code == station.language
        assert deployment.announced_number(station).startswith("+")
        assert station.azuracast is None  # nothing uploads anywhere until a deployment configures it


def test_the_three_deployments_are_shipped() -> None:
    assert {p.stem for p in SHIPPED} >= {"mongolia", "cambodia", "demo_korean"}


def _deployment(tmp_path: Path, stations: str) -> Deployment:
    """The Korean demo deployment with its stations replaced by `stations` (TOML)."""
    text = (DEPLOYMENTS_DIR / "demo_korean.toml").read_text(encoding="utf-8")
    head, _, _ = text.partition("[[stations]]")
    path = tmp_path / "deployment.toml"
    path.write_text(head + stations, encoding="utf-8")
    return load_deployment(path)


STATION = """
[[stations]]
code = "{code}"
name = "Test FM"
language = "{language}"
areas = {areas}
{extra}
"""


def _station(code: str = "test-fm", language: str = "ko", areas: str = '["84"]', extra: str = "") -> str:
    return STATION.format(code=code, language=language, areas=areas, extra=extra)


def test_a_valid_station_with_jingles_and_azuracast_loads(tmp_path: Path) -> None:
    (tmp_path / "jingles").mkdir()
    (tmp_path / "jingles" / "in.wav").write_bytes(b"RIFF")
    extra = """segments = 4
hotline_number = "+82 10 1234 5678"
jingles = { intro = "jingles/in.wav", outro = "jingles/missing.wav" }
azuracast = { base_url = "https://radio.example.org/", station_id = 3, api_key_env = "AZURACAST_TEST_KEY" }"""
    deployment = _deployment(tmp_path, _station(extra=extra))
    station = deployment.station("test-fm")
    assert station is not None and station.segments == 4 and station.areas == ["84"]
    assert deployment.announced_number(station) == "+82 10 1234 5678"  # its own number wins
    assert deployment.jingle_path(station, "intro") == (tmp_path / "jingles" / "in.wav").resolve()
    assert deployment.jingle_path(station, "outro") is None  # named but not shipped
    assert deployment.jingle_path(station, "between") is None
    assert station.azuracast is not None and station.azuracast.base_url == "https://radio.example.org"
    assert deployment.station("nope") is None


def test_a_station_without_areas_serves_the_whole_country_and_defaults_to_six_segments(tmp_path: Path) -> None:
    station = _deployment(tmp_path, _station(areas="[]")).stations[0]
    assert station.areas == [] and station.segments == 6
    assert (station.air_weekday, station.air_time, station.air_clock()) == (7, "12:00", time(12, 0)), "Sunday noon"


def test_a_station_airs_on_its_weekday_and_time(tmp_path: Path) -> None:
    station = _deployment(tmp_path, _station(extra='air_weekday = 3\nair_time = "07:45"')).stations[0]
    assert (station.air_weekday, station.air_clock()) == (3, time(7, 45))


def test_the_shipped_stations_air_at_a_sensible_local_time() -> None:
    khovd = load_deployment(DEPLOYMENTS_DIR / "mongolia.toml").station("khovd")
    talk_show = load_deployment(DEPLOYMENTS_DIR / "cambodia.toml").station("weekly-talk-show")
    assert khovd is not None and (khovd.air_weekday, khovd.air_time) == (6, "11:00")
    assert talk_show is not None and (talk_show.air_weekday, talk_show.air_time) == (6, "18:00")


@pytest.mark.parametrize(
    ("stations", "message"),
    [
        (_station(areas='["99"]'), "serves unknown areas"),
        (_station(areas='["84", "84"]'), "duplicate area of station"),
        (_station(language="mn"), "not a language of this deployment"),
        (_station() + _station(), "duplicate station code"),
        (_station(code="Test FM"), "String should match pattern"),
        (_station(code=""), "String should match pattern"),
        (_station(extra="segments = 0"), "greater than or equal to 1"),
        (_station(extra='jingles = { intro = "/etc/passwd" }'), "a jingle is a file under the deployment directory"),
        (_station(extra='jingles = { outro = "../outside.wav" }'), "a jingle is a file under the deployment directory"),
        (_station(extra='jingles = { opening = "x.wav" }'), "Extra inputs are not permitted"),
        (_station(extra='frequency = "101.5"'), "Extra inputs are not permitted"),
        (_station(extra="loudness_lufs = 5"), "less than 0"),
        (_station(extra="true_peak_dbtp = 1"), "less than or equal to 0"),
        (_station(extra="air_weekday = 0"), "greater than or equal to 1"),
        (_station(extra="air_weekday = 8"), "less than or equal to 7"),
        (_station(extra='air_time = "24:00"'), 'air_time is the local time as "HH:MM"'),
        (_station(extra='air_time = "9:30"'), 'air_time is the local time as "HH:MM"'),
        (_station(extra='air_time = "12:60"'), 'air_time is the local time as "HH:MM"'),
        (
            _station(extra='azuracast = { base_url = "ftp://x", station_id = 1, api_key_env = "KEY" }'),
            "base_url must be an http",
        ),
        (
            _station(extra='azuracast = { base_url = "https://x", station_id = 1, api_key_env = "sk-live-123" }'),
            "String should match pattern",
        ),
        (
            _station(extra='azuracast = { base_url = "https://x", station_id = 1, api_key = "secret" }'),
            "Extra inputs are not permitted",
        ),
    ],
)
def test_the_schema_refuses_a_broken_station(tmp_path: Path, stations: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _deployment(tmp_path, stations)
