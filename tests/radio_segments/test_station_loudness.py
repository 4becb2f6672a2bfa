"""A station may set its own loudness (a podcast-only station at -16 LUFS); the package follows it, and a
station that sets none gets the deployment's settings."""

from __future__ import annotations

from hotline.stations import Station
from radio_segments.episode_build import station_target
from radio_segments.normalise import LoudnessTarget


def test_the_stations_own_figures_win_and_the_rest_come_from_the_settings() -> None:
    podcast = Station(code="podcast", name="Podcast", language="mn", loudness_lufs=-16.0)
    assert station_target(podcast, LoudnessTarget()) == LoudnessTarget(integrated=-16.0, true_peak=-1.0)
    default = LoudnessTarget(integrated=-24.0, true_peak=-2.0)
    assert station_target(Station(code="fm", name="FM", language="mn"), default) == default
    strict = Station(code="strict", name="Strict FM", language="mn", true_peak_dbtp=-2.0)
    assert station_target(strict, LoudnessTarget()) == LoudnessTarget(integrated=-23.0, true_peak=-2.0)
