"""``riskcast search-history``: text and JSON output, exit codes on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from riskcast.cli import main

FIX = Path(__file__).parent / "fixtures" / "takeout"


def test_text_summary_of_the_german_export(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["search-history", str(FIX / "german"), "--tz", "Europe/Berlin", "--min-word-count", "1"]
    )
    out = capsys.readouterr().out
    assert code == 0
    # 2023-05-01 06:00 UTC is 08:00 in Berlin (CEST).
    assert "4 entries from 2023-05-01 08:00 to 2023-05-03 21:45 (Europe/Berlin)" in out
    assert "Top words: kuchen (2), rezept (2), morgen (1), wetter (1)" in out
    assert "Top visited domains: beispiel.de (1)" in out
    assert "ignored german/Takeout/Meine Aktivitäten/YouTube/MeineAktivitäten.json" in out


def test_json_output_with_collapse(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "search-history",
            str(FIX / "german"),
            "--tz",
            "Europe/Berlin",
            "--collapse-seconds",
            "30",
            "--stop-words",
            "kuchen, morgen",
            "--min-word-count",
            "1",
            "--json",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["summary"]["n_entries"] == 3
    assert doc["summary"]["by_year"]["2023"] == {
        "search": 2, "visit": 1, "view": 0, "other": 0, "total": 3
    }  # fmt: skip
    assert doc["summary"]["top_words"] == [["rezept", 1], ["wetter", 1]]
    assert doc["report"]["skipped"] == {"repeated query within 30 s": 1}


def test_gaps_and_skipped_report_in_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search-history", str(FIX / "takeout.zip"), "--tz", "Europe/Paris"]) == 0
    out = capsys.readouterr().out
    assert "20 skipped:" in out and "20 duplicate" in out
    assert "Gaps longer than 30 days:" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--tz", "Mars/Olympus"], "The --tz must be an IANA time-zone name"),
        (["--max-uncompressed-mb", "0.001"], "The --max-uncompressed-mb caps what is read"),
        (["--top", "0"], "The --top must be an integer >= 1. Got 0 instead."),
    ],
)
def test_bad_input_exits_2_naming_the_parameter(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search-history", str(FIX / "takeout.zip"), *args]) == 2
    assert needle in capsys.readouterr().err


def test_not_a_takeout_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search-history", str(FIX / "not_takeout.html")]) == 2
    assert "The PATH argument must name a Google Takeout export" in capsys.readouterr().err
