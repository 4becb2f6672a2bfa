"""The air date rule: the station's weekday in the episode's ISO week unless the producer moved it, and the air
moment at the station's local time; parsing and the range a show may move within."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from hotline.air_dates import air_date, air_date_range, air_moment, check_air_date, parse_air_date, station_air_date
from hotline.models import Episode
from hotline.review_errors import Invalid
from hotline.stations import Station

SATURDAY_NIGHT = Station(code="late", name="Late FM", language="mn", air_weekday=7, air_time="01:30")


@pytest.mark.parametrize(
    ("weekday", "expected"), [(1, date(2026, 11, 23)), (6, date(2026, 11, 28)), (7, date(2026, 11, 29))]
)
def test_the_stations_weekday_in_the_iso_week(weekday: int, expected: date) -> None:
    station = Station(code="fm", name="FM", language="mn", air_weekday=weekday)
    assert station_air_date(station, "2026-W48") == expected
    assert air_date(Episode(station="fm", week="2026-W48"), station) == expected


def test_week_one_can_start_in_the_year_before() -> None:
    station = Station(code="fm", name="FM", language="mn", air_weekday=1)
    assert station_air_date(station, "2026-W01") == date(2025, 12, 29)


def test_the_moment_is_local_time_in_the_deployments_zone_as_utc() -> None:
    episode = Episode(station="late", week="2026-W48")
    # Sunday 01:30 in Ulaanbaatar (UTC+8) is still Saturday in UTC.
    assert air_moment(episode, SATURDAY_NIGHT, timezone="Asia/Ulaanbaatar") == datetime(
        2026, 11, 28, 17, 30, tzinfo=UTC
    )
    assert air_moment(episode, SATURDAY_NIGHT, timezone="UTC") == datetime(2026, 11, 29, 1, 30, tzinfo=UTC)


def test_the_producers_date_wins() -> None:
    episode = Episode(station="late", week="2026-W48", air_date=date(2026, 12, 2))
    assert air_date(episode, SATURDAY_NIGHT) == date(2026, 12, 2)
    assert air_moment(episode, SATURDAY_NIGHT, timezone="Asia/Phnom_Penh") == datetime(2026, 12, 1, 18, 30, tzinfo=UTC)


def test_a_show_moves_within_its_week_and_a_week_either_side() -> None:
    assert air_date_range("2026-W48") == (date(2026, 11, 16), date(2026, 12, 6))
    check_air_date(date(2026, 11, 16), "2026-W48")
    check_air_date(date(2026, 12, 6), "2026-W48")
    for day in (date(2026, 11, 15), date(2026, 12, 7)):
        with pytest.raises(Invalid, match="can air from 2026-11-16 to 2026-12-06"):
            check_air_date(day, "2026-W48")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-13-01", "not a date of the calendar"),
        ("2026-11-5", "YYYY-MM-DD"),
        ("tomorrow", "YYYY-MM-DD"),
        ("", "YYYY"),
    ],
)
def test_an_air_date_is_an_iso_calendar_date(text: str, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        parse_air_date(text)
    assert parse_air_date(" 2026-11-28 ") == date(2026, 11, 28)
