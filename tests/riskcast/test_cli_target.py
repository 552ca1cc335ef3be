"""`riskcast target`: the classic question end to end, JSON, backtest, bad input."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecast import backtest_method, backtest_years, make_model, model_names, stack_backtests
from kernel import stream_rng
from montecarlo import load_monthly_units
from montecarlo.backtest import calibration_backtest
from riskcast.cli import main
from riskcast.errors import UsageError
from riskcast.methods import parse_methods


def classic_reference() -> float:
    """P(sum of 3 iid truncated normals >= 186 - 141.7054) by numerical convolution."""
    x = load_monthly_units()[:"2015-09"].to_numpy()
    lo, hi, m = x.min(), x.max(), 6000
    h = (hi - lo) / m
    grid = lo + (np.arange(m) + 0.5) * h
    a, b = (lo - x.mean()) / x.std(), (hi - x.mean()) / x.std()
    f = stats.truncnorm(a, b, loc=x.mean(), scale=x.std()).pdf(grid) * h
    f /= f.sum()
    g = np.convolve(np.convolve(f, f), f)
    sums = 3 * lo + (np.arange(g.size) + 1.5) * h
    return float(g[sums >= 186 - 141.7054].sum())


def run_json(capsys, *args: str) -> dict:
    assert main(["target", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_classic_question_end_to_end_json(capsys):
    doc = run_json(capsys, "--as-of", "2015-09", "--target", "186", "--paths", "16384",
                   "--sampler", "sobol", "--seed", "1")  # fmt: skip
    assert doc["actual_to_date"] == pytest.approx(141.7054)
    assert doc["gap"] == pytest.approx(44.2946) and doc["months_left"] == 3
    res = {r["method"]: r for r in doc["results"]}
    assert list(res) == ["iid-normal", "iid-johnson", "seasonal", "bootstrap"]
    ref = classic_reference()
    normal = res["iid-normal"]
    assert abs(normal["probability"] - ref) < 4 * normal["std_error"] + 3e-4
    assert 0.26 < normal["probability"] < 0.28
    assert 0.31 < res["iid-johnson"]["probability"] < 0.36
    # the seasonal methods see the weak Q4 and answer far lower
    assert res["seasonal"]["probability"] < 0.05 and res["bootstrap"]["probability"] < 0.05
    assert doc["seasonality"]["mean_share"] < doc["seasonality"]["equal_share"]
    fits = {f["dist"]: f for f in doc["fits"]}
    x = load_monthly_units()[:"2015-09"].to_numpy()
    assert fits["norm"]["params"]["mean"] == pytest.approx(x.mean())
    assert fits["norm"]["params"]["sd"] == pytest.approx(x.std())
    assert fits["johnson"]["loglik"] is None  # -inf (support excludes data) -> null
    assert any("Johnson SB" in n for n in doc["notes"])


def test_same_seed_same_answer(capsys):
    args = ("--as-of", "2012-06", "--target", "178", "--paths", "5000", "--method",
            "iid-normal,bootstrap", "--seed", "7")  # fmt: skip
    a, b = run_json(capsys, *args), run_json(capsys, *args)
    assert a["results"] == b["results"]
    assert [r["method"] for r in a["results"]] == ["iid-normal", "bootstrap"]
    assert a["months_left"] == 6


def test_text_output_and_backtest(capsys):
    args = ["--as-of", "2015-09", "--target", "186", "--paths", "4000", "--method",
            "iid-normal,seasonal", "--backtest", "--backtest-paths", "1000"]  # fmt: skip
    code = main(["target", *args])
    out = capsys.readouterr().out
    assert code == 0
    assert "Fit of the 189 monthly values up to 2015-09" in out
    assert re.search(r"iid-normal\s+P\(hit\) =\s+2[67]\.\d% ± 0\.\d\d pp", out)
    assert "90% interval of the total" in out and "Seasonality:" in out
    # every P(hit) carries its verdict, and the recommended method is the headline
    assert re.search(r"iid-normal .*\(4000 paths, plain; not calibrated\)", out)
    assert re.search(r"seasonal .*\(4000 paths, plain; calibrated\)", out)
    assert re.search(r"^Headline: seasonal says P\(hit\) = ", out, re.M)
    assert "Calibration backtest (Sep cutoffs, years 2003-2014)" in out
    verdicts = dict(re.findall(r"^\s*(iid-normal|seasonal)\s+\d+ .* (yes|no)$", out, re.M))
    assert verdicts == {"iid-normal": "no", "seasonal": "yes"}


def test_level_option_and_a_target_already_reached(capsys):
    out = run_json(capsys, "--as-of", "2015-09", "--target", "186", "--paths", "2000",
                   "--method", "iid-normal", "--level", "0.5")  # fmt: skip
    assert out["interval_level"] == 0.5 and out["target_reached"] is False
    assert main(["target", "--as-of", "2015-09", "--target", "-5", "--paths", "2000",
                 "--method", "iid-normal"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert "The target -5 is already reached" in text and "100.0%" in text
    assert main(["target", "--as-of", "2015-09", "--target", "186", "--level", "1.5"]) == 2
    assert "--level must be a number between 0 and 1. Got 1.5" in capsys.readouterr().err


def test_backtest_json_has_summary(capsys):
    doc = run_json(capsys, "--as-of", "2014-06", "--target", "180", "--paths", "1000",
                   "--method", "bootstrap", "--backtest", "--backtest-paths", "500")  # fmt: skip
    summary = doc["backtest"]["summary"]
    assert summary[0]["method"] == "bootstrap" and summary[0]["calibrated"] in ("yes", "no")
    years = {s["year"] for s in doc["backtest"]["scores"]}
    assert max(years) == 2013  # only years before the question's year


def test_user_csv(tmp_path, capsys):
    units = load_monthly_units()
    df = pd.DataFrame({"when": units.index.to_timestamp().strftime("%Y-%m-%d"),
                       "sold": units.to_numpy()})  # fmt: skip
    path = tmp_path / "sales.csv"
    df.to_csv(path, index=False)
    doc = run_json(capsys, "--data", str(path), "--date", "when", "--value", "sold",
                   "--as-of", "2015-09", "--target", "186", "--paths", "2000",
                   "--method", "iid-normal")  # fmt: skip
    assert doc["actual_to_date"] == pytest.approx(141.7054)


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (["--as-of", "2016-09", "--target", "186"], r"--as-of.*2000-01 to 2015-12.*2016-09"),
        (["--as-of", "2015-12", "--target", "186"], r"The --as-of is December"),
        (["--as-of", "2015-09", "--target", "nan"], r"--target.*finite.*nan"),
        (["--as-of", "2015-09", "--target", "186", "--method", "magic"], r"'magic' is unknown"),
        (["--as-of", "2015-09", "--target", "186", "--paths", "0"], r"The --paths must be.*Got 0"),
        (["--as-of", "soon", "--target", "186"], r"The --as-of must be a month such as '2015-09'"),
        (["--as-of", "2015-09", "--target", "186", "--data", "no.csv"], r"--data file 'no\.csv'"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args, pattern):
    assert main(["target", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and re.search(pattern, err), err


def test_bad_csv_cells_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("month,units\n2015-01,1\n2015-02,lots\n")
    assert main(["target", "--data", str(path), "--as-of", "2015-02", "--target", "5"]) == 2
    assert "'units' column" in capsys.readouterr().err


def test_method_option_reads_the_one_registry():
    assert parse_methods("all") == model_names()
    assert parse_methods(" seasonal , iid-normal,seasonal") == ["seasonal", "iid-normal"]
    with pytest.raises(UsageError, match=r"--method method 'prophet' is unknown.*seasonal"):
        parse_methods("seasonal,prophet")
    with pytest.raises(UsageError, match=r"\[run\] methods option needs at least one"):
        parse_methods([" "], option="[run] methods")


def test_tornado_option(capsys):
    doc = run_json(capsys, "--as-of", "2015-09", "--target", "186", "--paths", "2000",
                   "--method", "iid-normal", "--tornado")  # fmt: skip
    rows = doc["tornado"]["iid-normal"]
    assert [r["month"] for r in rows] != [] and {r["month"] for r in rows} == {
        "2015-10", "2015-11", "2015-12"}  # fmt: skip
    for r in rows:
        assert r["swing"] == pytest.approx(r["high_value"] - r["low_value"])
        assert r["total_low"] < 186 < r["total_high"] + 5
    assert main(["target", "--as-of", "2015-09", "--target", "186", "--paths", "2000",
                 "--method", "seasonal", "--tornado"]) == 0  # fmt: skip
    assert "Which month moves the total most" in capsys.readouterr().out


def _backtest(capsys, methods: str) -> dict:
    doc = run_json(capsys, "--as-of", "2015-09", "--target", "186", "--paths", "500",
                   "--method", methods, "--backtest", "--backtest-paths", "300")  # fmt: skip
    return doc["backtest"]


def _rows(table: list[dict], method: str) -> list[dict]:
    return [r for r in table if r["method"] == method]


def test_backtest_numbers_do_not_depend_on_the_other_methods(capsys):
    alone = _backtest(capsys, "bootstrap")
    after_two = _backtest(capsys, "seasonal,iid-normal,bootstrap")
    for table in ("summary", "scores", "skipped"):
        assert _rows(after_two[table], "bootstrap") == alone[table], table
    assert len(alone["scores"]) == 12 and alone["summary"][0]["n_years"] == 12
    assert [s["method"] for s in after_two["summary"]] == ["seasonal", "iid-normal", "bootstrap"]


def test_stacked_backtests_have_the_tables_of_one_joint_run():
    units = load_monthly_units()
    names = ["seasonal", "iid-normal"]
    calls = []
    stacked = stack_backtests(
        [backtest_method(units, n, as_of="2015-09", series="units", n_paths=200, seed=1,
                         progress=calls.append) for n in names]
    )  # fmt: skip
    assert calls == [1] * (len(names) * len(backtest_years(units, "2015-09"))) == [1] * 24
    joint = calibration_backtest(
        units[:"2014-12"], {n: make_model(n) for n in names}, cutoff_month=9, n_paths=200,
        rng=1,
    )  # fmt: skip
    for table in ("scores", "brier", "summary", "skipped"):
        a, b = getattr(stacked, table), getattr(joint, table)
        assert list(a.columns) == list(b.columns) and a.dtypes.equals(b.dtypes), table
        assert list(a.index) == list(range(len(a))) and a.shape == b.shape, table
    # each method's part is its own backtest with the seed rule's backtest stream
    for name in names:
        own = calibration_backtest(
            units[:"2014-12"], {name: make_model(name)}, cutoff_month=9, n_paths=200,
            rng=stream_rng(1, "units", name, "backtest"),
        )  # fmt: skip
        part = stacked.scores[stacked.scores["method"] == name].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, own.scores)
    assert backtest_years(units, "2015-01") == list(range(2003, 2015))
    assert backtest_years(units, "2003-06") == []
