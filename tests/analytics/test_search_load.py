"""load_takeout on every fixture: formats, zones, de-duplication, bad input.

Expected values come from the fixture definitions in tools/make_takeout_fixtures.py and
hand-worked zone arithmetic (CET = UTC+1, CEST = UTC+2, PDT = UTC-7).
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analytics.errors import AnalyticsTypeError, AnalyticsValueError
from analytics.search_history import COLUMNS, LoadReport, load_takeout
from tools.make_takeout_fixtures import random_entries, write_html_export, write_json_export

FIX = Path(__file__).parent / "fixtures" / "takeout"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_json_variants() -> None:
    df = load_takeout(FIX / "json_variants" / "MyActivity.json", tz="Europe/Paris")
    assert list(df.columns) == list(COLUMNS)
    assert str(df["timestamp_utc"].dt.tz) == "UTC"
    assert str(df["timestamp_local"].dt.tz) == "Europe/Paris"
    assert df["timestamp_utc"].tolist() == [
        ts("2020-10-06 12:32:28"),
        ts("2020-10-06 12:35:01.12"),
        ts("2020-10-06 12:35:03.123"),
        ts("2021-03-14 09:26:53.589793"),
        ts("2021-03-14 09:30:00"),
        ts("2021-03-14 09:31:00.5"),
        ts("2021-03-15 18:00:00"),
        ts("2021-03-16 07:15:00.25"),
        ts("2022-01-01 00:00:00"),
    ]
    assert df["kind"].tolist() == [
        "search", "search", "visit", "search", "other", "visit", "view", "search", "search"
    ]  # fmt: skip
    assert df["query"].tolist()[:2] == ["weather paris", "café au lait"]
    assert df["query"].iloc[7] == "pain au chocolat"  # French verb in the title
    assert df["query"].iloc[8] == "c++ tutorial"
    assert df["url"].iloc[2] == "https://example.org/page?id=7"
    assert df["domain"].iloc[2] == "example.org"
    assert df["title"].iloc[4] == "Searched for something private"  # no titleUrl
    assert df["url"].iloc[4] is None
    assert df["timestamp_local"].iloc[0] == pd.Timestamp("2020-10-06 14:32:28", tz="Europe/Paris")
    assert set(df["format"]) == {"json"} and set(df["source_file"]) == {"MyActivity.json"}
    assert df.attrs["skipped"] == {"missing time": 1, "unreadable time": 1}


def test_html_variants_in_paris() -> None:
    df = load_takeout(FIX / "html_variants" / "MyActivity.html", tz="Europe/Paris")
    keys = df["title"] + " @ " + df["tz_abbrev"].fillna("-")
    got = dict(zip(keys, df["timestamp_utc"], strict=True))
    assert got == {
        "Searched for weather paris @ -": ts("2018-01-31 21:54:50"),  # 22:54:50 CET
        "Searched for café @ UTC": ts("2018-09-18 05:48:23"),
        "Visited https://example.org/ @ PDT": ts("2020-08-25 15:06:44"),  # read in Paris
        "https://beispiel.de/seite aufgerufen @ PDT": ts("2020-10-06 12:32:28"),
        "Vous avez recherché météo @ UTC+2": ts("2020-10-06 12:32:28"),
        "Searched for tom & jerry @ CEST": ts("2021-10-31 00:30:00"),
        "Searched for tom & jerry @ MEZ": ts("2021-10-31 01:30:00"),
        "Gesucht nach: käse @ MEZ": ts("2025-01-10 16:21:55"),
    }
    assert df["timestamp_utc"].is_monotonic_increasing
    kinds = dict(zip(df["title"], df["kind"], strict=True))
    assert kinds["https://beispiel.de/seite aufgerufen"] == "visit"
    assert kinds["Gesucht nach: käse"] == "search"
    assert df.loc[df["title"] == "Vous avez recherché météo", "query"].item() == "météo"
    assert set(df["format"]) == {"html"}
    report = LoadReport.from_frame(df)
    assert report.n_tz_mismatch == 2  # the two PDT entries
    assert report.tz_abbreviations["MEZ"] == 2
    assert report.skipped == {"no date in HTML entry": 1}


def test_html_pdt_entries_in_los_angeles() -> None:
    df = load_takeout(FIX / "html_variants" / "MyActivity.html", tz="America/Los_Angeles")
    pdt = df[df["tz_abbrev"] == "PDT"].set_index("title")["timestamp_utc"]
    assert pdt["Visited https://example.org/"] == ts("2020-08-26 00:06:44")
    assert pdt["https://beispiel.de/seite aufgerufen"] == ts("2020-10-06 21:32:28")


def test_german_export_found_by_structure_not_folder_names() -> None:
    df = load_takeout(FIX / "german", tz="Europe/Berlin")
    assert df["kind"].tolist() == ["search", "visit", "search", "search"]
    assert df["query"].tolist() == ["wetter morgen", None, "rezept kuchen", "rezept kuchen"]
    assert df["domain"].iloc[1] == "beispiel.de"
    report = LoadReport.from_frame(df)
    assert [f["source"] for f in report.files] == [
        "german/Takeout/Meine Aktivitäten/Suche/MeineAktivitäten.json"
    ]
    assert report.ignored_files[0]["source"].endswith("YouTube/MeineAktivitäten.json")


def test_collapse_repeated_queries() -> None:
    df = load_takeout(FIX / "german", tz="Europe/Berlin", collapse_seconds=30)
    assert df["query"].tolist() == ["wetter morgen", None, "rezept kuchen"]
    assert df.attrs["skipped"] == {"repeated query within 30 s": 1}
    df = load_takeout(FIX / "german", tz="Europe/Berlin", collapse_seconds=10)
    assert len(df) == 4  # 20 s apart


def test_empty_export_gives_empty_frame_with_columns() -> None:
    df = load_takeout(FIX / "empty" / "MyActivity.json", tz="Europe/Paris")
    assert df.empty and list(df.columns) == list(COLUMNS)
    assert str(df["timestamp_local"].dt.tz) == "Europe/Paris"


def test_truncated_export_is_refused_naming_file_and_position() -> None:
    # The fixture cuts the 4-entry list inside the 4th entry, whose "{" is line 38, column 3.
    with pytest.raises(AnalyticsValueError) as err:
        load_takeout(FIX / "truncated" / "MyActivity.json")
    msg = str(err.value)
    assert "'MyActivity.json' is cut short (truncated) at line 38, column 3" in msg
    assert "ends inside entry 4" in msg and "The 3 entries before" in msg
    assert "partial=True" in msg


def test_truncated_export_with_partial_keeps_complete_entries_and_warns() -> None:
    with pytest.warns(UserWarning, match=r"3 entries were read before line 38, column 3"):
        df = load_takeout(FIX / "truncated" / "MyActivity.json", partial=True)
    assert df["title"].tolist() == [
        "Searched for weather paris",
        "Searched for café au lait",
        "Visited https://example.org/page?id=7",
    ]
    assert df.attrs["skipped"] == {"truncated JSON": 1}
    (part,) = LoadReport.from_frame(df).partial
    assert part == {"source": "MyActivity.json", "reason": "truncated JSON", "entries": 3,
                    "line": 38, "column": 3, "detail": "the file ends inside entry 4"}  # fmt: skip


def test_partial_must_be_a_bool() -> None:
    with pytest.raises(AnalyticsTypeError, match="'partial' parameter of load_takeout"):
        load_takeout(FIX / "empty" / "MyActivity.json", partial="yes")  # type: ignore[arg-type]


def test_zip_with_json_and_html_of_same_export_is_deduplicated() -> None:
    truth = random_entries(20, seed=5, mean_gap_s=20 * 86400.0)
    df = load_takeout(FIX / "takeout.zip", tz="Europe/Paris")
    assert len(df) == 20
    assert df.attrs["skipped"] == {"duplicate": 20}
    assert set(df["format"]) == {"json"}  # the more precise copy is kept
    expected = pd.Series([t for t, *_ in truth]).dt.tz_convert("UTC").dt.floor("ms")
    assert (df["timestamp_utc"].reset_index(drop=True) == expected.dt.as_unit("us")).all()
    assert df["kind"].tolist() == [k for _, k, *_ in truth]
    report = LoadReport.from_frame(df)
    assert {f["format"] for f in report.files} == {"json", "html"}
    assert len(report.ignored_files) == 2 and report.n_tz_mismatch == 0


def test_html_read_in_a_wrong_zone_is_not_deduplicated_and_is_flagged() -> None:
    df = load_takeout(FIX / "takeout.zip", tz="America/New_York")
    assert len(df) == 40  # HTML wall times shifted: they no longer match the JSON
    assert LoadReport.from_frame(df).n_tz_mismatch == 20


def test_folder_with_a_zip_inside_and_overlapping_exports(tmp_path: Path) -> None:
    shutil.copy(FIX / "takeout.zip", tmp_path / "takeout-1.zip")
    shutil.copytree(FIX / "same_export", tmp_path / "unpacked")
    df = load_takeout(tmp_path, tz="Europe/Paris")
    assert len(df) == 20
    assert df.attrs["skipped"] == {"duplicate": 60}


def test_random_export_roundtrip_json_and_html(tmp_path: Path) -> None:
    truth = random_entries(3000, seed=11)
    write_json_export(tmp_path / "a" / "MyActivity.json", truth)
    write_html_export(tmp_path / "b" / "MyActivity.html", truth, "Asia/Tokyo")
    dj = load_takeout(tmp_path / "a" / "MyActivity.json", tz="Asia/Tokyo")
    dh = load_takeout(tmp_path / "b" / "MyActivity.html", tz="Asia/Tokyo")
    assert len(dj) == len(dh) == 3000
    kinds = [k for _, k, *_ in truth]
    assert dj["kind"].tolist() == kinds and dh["kind"].tolist() == kinds
    assert (dh["timestamp_utc"] == dj["timestamp_utc"].dt.floor("s")).all()
    assert dj["query"].equals(dh["query"])


def test_not_a_takeout_file_names_path() -> None:
    with pytest.raises(AnalyticsValueError, match="'path'.*no activity entries"):
        load_takeout(FIX / "not_takeout.html")


def test_folder_without_activity_names_path(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text(json.dumps({"a": 1}))
    (tmp_path / "page.html").write_text("<html><body>hi</body></html>")
    with pytest.raises(AnalyticsValueError, match="'path'.*among 2"):
        load_takeout(tmp_path)


def test_missing_path_and_corrupt_zip_name_path(tmp_path: Path) -> None:
    with pytest.raises(AnalyticsValueError, match="'path'.*does not exist"):
        load_takeout(tmp_path / "nope.zip")
    with pytest.raises(AnalyticsTypeError, match="'path'"):
        load_takeout(42)  # type: ignore[arg-type]
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(AnalyticsValueError, match="'path'"):
        load_takeout(bad)


@pytest.mark.parametrize("tz", ["Mars/Olympus", "PDT", "MEZ", "", "../etc/passwd"])
def test_unknown_time_zone_names_tz(tz: str) -> None:
    with pytest.raises(AnalyticsValueError, match="'tz' parameter of load_takeout"):
        load_takeout(FIX / "empty" / "MyActivity.json", tz=tz)


def test_time_zone_of_wrong_type_names_tz() -> None:
    with pytest.raises(AnalyticsTypeError, match="'tz'"):
        load_takeout(FIX / "empty" / "MyActivity.json", tz=2)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"collapse_seconds": -1}, "collapse_seconds"),
        ({"collapse_seconds": float("nan")}, "collapse_seconds"),
        ({"max_uncompressed_bytes": 0}, "max_uncompressed_bytes"),
        ({"max_uncompressed_bytes": "big"}, "max_uncompressed_bytes"),
    ],
)
def test_bad_options_name_the_parameter(kwargs: dict, name: str) -> None:
    with pytest.raises((AnalyticsValueError, AnalyticsTypeError), match=f"'{name}'"):
        load_takeout(FIX / "empty" / "MyActivity.json", **kwargs)


def test_zip_bomb_is_stopped_by_the_read_cap(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    entry = json.dumps(
        {
            "title": "Searched for x",
            "titleUrl": "https://www.google.com/search?q=x",
            "time": "2020-01-01T00:00:00Z",
        }
    )
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        # 8 MB of whitespace inside a valid activity array compresses to ~8 kB.
        zf.writestr("Takeout/x/MyActivity.json", "[" + entry + " " * 8_000_000 + "]")
    assert bomb.stat().st_size < 100_000
    with pytest.raises(AnalyticsValueError, match="'max_uncompressed_bytes'.*zip bomb"):
        load_takeout(bomb, max_uncompressed_bytes=1_000_000)
    assert len(load_takeout(bomb, max_uncompressed_bytes=10_000_000)) == 1


def test_cap_counts_bytes_read_across_members(tmp_path: Path) -> None:
    archive = tmp_path / "many.zip"
    entry = json.dumps({"title": "Searched for x", "time": "2020-01-01T00:00:00Z"})
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):  # each member is under the cap, together they are not
            zf.writestr(f"t/{i}/MyActivity.json", "[" + entry + " " * 400_000 + "]")
    with pytest.raises(AnalyticsValueError, match="'max_uncompressed_bytes'.*stopped at"):
        load_takeout(archive, max_uncompressed_bytes=1_000_000)


def test_zip_with_lying_sizes_is_a_clear_path_error(tmp_path: Path) -> None:
    bomb = tmp_path / "liar.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/MyActivity.json", "[" + " " * 3_000_000 + "]")
    raw = bytearray(bomb.read_bytes())
    # Patch the central directory's uncompressed size (offset 24 of the entry) to 10 bytes.
    cd = raw.rindex(b"PK\x01\x02")
    raw[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    bomb.write_bytes(bytes(raw))
    with pytest.raises(AnalyticsValueError, match="'path'.*archive that cannot be read"):
        load_takeout(bomb, max_uncompressed_bytes=1_000_000)


def test_progress_bar_counts_every_byte(capsys: pytest.CaptureFixture[str]) -> None:
    path = FIX / "json_variants" / "MyActivity.json"
    df = load_takeout(path, progress=True)
    err = capsys.readouterr().err
    assert len(df) == 9
    size_k = f"{path.stat().st_size / 1000:.2f}k"  # tqdm's unit_scale: 2934 B -> 2.93k
    assert "MyActivity.json: 100%" in err and f"{size_k}/{size_k}" in err
    load_takeout(path)
    assert capsys.readouterr().err == ""  # silent by default


def test_json_times_with_offsets_and_nanoseconds(tmp_path: Path) -> None:
    entries = [
        {"title": "Searched for a", "titleUrl": "https://www.google.com/search?q=a",
         "time": "2020-10-06T14:32:28+02:00"},
        {"title": "Searched for b", "titleUrl": "https://www.google.com/search?q=b",
         "time": "2020-10-06T12:40:00.123456789Z"},
    ]  # fmt: skip
    path = tmp_path / "MyActivity.json"
    path.write_text(json.dumps(entries))
    df = load_takeout(path)
    assert df["timestamp_utc"].tolist() == [
        ts("2020-10-06 12:32:28"),
        ts("2020-10-06 12:40:00.123456"),  # microsecond resolution
    ]


def test_report_from_a_foreign_frame_names_df() -> None:
    with pytest.raises(AnalyticsValueError, match="'df' parameter of LoadReport.from_frame"):
        LoadReport.from_frame(pd.DataFrame({"a": [1]}))


def test_encrypted_zip_member_is_a_clear_path_error(tmp_path: Path) -> None:
    archive = tmp_path / "locked.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/MyActivity.json", "[]")
    raw = bytearray(archive.read_bytes())
    raw[6] |= 1  # local header: general-purpose flag bit 0 = encrypted
    cd = raw.rindex(b"PK\x01\x02")
    raw[cd + 8] |= 1  # central directory entry: same flag
    archive.write_bytes(bytes(raw))
    with pytest.raises(AnalyticsValueError, match="'path'.*archive that cannot be read.*encrypted"):
        load_takeout(archive)
