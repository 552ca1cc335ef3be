"""Dates of HTML exports: every printed format, zone abbreviations, DST edges.

Expected UTC instants are worked out by hand from the zone rules (PDT = UTC-7,
CET = UTC+1, CEST = UTC+2; Europe/Paris left CEST at 03:00 local on 2021-10-31).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from analytics.search_history.timeparse import parse_activity_time, to_utc

PARIS = ZoneInfo("Europe/Paris")
LA = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize(
    ("text", "wall", "abbrev"),
    [
        ("Jan 31, 2018, 10:54:50 PM", datetime(2018, 1, 31, 22, 54, 50), None),
        ("Sep 18, 2018, 5:48:23 AM UTC", datetime(2018, 9, 18, 5, 48, 23), "UTC"),
        ("Aug 25, 2020, 5:06:44 PM PDT", datetime(2020, 8, 25, 17, 6, 44), "PDT"),
        ("6 Oct 2020, 14:32:28 PDT", datetime(2020, 10, 6, 14, 32, 28), "PDT"),
        ("10.01.2025, 17:21:55 MEZ", datetime(2025, 1, 10, 17, 21, 55), "MEZ"),
        ("Jan\u00a031,\u20032018,\u00a012:05:00\u202fAM", datetime(2018, 1, 31, 0, 5, 0), None),
        ("Jan 31, 2018, 12:05:00 PM", datetime(2018, 1, 31, 12, 5, 0), None),
        ("6 oct. 2020 à 14:32:28 UTC+2", datetime(2020, 10, 6, 14, 32, 28), "UTC+2"),
        ("6. Okt. 2020, 14:32:28 MESZ", datetime(2020, 10, 6, 14, 32, 28), "MESZ"),
        ("6 de octubre de 2020, 14:32:28 CEST", datetime(2020, 10, 6, 14, 32, 28), "CEST"),
        ("2025-01-10, 17:21:55", datetime(2025, 1, 10, 17, 21, 55), None),
    ],
)
def test_parse_every_printed_format(text: str, wall: datetime, abbrev: str | None) -> None:
    parsed = parse_activity_time(text)
    assert parsed is not None
    assert parsed.wall == wall
    assert parsed.abbrev == abbrev


@pytest.mark.parametrize(
    "text",
    [
        "Searched for weather paris",
        "Products: Search",
        "Jan 32, 2018, 10:54:50 PM",  # no such day
        "Foo 3, 2018, 10:54:50",  # no such month
        "Jan 31, 2018, 13:54:50 PM",  # 13 PM
        "31.13.2018, 10:54:50",  # month 13
        "",
    ],
)
def test_non_dates_are_rejected(text: str) -> None:
    assert parse_activity_time(text) is None


def test_exact_zones_convert_exactly_whatever_tz() -> None:
    for zone in (PARIS, LA):
        utc, agrees = to_utc(parse_activity_time("Sep 18, 2018, 5:48:23 AM UTC"), zone)
        assert utc == datetime(2018, 9, 18, 5, 48, 23, tzinfo=UTC) and agrees
        utc, _ = to_utc(parse_activity_time("6 oct. 2020 à 14:32:28 UTC+2"), zone)
        assert utc == datetime(2020, 10, 6, 12, 32, 28, tzinfo=UTC)
        utc, _ = to_utc(parse_activity_time("6 Oct 2020, 14:32:28 GMT-03:30"), zone)
        assert utc == datetime(2020, 10, 6, 18, 2, 28, tzinfo=UTC)


def test_abbreviation_is_read_in_the_users_zone_and_mismatch_flagged() -> None:
    parsed = parse_activity_time("Aug 25, 2020, 5:06:44 PM PDT")
    utc, agrees = to_utc(parsed, LA)
    assert utc == datetime(2020, 8, 26, 0, 6, 44, tzinfo=UTC) and agrees
    # Read in Paris (CEST, UTC+2) the same wall time is 15:06:44 UTC, flagged as suspicious.
    utc, agrees = to_utc(parsed, PARIS)
    assert utc == datetime(2020, 8, 25, 15, 6, 44, tzinfo=UTC) and not agrees


def test_localized_abbreviation_counts_as_the_zone_name() -> None:
    utc, agrees = to_utc(parse_activity_time("10.01.2025, 17:21:55 MEZ"), PARIS)
    assert utc == datetime(2025, 1, 10, 16, 21, 55, tzinfo=UTC) and agrees


def test_repeated_wall_time_at_dst_end_is_resolved_by_abbreviation() -> None:
    summer, _ = to_utc(parse_activity_time("31 Oct 2021, 02:30:00 CEST"), PARIS)
    winter, _ = to_utc(parse_activity_time("31 Oct 2021, 02:30:00 MEZ"), PARIS)
    assert summer == datetime(2021, 10, 31, 0, 30, tzinfo=UTC)
    assert winter == datetime(2021, 10, 31, 1, 30, tzinfo=UTC)
    assert winter - summer == timedelta(hours=1)


def test_wall_time_without_zone_uses_tz() -> None:
    utc, agrees = to_utc(parse_activity_time("Jan 31, 2018, 10:54:50 PM"), PARIS)
    assert utc == datetime(2018, 1, 31, 21, 54, 50, tzinfo=UTC) and agrees
