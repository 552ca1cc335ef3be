"""Which offset HTML wall times are in, decided on paired JSON + HTML exports of the same events.

The JSON copy holds each event's UTC instant; the HTML copies print the same events the way
real exports since about 2020 do: every entry in the offset the account's zone had on the
day of the export, named by that offset's abbreviation (tools/make_takeout_fixtures.py,
``paired_tz``). Two readings of a printed time are possible: the printed offset (wall time
minus EST), or the offset of ``tz`` at the entry's own date. The tests measure both against
the JSON and keep the one that matches.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from analytics.search_history import LoadReport, load_takeout
from analytics.search_history.timeparse import parse_activity_time, printed_offset, to_utc

PAIRED = Path(__file__).parent / "fixtures" / "takeout" / "paired_tz"
NY = ZoneInfo("America/New_York")
_STAMP = re.compile(r"<br>([A-Z][a-z]{2} \d{1,2}, \d{4}, [\d:]+\u202f[AP]M [A-Z]+)</div>")


def _printed(path: Path) -> list[str]:
    """Printed times of an HTML export, newest first as in the file (read with a regex)."""
    return _STAMP.findall(path.read_text(encoding="utf-8"))


def _json_utc(folder: str) -> pd.Series:
    df = load_takeout(PAIRED / folder / "MyActivity.json")
    return df["timestamp_utc"].dt.floor("s").iloc[::-1].reset_index(drop=True)


@pytest.mark.parametrize(
    ("season", "abbrev", "hours"), [("winter", "EST", -5), ("summer", "EDT", -4)]
)
def test_evidence_printed_offset_matches_json_and_entry_date_offset_does_not(
    season: str, abbrev: str, hours: int
) -> None:
    truth = _json_utc("new_york")  # newest first, as the HTML prints them
    stamps = _printed(PAIRED / f"new_york_{season}" / "MyActivity.html")
    assert len(stamps) == len(truth) == 24
    assert {s.rsplit(" ", 1)[1] for s in stamps} == {abbrev}  # one abbreviation on every entry
    walls = [datetime.strptime(s.rsplit(" ", 1)[0], "%b %d, %Y, %I:%M:%S\u202f%p") for s in stamps]
    printed = pd.Series([pd.Timestamp(w - timedelta(hours=hours), tz="UTC") for w in walls])
    entry_date = pd.Series([pd.Timestamp(w.replace(tzinfo=NY)).tz_convert("UTC") for w in walls])
    # Entries of the other season: their own date's offset differs from the printed one.
    other = pd.Series([(t.to_pydatetime().astimezone(NY).tzname() != abbrev) for t in truth])
    assert 8 <= other.sum() <= 16  # the year spans both seasons
    assert (printed.to_numpy() == truth.to_numpy()).all()
    off_by = (entry_date - truth).dt.total_seconds()
    assert (off_by[other].abs() == 3600).all() and (off_by[~other] == 0).all()


@pytest.mark.parametrize("season", ["winter", "summer"])
def test_html_export_reads_like_its_json_copy_without_warning(season: str) -> None:
    html = load_takeout(PAIRED / f"new_york_{season}" / "MyActivity.html", tz="America/New_York")
    json = load_takeout(PAIRED / "new_york" / "MyActivity.json", tz="America/New_York")
    assert (html["timestamp_utc"] == json["timestamp_utc"].dt.floor("s")).all()
    assert html["query"].tolist() == json["query"].tolist()
    report = LoadReport.from_frame(html)
    assert report.n_tz_mismatch == 0 and not report.warnings


def test_both_html_exports_and_the_json_deduplicate_to_one_copy(tmp_path: Path) -> None:
    for name in ("new_york", "new_york_winter", "new_york_summer"):
        shutil.copytree(PAIRED / name, tmp_path / name)
    df = load_takeout(tmp_path, tz="America/New_York")
    assert len(df) == 24 and set(df["format"]) == {"json"}
    assert df.attrs["skipped"] == {"duplicate": 2 * 24}
    # Read in Istanbul, EST/EDT name no offset of that zone: the HTML copies no longer match.
    shifted = load_takeout(tmp_path, tz="Europe/Istanbul")
    report = LoadReport.from_frame(shifted)
    assert len(shifted) == 3 * 24 and report.n_tz_mismatch == 2 * 24
    assert report.warnings == [
        "48 HTML times carry a zone abbreviation that names no offset Europe/Istanbul uses; "
        "they were read in Europe/Istanbul: pass the zone the export was made in as tz"
    ]


def test_trt_in_istanbul_is_the_zone_own_offset() -> None:
    # Europe/Istanbul was EET/EEST until 2016 and is "+03" since; the export (2023) prints TRT.
    html = load_takeout(PAIRED / "istanbul_trt" / "MyActivity.html", tz="Europe/Istanbul")
    json = load_takeout(PAIRED / "istanbul" / "MyActivity.json", tz="Europe/Istanbul")
    assert set(html["tz_abbrev"]) == {"TRT"}
    assert (html["timestamp_utc"] == json["timestamp_utc"].dt.floor("s")).all()
    assert LoadReport.from_frame(html).n_tz_mismatch == 0


def test_the_issue_example_reads_20_utc() -> None:
    utc, agrees = to_utc(parse_activity_time("Jul 4, 2021, 3:00:00 PM EST"), NY)
    assert utc == datetime(2021, 7, 4, 20, 0, tzinfo=UTC) and agrees
    utc, agrees = to_utc(parse_activity_time("Feb 10, 2021, 3:00:00 PM EDT"), NY)
    assert utc == datetime(2021, 2, 10, 19, 0, tzinfo=UTC) and agrees


@pytest.mark.parametrize(
    ("abbrev", "zone", "hours"),
    [
        ("TRT", "Europe/Istanbul", 3),
        ("IST", "Asia/Kolkata", 5.5),
        ("IST", "Europe/Dublin", 1),  # Dublin prints IST for its summer offset
        ("IST", "Asia/Jerusalem", 2),
        ("CST", "America/Chicago", -6),
        ("CST", "Asia/Shanghai", 8),
        ("MEZ", "Europe/Berlin", 1),
        ("MESZ", "Europe/Berlin", 2),
        ("ICT", "Asia/Bangkok", 7),
    ],
)
def test_abbreviation_names_the_offset_the_zone_uses(abbrev: str, zone: str, hours: float) -> None:
    assert printed_offset(abbrev, ZoneInfo(zone), 2021) == timedelta(hours=hours)


@pytest.mark.parametrize(("abbrev", "zone"), [("PDT", "Europe/Paris"), ("CET", "America/New_York"),
                                             ("TRT", "Europe/Paris"), ("XYZ", "UTC")])  # fmt: skip
def test_abbreviation_foreign_to_the_zone_is_read_in_tz_and_flagged(abbrev: str, zone: str) -> None:
    z = ZoneInfo(zone)
    assert printed_offset(abbrev, z, 2021) is None
    utc, agrees = to_utc(parse_activity_time(f"Aug 25, 2021, 5:06:44 PM {abbrev}"), z)
    assert utc == datetime(2021, 8, 25, 17, 6, 44, tzinfo=z).astimezone(UTC) and not agrees
