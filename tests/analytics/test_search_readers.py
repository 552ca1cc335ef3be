"""Streaming JSON and HTML readers: same entries whatever the chunking, cut files reported.

The JSON reader is checked against :func:`json.load` of the same bytes (the stdlib is the
independent reference); the HTML reader against the entries the fixture spells out.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest

from analytics.search_history.html_reader import iter_html_entries, sniff_html
from analytics.search_history.json_reader import iter_json_entries, sniff_json

FIX = Path(__file__).parent / "fixtures" / "takeout"


def _json_reference(data: bytes) -> list[tuple[str, str, str | None]]:
    out = []
    for e in json.loads(data.decode("utf-8-sig")):
        if isinstance(e.get("time"), str):
            out.append((e["time"], e.get("title", ""), e.get("titleUrl")))
    return out


@pytest.mark.parametrize("chunk_size", [1, 7, 64, 1 << 20])
def test_json_reader_matches_json_load_for_any_chunk_size(chunk_size: int) -> None:
    data = (FIX / "json_variants" / "MyActivity.json").read_bytes()
    skipped: Counter[str] = Counter()
    got = list(iter_json_entries(io.BytesIO(data), skipped, chunk_size=chunk_size))
    assert [(e.time_text, e.title, e.url) for e in got] == _json_reference(data)
    assert skipped == Counter({"missing time": 1})


def test_json_reader_handles_bom_and_multibyte_split_across_chunks() -> None:
    entries = [{"title": "Searched for " + "é" * 50, "time": "2020-01-01T00:00:00Z"}] * 3
    data = b"\xef\xbb\xbf" + json.dumps(entries, ensure_ascii=False).encode()
    skipped: Counter[str] = Counter()
    got = list(iter_json_entries(io.BytesIO(data), skipped, chunk_size=3))
    assert [e.title for e in got] == [entries[0]["title"]] * 3
    assert not skipped


def test_truncated_json_keeps_complete_entries_and_reports_the_cut() -> None:
    data = (FIX / "truncated" / "MyActivity.json").read_bytes()
    skipped: Counter[str] = Counter()
    got = list(iter_json_entries(io.BytesIO(data), skipped, chunk_size=100))
    # The generator cut the 4-entry list inside the 4th entry.
    assert [e.title for e in got] == [
        "Searched for weather paris",
        "Searched for café au lait",
        "Visited https://example.org/page?id=7",
    ]
    assert skipped == Counter({"truncated JSON": 1})


def test_json_cut_between_entries_is_truncated_too() -> None:
    skipped: Counter[str] = Counter()
    data = b'[{"title": "a", "time": "2020-01-01T00:00:00Z"},'
    assert len(list(iter_json_entries(io.BytesIO(data), skipped))) == 1
    assert skipped == Counter({"truncated JSON": 1})


def test_malformed_json_stops_with_a_reason() -> None:
    skipped: Counter[str] = Counter()
    data = b'[{"title": "a", "time": "2020-01-01T00:00:00Z"} {"title": "b"}]'
    assert len(list(iter_json_entries(io.BytesIO(data), skipped))) == 1
    assert skipped == Counter({"malformed JSON": 1})
    skipped.clear()
    big = b'[{"title": "a", "time": "x", "oops": ' + b" " * 5000 + b"nope}]"
    list(iter_json_entries(io.BytesIO(big), skipped, chunk_size=512, max_entry_chars=1000))
    assert skipped == Counter({"malformed JSON": 1})


def test_sniff_json() -> None:
    head = (FIX / "json_variants" / "MyActivity.json").read_bytes()[:200]  # first entry cut
    assert sniff_json(head) == "activity"
    assert sniff_json(b"  []  ") == "empty"
    assert sniff_json(b'{"header": "Search"}') is None
    assert sniff_json(b'[{"name": "not activity"}]') is None
    assert sniff_json(b"<html>") is None


@pytest.mark.parametrize("chunk_size", [5, 333, 1 << 20])
def test_html_reader_reads_every_variant_for_any_chunk_size(chunk_size: int) -> None:
    data = (FIX / "html_variants" / "MyActivity.html").read_bytes()
    skipped: Counter[str] = Counter()
    got = list(iter_html_entries(io.BytesIO(data), skipped, chunk_size=chunk_size))
    assert [(e.title, e.time_text, e.header) for e in got] == [
        ("Searched for weather paris", "Jan 31, 2018, 10:54:50 PM", "Search"),
        ("Searched for café", "Sep 18, 2018, 5:48:23 AM UTC", "Search"),
        ("Visited https://example.org/", "Aug 25, 2020, 5:06:44 PM PDT", "Search"),
        ("Gesucht nach: käse", "10.01.2025, 17:21:55 MEZ", "Suche"),
        ("https://beispiel.de/seite aufgerufen", "6 Oct 2020, 14:32:28 PDT", "Suche"),
        ("Vous avez recherché météo", "6 oct. 2020 à 14:32:28 UTC+2", "Recherche"),
        ("Searched for tom & jerry", "31 Oct 2021, 02:30:00 CEST", "Search"),
        ("Searched for tom & jerry", "31 Oct 2021, 02:30:00 MEZ", "Search"),
    ]
    assert got[2].url == ("https://www.google.com/url?q=https://example.org/&usg=AOvVaw0synthetic")
    assert skipped == Counter({"no date in HTML entry": 1})


def test_html_page_that_is_not_takeout_yields_nothing() -> None:
    data = (FIX / "not_takeout.html").read_bytes()
    skipped: Counter[str] = Counter()
    assert sniff_html(data)
    assert list(iter_html_entries(io.BytesIO(data), skipped)) == []
    assert not skipped


def test_fast_html_engine_agrees_with_the_stdlib_parser(tmp_path: Path) -> None:
    from tools.make_takeout_fixtures import random_entries, write_html_export

    write_html_export(tmp_path / "a.html", random_entries(300, seed=3), "Europe/Paris")
    extra = (
        "<!-- a comment with <div class='outer-cell'> inside -->"
        "<script>var s = '<div class=\"outer-cell\">';</script>"
        "<div class='outer-cell x'><div class=\"mdl-grid\">"
        "<div class='header-cell'>Search</div>"
        "<div class='content-cell'>Searched for <a href='https://www.google.com/search?q=a&amp;b=1'"
        ">a &lt;b&gt;</a><br/>Jan 31, 2018, 10:54:50 PM</div></div></div>"
    )
    for data in [
        (tmp_path / "a.html").read_bytes(),
        (FIX / "html_variants" / "MyActivity.html").read_bytes(),
        (FIX / "not_takeout.html").read_bytes(),
        ("<html><body>" + extra + "</body></html>").encode(),
    ]:
        got = {}
        for engine in ("fast", "stdlib"):
            skipped: Counter[str] = Counter()
            entries = iter_html_entries(io.BytesIO(data), skipped, chunk_size=97, engine=engine)
            got[engine] = ([(e.time_text, e.title, e.url, e.header) for e in entries], skipped)
        assert got["fast"] == got["stdlib"]
    assert got["fast"][0] == [
        (
            "Jan 31, 2018, 10:54:50 PM",
            "Searched for a <b>",
            "https://www.google.com/search?q=a&b=1",
            "Search",
        )
    ]
