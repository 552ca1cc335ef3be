"""Bad --data files: every read error names the file, the line or row and the text as it
stands in the file, on one line and without a traceback (issue 14, item 6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from riskcast.cli import main

GOOD = b"month,units\n2015-01,10.5\n2015-02,11.0\n2015-03,12.5\n"

CASES = [
    pytest.param(b"", "the file is empty (no header row and no data).", id="empty"),
    pytest.param(
        b"month,units\n2015-01,10.5\n2015-02,\x95\x96\n",
        "it is not UTF-8 text (byte 0x95 in line 3: '2015-02,\\\\x95\\\\x96'); "
        "save it as CSV UTF-8.",
        id="not-utf8",
    ),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "it is a binary file, not a CSV text file (a NUL byte in line 3: ",
        id="binary",
    ),
    pytest.param(
        b"month,units\n2015-01,10.5\n2015-02,11.0,x\n",
        "line 3 has 3 fields where the header has 2: '2015-02,11.0,x'.",
        id="tokenizer",
    ),
]


def _target(path: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "riskcast.cli", "target", "--data", str(path)]
    cmd += ["--target", "30", "--as-of", "2015-03"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "sales.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("data", "reason"), CASES)
def test_riskcast_target_names_the_file_and_the_line(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    path = _file(tmp_path, data)
    done = _target(path)
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("riskcast target: error:")]
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert len(lines) == 1 and lines[0].startswith(
        f"riskcast target: error: Could not read {str(path)!r}: {reason}"
    ), done.stderr


def test_a_text_cell_is_reported_as_it_stands_in_the_file(tmp_path: Path) -> None:
    path = _file(tmp_path, GOOD + b"2015-04,n/a\n2015-05,\n")
    done = _target(path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "The 'units' column of sales.csv must hold numbers. Got 'n/a' in row 4." in (
        done.stderr
    ), done.stderr
    assert "nan" not in done.stderr


@pytest.mark.parametrize(
    ("tail", "shown"),
    [(b"2015-04,\n", "Got an empty cell in row 4."), (b"soon,3\n", "Got 'soon' in row 4.")],
)
def test_empty_cells_and_bad_dates_name_the_row(capsys, tmp_path: Path, tail, shown) -> None:
    path = _file(tmp_path, GOOD + tail)
    assert main(["target", "--data", str(path), "--target", "30", "--as-of", "2015-03"]) == 2
    assert shown in capsys.readouterr().err


@pytest.mark.parametrize(("data", "reason"), CASES)
def test_forecast_and_online_read_files_the_same_way(
    capsys, tmp_path: Path, data: bytes, reason: str
) -> None:
    path = _file(tmp_path, data)
    for args in (["forecast", "--model", "snaive"], ["online", "--target", "units"]):
        assert main([*args, "--data", str(path)]) == 2
        err = capsys.readouterr().err
        assert f"error: Could not read {str(path)!r}: {reason}" in err, err
