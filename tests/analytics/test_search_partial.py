"""A truncated or malformed export is refused, or loaded on request with a warning (issue 14.8).

Positions are worked out by hand from the bytes each test writes. The command line is run
as a user runs it, in a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.errors import AnalyticsValueError
from analytics.search_history import LoadReport, load_takeout
from tools.make_takeout_fixtures import HTML_HEAD, html_entry, json_entry, link, search_url

FIX = Path(__file__).parent / "fixtures" / "takeout"
ROOT = Path(__file__).resolve().parents[2]


def _entries(n: int) -> list[dict]:
    return [
        json_entry(f"Searched for q{i}", search_url(f"q{i}"), f"2021-03-0{i + 1}T10:00:00Z")
        for i in range(n)
    ]


def test_malformed_json_is_refused_at_the_offending_character(tmp_path: Path) -> None:
    good = json.dumps(_entries(2))[:-1]  # '[{...}, {...}' on line 1
    path = tmp_path / "MyActivity.json"
    path.write_text(good + ',\n  {"title": nope}]')  # the 'n' is line 2, column 13
    with pytest.raises(AnalyticsValueError) as err:
        load_takeout(path)
    msg = str(err.value)
    assert "'MyActivity.json' is malformed at line 2, column 13" in msg
    assert "entry 3 is not valid JSON (expecting value)" in msg and "The 2 entries" in msg
    with pytest.warns(UserWarning, match="2 entries were read before line 2, column 13"):
        df = load_takeout(path, partial=True)
    assert df["query"].tolist() == ["q0", "q1"]


def test_missing_comma_between_entries_is_malformed(tmp_path: Path) -> None:
    a, b = (json.dumps(e) for e in _entries(2))
    path = tmp_path / "MyActivity.json"
    path.write_text(f"[\n{a}\n{b}]")  # b's "{" is line 3, column 1
    with pytest.raises(AnalyticsValueError, match="malformed at line 3, column 1 .expected ','"):
        load_takeout(path)


def test_truncated_html_is_refused_and_partial_keeps_the_closed_entries(tmp_path: Path) -> None:
    cells = [
        html_entry(f"Searched for {link(search_url(q), q)}<br>Mar {d}, 2021, 10:00:00 AM UTC")
        for d, q in ((1, "a"), (2, "b"), (3, "c"))
    ]
    text = HTML_HEAD + "".join(cells)
    cut = text[: len(text) - 60]  # inside the third entry's caption
    path = tmp_path / "MyActivity.html"
    path.write_text(cut, encoding="utf-8")
    lines = cut.count("\n") + 1
    with pytest.raises(AnalyticsValueError, match=f"cut short .truncated. at line {lines}, column"):
        load_takeout(path)
    with pytest.warns(UserWarning, match="ends inside entry 3"):
        df = load_takeout(path, partial=True)
    assert df["query"].tolist() == ["a", "b"]
    assert df.attrs["skipped"] == {"truncated HTML": 1}


def test_whole_files_give_no_partial_record() -> None:
    df = load_takeout(FIX / "json_variants" / "MyActivity.json", partial=True)
    assert LoadReport.from_frame(df).partial == [] and len(df) == 9


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "riskcast.cli", "search-history", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_cli_refuses_a_truncated_export_naming_file_position_and_flag() -> None:
    done = _cli(str(FIX / "truncated" / "MyActivity.json"))
    assert done.returncode == 2 and done.stdout == ""
    err = done.stderr.strip()
    assert err.startswith("riskcast search-history: error: ")
    assert "'MyActivity.json' is cut short (truncated) at line 38, column 3" in err
    assert "pass --partial to load them" in err and "Traceback" not in err


def test_cli_partial_loads_with_a_warning_on_stderr_and_in_the_report() -> None:
    done = _cli(str(FIX / "truncated" / "MyActivity.json"), "--partial")
    assert done.returncode == 0
    warning = (
        "riskcast search-history: warning: MyActivity.json is incomplete (truncated JSON): 3 "
        "entries were read before line 38, column 3, where reading stopped (the file ends "
        "inside entry 4); the rest of the file is not loaded"
    )
    lines = done.stderr.strip().splitlines()
    assert warning in lines, done.stderr
    assert not any("UserWarning" in line for line in lines)  # no Python warning text besides it
    assert "Search history: 3 entries" in done.stdout
    assert "warning: MyActivity.json is incomplete" in done.stdout  # in the load report too


def test_cli_json_carries_the_partial_record_and_warning(capsys: pytest.CaptureFixture) -> None:
    from riskcast.cli import main

    assert main(["search-history", str(FIX / "truncated" / "MyActivity.json"), "--partial",
                 "--json"]) == 0  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["n_entries"] == 3
    (part,) = doc["report"]["partial"]
    assert (part["entries"], part["line"], part["column"]) == (3, 38, 3)
    assert doc["report"]["warnings"][0].startswith("MyActivity.json is incomplete")


def test_cli_prints_what_was_set_aside(capsys: pytest.CaptureFixture) -> None:
    from riskcast.cli import main

    assert main(["search-history", str(FIX / "mixed_products"), "--tz", "Europe/Paris"]) == 0
    out = capsys.readouterr().out
    assert "Search history: 64 entries" in out
    assert "50 entries of other Google products set aside: Ads 25, Assistant 15, YouTube 10" in out
