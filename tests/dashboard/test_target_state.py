"""The Target page's numbers are the CLI's: ``_state.target_run`` vs ``riskcast target --json``.

Same data, as_of, target, paths, seed and method order must give the same P(hit), standard
error, confidence interval and total quantiles, digit for digit (``==``; JSON floats
round-trip exactly), and the paths the page plots must be the ones those numbers came from.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from dashboard import _state
from montecarlo import load_monthly_units, target_probability
from riskcast.cli import main

METHODS = ("iid-normal", "seasonal", "bootstrap")


def _cli(capsys, *args: str) -> dict[str, dict]:
    assert main(["target", *args, "--json"]) == 0
    return {r["method"]: r for r in json.loads(capsys.readouterr().out)["results"]}


def test_dashboard_and_cli_agree_digit_for_digit(capsys):
    cli = _cli(capsys, "--as-of", "2015-09", "--target", "186", "--method", ",".join(METHODS),
               "--paths", "6000", "--seed", "5")  # fmt: skip
    run = _state.target_run(load_monthly_units(), "2015-09", 186.0, METHODS, 6000, 5)
    assert list(run.results) == list(cli) == list(METHODS) and not run.errors
    for name, r in run.results.items():
        c = cli[name]
        assert r.probability == c["probability"] and r.std_error == c["std_error"]
        assert list(r.ci) == c["ci"] and r.n_paths == c["n_paths"] == 6000
        assert {f"{q:g}": v for q, v in r.quantiles.items()} == c["quantiles"]
        assert r.mean_total == c["mean_total"]
        # the plotted paths are the scored ones: re-scoring them gives the same answer
        paths = run.paths[name]
        assert paths.shape == (6000, 3) and paths.dtype == np.float64
        again = target_probability(paths, run.actual_to_date, 186.0)
        assert again.probability == r.probability and again.quantiles == r.quantiles
    # the classic question (DESIGN.md): near 27% for iid normal months, far lower seasonally
    assert 0.24 < run.results["iid-normal"].probability < 0.30
    assert run.results["seasonal"].probability < 0.05


def test_method_index_not_name_picks_the_stream_as_in_the_cli(capsys):
    # seasonal first instead of second: it gets the CLI's first-method generator
    order = ("seasonal", "iid-normal")
    cli = _cli(capsys, "--as-of", "2014-06", "--target", "180", "--method", ",".join(order),
               "--paths", "3000", "--seed", "0")  # fmt: skip
    run = _state.target_run(load_monthly_units(), "2014-06", 180.0, order, 3000, 0)
    for name in order:
        assert run.results[name].probability == cli[name]["probability"]
        assert list(run.results[name].ci) == cli[name]["ci"]
    earlier = _state.target_run(load_monthly_units(), "2014-06", 180.0, order[::-1], 3000, 0)
    assert not np.array_equal(earlier.paths["iid-normal"], run.paths["iid-normal"])
    assert run.horizon == 6 and run.actual_to_date == float(
        load_monthly_units().loc[pd.Period("2014-01", "M") : pd.Period("2014-06", "M")].sum()
    )


def test_dashboard_backtest_is_the_clis_digit_for_digit(capsys):
    order = ("iid-normal", "seasonal")
    assert main(["target", "--as-of", "2015-09", "--target", "186", "--method", ",".join(order),
                 "--paths", "1000", "--seed", "3", "--backtest", "--backtest-paths", "400",
                 "--json"]) == 0  # fmt: skip
    cli = json.loads(capsys.readouterr().out)["backtest"]
    bt = _state.backtest_run(load_monthly_units(), "2015-09", order, 400, 3)
    for table in ("summary", "scores", "skipped"):
        assert getattr(bt, table).to_dict("records") == cli[table], table
    summary = {s["method"]: s for s in cli["summary"]}
    assert list(summary) == list(order)
    # seasonal needs a past year of errors, so 2003 is skipped: 12 and 11 scored years
    assert summary["iid-normal"]["n_years"] == 12 and summary["seasonal"]["n_years"] == 11
    assert [(s["method"], s["year"]) for s in cli["skipped"]] == [("seasonal", 2003)]
    assert summary["iid-normal"]["calibrated"] == "no" and summary["iid-normal"]["mean_pit"] < 0.3
    # the cached per-method table is the stacked one's share
    alone = _state.backtest_method(load_monthly_units(), "2015-09", "seasonal", 400, 3)
    assert alone.summary.to_dict("records") == [summary["seasonal"]]
