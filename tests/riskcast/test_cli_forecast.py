"""`riskcast forecast`: real runs on the bundled sample and on CSV files."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast import model_names
from montecarlo import load_monthly_units
from montecarlo.datasets import read_monthly_series
from riskcast._data import load_series
from riskcast.cli import main
from riskcast.commands.forecast import MODELS


def run_json(capsys, *args: str) -> dict:
    assert main(["forecast", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def frame_of(doc: dict) -> pd.DataFrame:
    return pd.DataFrame(doc["forecast"]).set_index("period")


def test_models_are_the_registered_forecasters_auto_first():
    assert MODELS[0] == "auto" and sorted(MODELS) == sorted(model_names(forecaster=True))
    assert "iid-normal" not in MODELS


def test_snaive_repeats_the_last_year_with_ordered_quantiles(capsys):
    doc = run_json(capsys, "--model", "snaive", "--horizon", "12")
    y = load_monthly_units()
    fc = frame_of(doc)
    assert list(fc.index) == [f"2016-{m:02d}" for m in range(1, 13)]
    assert fc["mean"].tolist() == y.iloc[-12:].tolist()
    assert list(fc.columns) == ["mean", "q0.1", "q0.5", "q0.9"]
    assert (fc["q0.1"] < fc["q0.5"]).all() and (fc["q0.5"] < fc["q0.9"]).all()
    assert doc["n"] == 192 and (doc["start"], doc["end"]) == ("2000-01", "2015-12")
    assert doc["frequency"] == "monthly" and doc["fitted"]["season_length"] == 12


def test_ets_equals_the_python_api_digit_for_digit(capsys):
    doc = run_json(capsys, "--model", "ets")
    model = forecast.ETS().fit(load_monthly_units())
    ref = model.predict(12)
    fc = frame_of(doc)
    assert list(fc.index) == [str(p) for p in ref.index]
    for col in ref.columns:
        assert fc[col].tolist() == ref[col].tolist()
    assert doc["fitted"]["form"] == model.model_
    assert doc["fitted"]["params"] == pytest.approx(model.params_, rel=0, abs=0)


def test_text_output_has_header_and_table(capsys):
    assert main(["forecast", "--model", "theta", "--horizon", "3", "--quantiles", "0.9,0.1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        "Data: monthly_units (bundled sample), 192 monthly observations, 2000-01 to 2015-12; "
        "model theta: Theta, alpha"
    )
    header = next(line for line in out if line.split()[:1] == ["period"])
    assert header.split() == ["period", "mean", "q0.1", "q0.9"]  # levels sorted
    rows = out[out.index(header) + 1 :]
    assert [r.split()[0] for r in rows] == ["2016-01", "2016-02", "2016-03"]


def test_output_csv_reads_back_and_replaces_atomically(tmp_path, capsys):
    path = tmp_path / "fc.csv"
    path.write_text("old content\n")
    doc = run_json(capsys, "--model", "ets", "--horizon", "6", "--output", str(path))
    back = pd.read_csv(path, dtype={"period": str}).set_index("period")
    fc = frame_of(doc)
    pd.testing.assert_frame_equal(back, fc, check_exact=True)
    assert [p.name for p in tmp_path.iterdir()] == ["fc.csv"]  # no temporary left behind
    # a failing run leaves the existing file untouched
    before = path.read_bytes()
    stat = os.stat(path)
    assert (
        main(["forecast", "--model", "ets", "--quantiles", "0.1,1.2", "--output", str(path)]) == 2
    )
    assert "The --quantiles must hold levels strictly between 0 and 1" in capsys.readouterr().err
    assert path.read_bytes() == before and os.stat(path).st_ino == stat.st_ino
    assert [p.name for p in tmp_path.iterdir()] == ["fc.csv"]


def test_backtest_gives_one_metrics_row_per_window(capsys):
    doc = run_json(capsys, "--model", "snaive", "--horizon", "12", "--backtest", "3")
    rows = doc["backtest"]["metrics"]
    assert [r["window"] for r in rows] == [0, 1, 2, "mean"]
    assert [r["cutoff"] for r in rows] == ["2012-12", "2013-12", "2014-12", None]
    y = load_monthly_units()
    for r in rows[:3]:
        # seasonal naive: the forecast of year t is year t-1 (model-free reference)
        year = int(r["cutoff"][:4]) + 1
        actual = y[f"{year}"].to_numpy()
        previous = y[f"{year - 1}"].to_numpy()
        assert r["mae"] == pytest.approx(np.mean(np.abs(actual - previous)), rel=1e-12)
    assert rows[3]["mae"] == pytest.approx(np.mean([r["mae"] for r in rows[:3]]), rel=1e-12)
    assert main(["forecast", "--model", "snaive", "--backtest", "3"]) == 0
    out = capsys.readouterr().out
    assert "Backtest: 3 rolling origins, 12 periods each:" in out
    assert "coverage_0.8" in out and "2014-12" in out


def test_csv_with_custom_columns_matches_the_target_loader(tmp_path, capsys):
    y = load_monthly_units()["2010-01":]
    path = tmp_path / "sales.csv"
    pd.DataFrame(
        {"note": "x", "when": [p.strftime("%Y-%m-15") for p in y.index], "sold": y.to_numpy()}
    ).to_csv(path, index=False)
    doc = run_json(capsys, "--data", str(path), "--date", "when", "--value", "sold",
                   "--model", "ets", "--horizon", "4")  # fmt: skip
    assert doc["data"] == str(path) and doc["n"] == 72 and doc["end"] == "2015-12"
    ref = forecast.ETS().fit(y).predict(4)
    assert frame_of(doc)["mean"].tolist() == ref["mean"].tolist()
    # monthly data is read by the same function as `riskcast target`
    args = argparse.Namespace(data=str(path), date="when", value="sold")
    got, _ = load_series(args, monthly=False)
    pd.testing.assert_series_equal(got, read_monthly_series(path, date="when", value="sold"))


def test_weekly_and_quarterly_series(tmp_path, capsys):
    weeks = pd.date_range("2022-01-02", periods=110, freq="W")
    values = np.arange(110.0) % 52 + 0.25 * np.arange(110)
    path = tmp_path / "weekly.csv"
    pd.DataFrame({"week": weeks.strftime("%Y-%m-%d"), "x": values}).to_csv(path, index=False)
    doc = run_json(capsys, "--data", str(path), "--model", "snaive", "--horizon", "3")
    assert doc["frequency"] == "weekly" and doc["fitted"]["season_length"] == 52
    fc = frame_of(doc)
    assert list(fc.index) == ["2024-02-11", "2024-02-18", "2024-02-25"]
    assert fc["mean"].tolist() == values[-52:-49].tolist()

    quarters = pd.period_range("2010Q1", periods=40, freq="Q")
    qvalues = np.arange(40.0) + np.tile([1.0, 2.0, 3.0, 0.0], 10)
    path = tmp_path / "quarterly.csv"
    frame = pd.DataFrame({"q": quarters.to_timestamp().strftime("%Y-%m-%d"), "v": qvalues})
    frame.to_csv(path, index=False)
    doc = run_json(capsys, "--data", str(path), "--model", "snaive", "--horizon", "4")
    assert doc["frequency"] == "quarterly"
    fc = frame_of(doc)
    assert list(fc.index) == ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
    assert fc["mean"].tolist() == qvalues[-4:].tolist()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--horizon", "0"], "The --horizon must be an integer >= 1. Got 0 instead."),
        (["--horizon", "385"], "The --horizon must be at most 384 for this model and history"),
        (["--quantiles", "0,0.5"], "The --quantiles must hold levels strictly between 0 and 1"),
        (["--quantiles", "low"], "The --quantiles must be comma-separated numbers"),
        (["--backtest", "0"], "The --backtest must be an integer >= 1. Got 0 instead."),
        (
            ["--backtest", "40"],
            "The bundled sample (monthly units) is too short for 40 windows of --horizon 12",
        ),
        (["--output", "/no/such/folder/fc.csv"], "The folder of --output"),
        (["--date", "month"], "--date and --value need --data"),
    ],
)
def test_bad_input_exits_2_and_names_the_parameter(capsys, args, needle):
    assert main(["forecast", "--model", "snaive", *args]) == 2
    assert needle in capsys.readouterr().err


def test_unknown_model_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["forecast", "--model", "prophet"])
    assert exc.value.code == 2
    assert "argument --model: invalid choice: 'prophet'" in capsys.readouterr().err


def test_too_short_or_gapped_series_exits_2_with_the_package_message(tmp_path, capsys):
    path = tmp_path / "short.csv"
    path.write_text("month,sales\n2020-01,1\n2020-02,2\n2020-03,3\n")
    assert main(["forecast", "--data", str(path), "--model", "arima"]) == 2
    err = capsys.readouterr().err
    assert f"The --data file {str(path)!r} needs at least 6 observations" in err
    path.write_text("month,sales\n2020-01,1\n2020-02,2\n2020-04,3\n2020-05,4\n")
    assert main(["forecast", "--data", str(path), "--model", "theta"]) == 2
    err = capsys.readouterr().err
    assert (
        f"The --data file {str(path)!r} must have no gaps. Got 1 missing period(s) "
        "after 2020-02; use --fill-gaps to fill them" in err
    )


def test_fill_gaps_interpolates_missing_months_and_values_and_says_how_many(tmp_path, capsys):
    y = load_monthly_units()
    frame = pd.DataFrame({"month": [str(p) for p in y.index], "units": y.to_numpy()})
    frame.loc[30, "units"] = np.nan  # an empty cell
    path = tmp_path / "holes.csv"
    frame.drop(index=[100]).to_csv(path, index=False)
    assert main(["forecast", "--data", str(path), "--model", "ets"]) == 2
    err = capsys.readouterr().err
    assert "Got an empty cell in row 31; use --fill-gaps to interpolate missing values" in err
    assert main(["forecast", "--data", str(path), "--model", "ets", "--fill-gaps", "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == f"--fill-gaps: 2 of {len(y)} values interpolated\n"
    doc = json.loads(out)
    assert doc["n"] == len(y) and doc["filled"] == 2
    filled = y.copy()
    filled.iloc[30] = (y.iloc[29] + y.iloc[31]) / 2  # linear interpolation of each hole
    filled.iloc[100] = (y.iloc[99] + y.iloc[101]) / 2
    expect = forecast.ETS().fit(filled).predict(12)
    np.testing.assert_array_equal(frame_of(doc)["mean"].to_numpy(), expect["mean"].to_numpy())


@pytest.mark.parametrize(
    ("freq", "label"), [("W-SUN", "weekly"), ("D", "daily"), ("QS", "quarterly")]
)
def test_a_missing_week_day_or_quarter_is_a_gap_not_irregular_dates(tmp_path, capsys, freq, label):
    idx = pd.date_range("2021-01-03", periods=60, freq=freq).delete(20)
    values = 50 + np.sin(np.arange(60) / 3.0)
    path = tmp_path / "series.csv"
    pd.DataFrame({"date": idx.strftime("%Y-%m-%d"), "v": np.delete(values, 20)}).to_csv(
        path, index=False
    )
    assert main(["forecast", "--data", str(path), "--model", "theta"]) == 2
    assert "must have no gaps. Got 1 missing period(s)" in capsys.readouterr().err
    doc = run_json(capsys, "--data", str(path), "--model", "theta", "--fill-gaps")
    assert doc["frequency"] == label and doc["n"] == 60 and doc["filled"] == 1


def test_a_closed_pipe_ends_quietly():
    # ~380 kB of table (384 rows of 99 quantiles; a longer horizon is refused): more than a
    # pipe holds, so the writer meets the closed pipe
    levels = ",".join(f"{q / 100:g}" for q in range(1, 100))
    cmd = (
        f"{sys.executable} -m riskcast.cli forecast --model snaive --horizon 384 "
        f"--quantiles {levels} | head -1"
    )
    done = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("Data: monthly_units (bundled sample)")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_auto_reports_its_weights_and_members(capsys):
    doc = run_json(capsys, "--horizon", "6", "--quantiles", "0.05,0.95")
    fitted = doc["fitted"]
    assert doc["model"] == "auto" and doc["params"]["random_state"] == 0
    assert set(fitted["weights"]) == {"nbeats", "theta", "arima"} and not fitted["failed"]
    assert sum(fitted["weights"].values()) == pytest.approx(1.0, abs=1e-12)
    assert set(fitted["validation_smape"]) == set(fitted["weights"])
    assert fitted["members"]["arima"]["seasonal_order"][3] == 12
    fc = frame_of(doc)
    assert (fc["q0.05"] < fc["mean"]).all() and (fc["mean"] < fc["q0.95"]).all()
