"""Calibration backtest: scores against closed forms, verdicts on known cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from montecarlo import (
    BootstrapSimulator,
    IIDSimulator,
    SeasonalSimulator,
    calibration_backtest,
    load_monthly_units,
)
from montecarlo.backtest import crps_from_samples, pit_value
from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError


def normal_crps(mu: float, sigma: float, y: float) -> float:
    """Closed form (Gneiting & Raftery 2007)."""
    z = (y - mu) / sigma
    return sigma * (z * (2 * stats.norm.cdf(z) - 1) + 2 * stats.norm.pdf(z) - 1 / np.sqrt(np.pi))


@pytest.mark.parametrize("y", [-1.5, 0.0, 0.7, 3.0])
def test_crps_from_samples_matches_normal_closed_form(y):
    x = stats.norm.ppf((np.arange(20000) + 0.5) / 20000, loc=2.0, scale=1.5)
    assert crps_from_samples(x, y) == pytest.approx(normal_crps(2.0, 1.5, y), rel=2e-3)


def test_pit_counts_ties_half():
    assert pit_value(np.array([1.0, 2.0, 3.0, 4.0]), 2.0) == pytest.approx(1.5 / 4)


def _iid_series(years: int, seasonal: bool, seed: int) -> pd.Series:
    rng = np.random.default_rng(seed)
    pattern = np.array([8, 8, 10, 11, 12, 13, 13, 12, 11, 10, 9, 7.0]) if seasonal else 10.0
    values = (np.tile(pattern * np.ones(12), years) + rng.normal(0, 0.5, 12 * years)).round(6)
    return pd.Series(values, index=pd.period_range("2000-01", periods=12 * years, freq="M"))


def test_verdicts_on_known_cases():
    sims = {"iid": IIDSimulator(dist="norm", truncate=None), "seasonal": SeasonalSimulator()}
    flat = calibration_backtest(_iid_series(20, False, 1), sims, n_paths=1000, rng=0)
    s = flat.summary.set_index("method")
    assert s.loc["iid", "calibrated"] == "yes"  # the model that generated the data
    assert s.loc["iid", "n_years"] == 17
    season = calibration_backtest(_iid_series(20, True, 2), sims, n_paths=1000, rng=0)
    s = season.summary.set_index("method")
    assert s.loc["iid", "calibrated"] == "no"  # Q4 below the all-month mean every year
    assert s.loc["iid", "mean_pit"] < 0.1
    assert s.loc["seasonal", "calibrated"] == "yes"


def test_monthly_units_shows_which_methods_were_calibrated():
    units = load_monthly_units()
    sims = {
        "iid-normal": IIDSimulator(),
        "seasonal": SeasonalSimulator(),
        "bootstrap": BootstrapSimulator(),
    }
    res = calibration_backtest(units[:"2014-12"], sims, n_paths=2000, rng=0)
    s = res.summary.set_index("method")
    assert set(s["calibrated"]) <= {"yes", "no"}
    # the classic method over-predicts the weak Q4: low PIT values, rejected
    assert s.loc["iid-normal", "calibrated"] == "no"
    assert s.loc["iid-normal", "mean_pit"] < 0.35
    assert s.loc["seasonal", "calibrated"] == "yes"
    assert s.loc["seasonal", "crps"] < s.loc["iid-normal", "crps"]
    # tidy frames with the documented targets: ratio x previous year's total
    row = res.brier.query("method == 'seasonal' and year == 2010 and ratio == 1.02").iloc[0]
    assert row["target"] == pytest.approx(1.02 * units["2009"].sum())
    assert row["brier"] == pytest.approx((row["probability"] - row["hit"]) ** 2)
    sc = res.scores.query("method == 'bootstrap' and year == 2012").iloc[0]
    assert sc["actual_total"] == pytest.approx(units["2012"].sum())
    assert sc["actual_to_date"] == pytest.approx(units["2012-01":"2012-09"].sum())
    assert sc["cover95"] == (sc["lo95"] <= sc["actual_total"] <= sc["hi95"])


def test_predictions_do_not_see_the_future():
    units = load_monthly_units()[:"2010-12"]
    changed = units.copy()
    changed["2008-10":"2008-12"] *= 1.5
    sims = {"s": SeasonalSimulator(method="share")}
    a = calibration_backtest(units, sims, n_paths=500, rng=0).scores.set_index("year")
    b = calibration_backtest(changed, sims, n_paths=500, rng=0).scores.set_index("year")
    assert a.loc[2008, "mean"] == b.loc[2008, "mean"]  # same information up to 2008-09
    assert a.loc[2008, "pit"] != b.loc[2008, "pit"]  # but a different outcome
    assert a.loc[2009, "mean"] != b.loc[2009, "mean"]


def test_refused_runs_are_reported_not_fatal():
    units = load_monthly_units()[:"2006-12"]
    res = calibration_backtest(units, {"b": BootstrapSimulator(min_years=5)}, n_paths=100, rng=0)
    assert set(res.skipped["year"]) == {2003, 2004}
    assert res.skipped["error"].str.contains("at least 5 past years").all()


def test_bad_input():
    units = load_monthly_units()
    sims = {"iid": IIDSimulator()}
    with pytest.raises(MonteCarloValueError, match="'cutoff_month'.*1 and 11"):
        calibration_backtest(units, sims, cutoff_month=12)
    with pytest.raises(MonteCarloTypeError, match="'simulators'"):
        calibration_backtest(units, [])
    with pytest.raises(MonteCarloValueError, match="'ratios'"):
        calibration_backtest(units, sims, ratios=[-1.0])
    with pytest.raises(MonteCarloValueError, match="'levels'"):
        calibration_backtest(units, sims, levels=[1.5])
    with pytest.raises(MonteCarloValueError, match="no year to score"):
        calibration_backtest(units[:"2002-12"], sims)
