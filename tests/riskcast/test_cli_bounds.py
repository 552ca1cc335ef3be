"""Bounded work through the real command line: a run too big for memory and a horizon the
model and history cannot support are refused at once, in the CLI's words, without a
traceback (issue 14, items 4 and 5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from montecarlo import DEFAULT_MEMORY_LIMIT, format_bytes, simulation_memory
from montecarlo.budget import largest_fit
from riskcast.cli import main

# before: a 74.5 GiB allocation traceback, or over 2 minutes and 1.2 GB with no output;
# the timeout is the bound that fails the test if that comes back
TIMEOUT = 120


def _riskcast(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "riskcast.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, cwd=cwd)


def _one_error(done: subprocess.CompletedProcess[str], command: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith(f"riskcast {command}: error:")]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_target_refuses_ten_billion_paths_saying_how_much_and_what_to_do() -> None:
    done = _riskcast("target", "--as-of", "2015-09", "--target", "186", "--paths", "10000000000")
    line = _one_error(done, "target")
    need = simulation_memory(10_000_000_000, 3).total
    fit = largest_fit(DEFAULT_MEMORY_LIMIT, 3)
    assert line == (
        f"riskcast target: error: --paths 10000000000 would need about {format_bytes(need)} "
        f"of memory, more than the 2.0 GiB a run may use. Use {fit} paths or fewer, or let "
        "--until-se SE (e.g. --until-se 0.001) draw only as many paths as that standard "
        "error needs, or use --sampler sobol, which reaches the same standard error with "
        "fewer paths."
    )
    assert format_bytes(need) == "74.8 GiB" and done.stdout == ""


def test_target_refuses_too_many_backtest_paths_before_the_methods_run() -> None:
    done = _riskcast(
        "target", "--as-of", "2015-09", "--target", "186", "--method", "naive",
        "--paths", "1000", "--backtest", "--backtest-paths", "1000000000",
    )  # fmt: skip
    line = _one_error(done, "target")
    assert line.startswith(
        "riskcast target: error: --backtest-paths 1000000000 would need about "
    ) and line.endswith(f"Use {largest_fit(DEFAULT_MEMORY_LIMIT, 3, chunk_size=10**9)} paths "
                        "or fewer.")  # fmt: skip
    assert done.stdout == ""  # nothing ran before the refusal


def test_forecast_refuses_a_horizon_of_100000_before_fitting() -> None:
    done = _riskcast("forecast", "--horizon", "100000")
    assert _one_error(done, "forecast") == (
        "riskcast forecast: error: The --horizon must be at most 384 for this model and "
        "history: a horizon may reach 2 times the 192 observations of the history (or two "
        "seasonal cycles, if longer) and never more than 2000 periods. Got 100000 instead."
    )


@pytest.mark.parametrize(("horizon", "code"), [("24", 0), ("25", 2)])
def test_a_short_history_still_gets_two_seasonal_cycles(
    tmp_path: Path, horizon: str, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sales.csv"
    path.write_text("month,units\n2015-01,10\n2015-02,12\n2015-03,11\n")
    args = ["forecast", "--data", str(path), "--model", "naive", "--horizon", horizon, "--json"]
    assert main(args) == code
    out, err = capsys.readouterr()
    if code:
        assert err.startswith(
            "riskcast forecast: error: The --horizon must be at most 24 for this model and "
            "history: a horizon may reach 2 times the 3 observations"
        )
    else:
        assert len(json.loads(out)["forecast"]) == 24
