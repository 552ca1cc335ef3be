"""`python -m riskcast` is the `riskcast` command (issue 13 item 4), through subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from riskcast.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


def python_m(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "riskcast", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env=env,
    )  # fmt: skip


def test_help_is_the_command_lines_help_and_exits_0(monkeypatch):
    done = python_m("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: riskcast ")
    for name in ("target", "forecast", "online", "search-history", "report", "dashboard"):
        assert f"    {name}" in done.stdout
    monkeypatch.setenv("COLUMNS", "100")
    assert done.stdout == build_parser().format_help()


def test_a_real_target_run_gives_the_numbers_of_the_library():
    from forecast import answer_question
    from montecarlo import load_monthly_units

    done = python_m(
        "target", "--method", "iid-normal", "--paths", "4000", "--as-of", "2015-09",
        "--target", "186", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    ref = answer_question(
        load_monthly_units(), as_of="2015-09", target=186, methods=["iid-normal"],
        n_paths=4000, fits=False,
    )  # fmt: skip
    (row,) = [r for r in doc["results"] if r["method"] == "iid-normal"]
    assert row["probability"] == ref.results["iid-normal"].probability
    assert 0.2 < row["probability"] < 0.35


def test_bad_input_exits_2_with_the_message():
    done = python_m("forecast", "--horizon", "0")
    assert done.returncode == 2
    assert "horizon" in done.stderr and "Traceback" not in done.stderr
