"""Tests of montecarlo.recommend: the documented rule on hand-made backtest summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from montecarlo.backtest import calibration_backtest
from montecarlo.datasets import load_monthly_units
from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError
from montecarlo.recommend import recommend_method
from montecarlo.resample import BootstrapSimulator
from montecarlo.simulate import IIDSimulator


def _summary(methods, calibrated, crps, brier=None):
    d = {"method": methods, "calibrated": calibrated, "crps": crps}
    if brier is not None:
        d["brier"] = brier
    return pd.DataFrame(d)


def test_lowest_crps_among_calibrated_wins_over_sharper_uncalibrated():
    s = _summary(["sharp-liar", "honest-wide", "honest-sharp"], ["no", "yes", "yes"],
                 [0.5, 3.0, 2.0])  # fmt: skip
    r = recommend_method(s)
    assert r.method == "honest-sharp"
    assert r.calibrated
    assert "2 method(s)" in r.reason


def test_ties_broken_by_brier_then_order():
    s = _summary(["a", "b", "c"], ["yes"] * 3, [1.0, 1.0, 1.0], [0.3, 0.1, 0.1])
    assert recommend_method(s).method == "b"
    s = _summary(["a", "b"], ["yes", "yes"], [1.0, 1.0])
    assert recommend_method(s).method == "a"


def test_no_calibrated_method_returns_lowest_crps_flagged():
    s = _summary(["a", "b"], ["no", "no"], [2.0, 1.5])
    r = recommend_method(s)
    assert (r.method, r.calibrated) == ("b", False)
    assert "No method passed" in r.reason


def test_nan_crps_is_never_recommended():
    s = _summary(["a", "b"], ["yes", "no"], [np.nan, 4.0])
    assert recommend_method(s).method == "b"


def test_real_backtest_prefers_a_calibrated_method():
    # On the bundled series the iid-normal method is miscalibrated (PIT piles up low:
    # Q4 is the weakest quarter) while the year-rescaled bootstrap passes.
    y = load_monthly_units().loc[:"2014-12"]
    bt = calibration_backtest(
        y,
        {"iid-normal": IIDSimulator(dist="norm"), "bootstrap": BootstrapSimulator(scale="ytd")},
        n_paths=1000,
        rng=3,
    )
    verdict = dict(zip(bt.summary["method"], bt.summary["calibrated"], strict=True))
    r = recommend_method(bt.summary)
    assert verdict["iid-normal"] == "no"
    assert r.method == "bootstrap" and r.calibrated


@pytest.mark.parametrize(
    ("bad", "exc", "word"),
    [
        ([1, 2], MonteCarloTypeError, "'summary'"),
        (pd.DataFrame({"method": ["a"], "crps": [1.0]}), MonteCarloValueError, "calibrated"),
        (_summary(["a"], ["yes"], [np.nan]), MonteCarloValueError, "no method with a finite"),
    ],
)
def test_bad_summary_names_the_parameter(bad, exc, word):
    with pytest.raises(exc, match="summary") as info:
        recommend_method(bad)
    assert word in str(info.value)
