"""`riskcast forecast --data long.csv --id-col unique_id`: many series in one run (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast import forecast_many
from montecarlo import load_monthly_units
from riskcast.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def long_csv(tmp_path: Path) -> Path:
    units = load_monthly_units()
    parts = {
        "north": units.loc["2012-01":"2015-12"],
        "south": units.loc["2013-01":"2015-06"] * 2.0,
        "tiny": units.loc["2015-01":"2015-06"],  # too short for seasonal naive
    }
    frame = pd.concat(
        [pd.DataFrame({"unique_id": k, "ds": s.index.to_timestamp(), "y": s.to_numpy()})
         for k, s in parts.items()],
        ignore_index=True,
    )  # fmt: skip
    path = tmp_path / "long.csv"
    frame.to_csv(path, index=False)
    return path


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "riskcast", "forecast", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env=env,
    )  # fmt: skip


def test_two_workers_write_the_library_numbers_and_report_the_failed_series(long_csv, tmp_path):
    out = tmp_path / "fc.csv"
    done = cli("--data", str(long_csv), "--id-col", "unique_id", "--model", "snaive",
               "--horizon", "3", "--workers", "2", "--output", str(out), "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["n_series"] == 3 and list(doc["failed"]) == ["tiny"]
    assert "series 'tiny' failed" in done.stderr
    ref = forecast_many(pd.read_csv(long_csv), models=["snaive"], horizon=3)
    written = pd.read_csv(out)
    assert written.columns.tolist() == ref.columns.tolist()
    for col in ("mean", "lo-95", "lo-80", "hi-80", "hi-95"):
        np.testing.assert_array_equal(written[col].to_numpy(), ref[col].to_numpy())
    assert written["ds"].iloc[:3].tolist() == ["2016-01", "2016-02", "2016-03"]
    assert [r["mean"] for r in doc["forecast"][:3]] == ref["mean"].iloc[:3].tolist()


def test_duplicate_rows_exit_2_naming_the_file_and_the_series(long_csv):
    frame = pd.read_csv(long_csv)
    pd.concat([frame, frame.iloc[[50]]]).to_csv(long_csv, index=False)
    done = cli("--data", str(long_csv), "--id-col", "unique_id", "--model", "naive")
    assert done.returncode == 2
    assert "--data file 'long.csv'" in done.stderr and "series 'south'" in done.stderr
    assert "Traceback" not in done.stderr


def test_text_output_and_flag_errors_in_process(long_csv, capsys):
    assert main(["forecast", "--data", str(long_csv), "--id-col", "unique_id", "--model",
                 "naive", "--horizon", "2", "--intervals", "80"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "3 series (--id-col unique_id, dates ds, values y)" in text
    assert "3 forecast, 0 failed" in text and "lo-80" in text and "hi-95" not in text
    assert main(["forecast", "--data", str(long_csv), "--id-col", "store"]) == 2
    assert "--id-col 'store' is not a column" in capsys.readouterr().err
    assert main(["forecast", "--data", str(long_csv), "--id-col", "unique_id",
                 "--intervals", "80,150"]) == 2  # fmt: skip
    assert "--intervals" in capsys.readouterr().err
    assert main(["forecast", "--data", str(long_csv), "--id-col", "unique_id",
                 "--backtest", "2"]) == 2  # fmt: skip
    assert "--backtest does not work with --id-col" in capsys.readouterr().err
