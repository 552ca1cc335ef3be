"""Forecasters as DESIGN.md simulators: target_probability and calibration_backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from forecast import SeasonalNaive, Theta
from montecarlo import calibration_backtest, load_monthly_units, target_probability


def test_seasonal_naive_probability_matches_closed_form() -> None:
    y = load_monthly_units()
    model = SeasonalNaive().fit(y)
    paths = model.paths("2015-09", 3, 200_000, rng=0)
    to_date = float(y.loc["2015-01":"2015-09"].sum())
    result = target_probability(paths, to_date, 186.0)
    # independent: data up to 2015-09 only; Oct-Dec 2014 plus three iid N(0, sigma) errors
    hist = y.loc[: pd.Period("2015-09", "M")].to_numpy()
    sigma = np.sqrt(np.mean((hist[12:] - hist[:-12]) ** 2))
    base = float(y.loc["2014-10":"2014-12"].sum())
    exact = stats.norm.sf((186.0 - to_date - base) / (sigma * np.sqrt(3)))
    assert abs(result.probability - exact) < 4 * np.sqrt(exact * (1 - exact) / 200_000) + 1e-4


def test_forecasters_run_in_the_calibration_backtest() -> None:
    y = load_monthly_units()
    res = calibration_backtest(y, {"snaive": SeasonalNaive(), "theta": Theta()}, n_paths=400, rng=1)
    summary = res.summary.set_index("method")
    assert list(summary.index) == ["snaive", "theta"]
    assert (summary["n_years"] >= 10).all()
