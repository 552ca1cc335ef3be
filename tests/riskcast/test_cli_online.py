from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from riskcast.cli import main


def _progressive_ols_errors(X: np.ndarray, y: np.ndarray, start: int) -> np.ndarray:
    """Independent reference: predict row i by lstsq on rows < i, for i >= start."""
    A = np.c_[np.ones(len(X)), X]
    errs = []
    for i in range(start, len(y)):
        theta = np.linalg.lstsq(A[:i], y[:i], rcond=None)[0]
        errs.append(y[i] - A[i] @ theta)
    return np.array(errs)


@pytest.fixture
def csv(tmp_path) -> tuple[str, pd.DataFrame]:
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"price": rng.uniform(1, 5, 60), "ads": rng.uniform(0, 3, 60)})
    df["city"] = "Lyon"
    df["sales"] = 10 - 1.5 * df["price"] + 2.0 * df["ads"] + 0.3 * rng.normal(size=60)
    path = tmp_path / "sales.csv"
    df.to_csv(path, index=False)
    return str(path), df


def test_runs_out_of_the_box_on_the_bundled_exercise(capsys) -> None:
    assert main(["online"]) == 0
    out = capsys.readouterr().out
    assert "ex1data1" in out and "'profit_10k'" in out
    intercept = float(re.search(r"intercept\s+(\S+)", out).group(1))
    slope = float(re.search(r"population_10k\s+(\S+)\s*$", out, re.M).group(1))
    # The OLS solution of the exercise.
    assert intercept == pytest.approx(-3.8958, abs=1e-4)
    assert slope == pytest.approx(1.1930, abs=1e-4)


def test_json_metrics_match_an_independent_progressive_ols(csv, capsys) -> None:
    path, df = csv
    code = main(
        [
            *("online", "--data", path, "--target", "sales", "--features", "price,ads"),
            *("--window", "15", "--batch-size", "1", "--json"),
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    X, y = df[["price", "ads"]].to_numpy(), df["sales"].to_numpy()
    # Rows 0..2 cannot be predicted exactly by an OLS with 3 coefficients; compare from 3 on.
    ref = _progressive_ols_errors(X, y, start=3)
    assert doc["rows"] == 60 and doc["warmup"] == 1 and doc["metrics"]["n_scored"] == 59
    assert doc["metrics"]["window_mae"] == pytest.approx(np.mean(np.abs(ref[-15:])), rel=1e-9)
    assert doc["metrics"]["window_rmse"] == pytest.approx(
        np.sqrt(np.mean(ref[-15:] ** 2)), rel=1e-9
    )
    theta = np.linalg.lstsq(np.c_[np.ones(60), X], y, rcond=None)[0]
    assert doc["intercept"] == pytest.approx(theta[0], abs=1e-9)
    assert doc["coef"] == pytest.approx({"price": theta[1], "ads": theta[2]}, abs=1e-9)
    assert doc["model"]["method"] == "rls"


def test_save_then_load_continues_the_stream(csv, tmp_path, capsys) -> None:
    _, df = csv
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    df.iloc[:25].to_csv(first, index=False)
    df.iloc[25:].to_csv(second, index=False)
    model = str(tmp_path / "m.npz")
    common = ["--target", "sales", "--features", "price,ads", "--json"]
    assert main(["online", "--data", str(first), *common, "--save", model]) == 0
    capsys.readouterr()
    assert main(["online", "--data", str(second), *common, "--load", model]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["warmup"] == 0 and doc["metrics"]["n_scored"] == 35
    X, y = df[["price", "ads"]].to_numpy(), df["sales"].to_numpy()
    theta = np.linalg.lstsq(np.c_[np.ones(60), X], y, rcond=None)[0]
    assert [doc["intercept"], doc["coef"]["price"], doc["coef"]["ads"]] == pytest.approx(
        list(theta), abs=1e-9
    )
    code = main(["online", "--data", str(second), *common, "--load", model, "--method", "sgd"])
    assert code == 2
    assert "--method cannot be combined with --load" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        (["--target", "profit"], r"--target column 'profit' is not in .*Columns"),
        (["--target", "sales"], r"column 'city' of .* must be numeric. Got 'Lyon'"),
        (["--target", "sales", "--features", "price,tv"], r"column 'tv' is not in"),
        (["--target", "sales", "--features", "sales"], r"target 'sales' cannot also be"),
        (["--target", "sales", "--features", "price", "--window", "0"], r"The --window must.*>= 1"),
        (["--target", "sales", "--features", "price", "--l2", "-1"], r"The --l2 must be .*-1"),
        ([], r"--target COL is required"),
    ],
)
def test_bad_input_exits_2_with_a_message(csv, capsys, extra, pattern) -> None:
    path, _ = csv
    assert main(["online", "--data", path, *extra]) == 2
    err = capsys.readouterr().err
    assert re.search(pattern, err), err


def test_missing_values_and_missing_file_are_reported(csv, tmp_path, capsys) -> None:
    _, df = csv
    df.loc[7, "ads"] = np.nan
    holes = tmp_path / "holes.csv"
    df.to_csv(holes, index=False)
    assert main(["online", "--data", str(holes), "--target", "sales", "--features", "ads"]) == 2
    assert re.search(r"column 'ads' .* 1 missing .*data row 8", capsys.readouterr().err)
    assert main(["online", "--data", str(tmp_path / "nope.csv"), "--target", "y"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_sgd_divergence_tells_to_lower_the_learning_rate(capsys) -> None:
    assert main(["online", "--method", "sgd", "--learning-rate", "1"]) == 2
    err = capsys.readouterr().err
    assert "diverged" in err and "Lower the 'learning_rate'" in err


def test_empty_and_header_only_files_are_refused(tmp_path, capsys) -> None:
    empty, header = tmp_path / "empty.csv", tmp_path / "header.csv"
    empty.write_text("")
    header.write_text("x,y\n")
    assert main(["online", "--data", str(empty), "--target", "y"]) == 2
    assert "Could not read" in capsys.readouterr().err
    assert main(["online", "--data", str(header), "--target", "y"]) == 2
    assert "at least 2 data rows to stream. Got 0" in capsys.readouterr().err
