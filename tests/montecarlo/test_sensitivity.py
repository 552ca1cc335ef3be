"""Tornado data: swings and rank correlations against direct computations."""

from __future__ import annotations

import numpy as np
import pytest

from montecarlo import SeasonalSimulator, load_monthly_units, tornado
from montecarlo.errors import MonteCarloValueError


def test_swings_rank_the_widest_month_first():
    rng = np.random.default_rng(0)
    paths = np.column_stack(
        [rng.normal(10, 1, 20000), rng.normal(10, 4, 20000), rng.normal(10, 2, 20000)]
    )
    t = tornado(paths, 100.0, labels=["a", "b", "c"])
    assert list(t.index) == ["b", "c", "a"]
    q10, q50, q90 = np.quantile(paths, [0.1, 0.5, 0.9], axis=0)
    assert t.loc["b", "swing"] == pytest.approx(q90[1] - q10[1])
    assert t.loc["b", "total_low"] == pytest.approx(100 + q10[1] + q50[0] + q50[2])
    total = 100 + paths.sum(axis=1)
    low = paths[:, 1] <= q10[1]
    assert t.loc["b", "cond_low"] == pytest.approx(total[low].mean())
    # independent months: conditional swing ~ one-at-a-time swing (normal decile means)
    assert t.loc["b", "cond_swing"] == pytest.approx(2 * 4 * 1.7550, rel=0.05)
    # Spearman of a N(0,16) part of a sum with variance 21: close to sqrt(16/21) * 3/pi*...
    assert 0.8 < t.loc["b", "spearman"] < 0.9 and t.loc["a", "spearman"] < 0.3


def test_common_factor_months_move_together():
    units = load_monthly_units()
    p = SeasonalSimulator(method="share").fit(units).paths("2015-09", 3, 5000, rng=0)
    t = tornado(p, 141.7054)
    assert np.allclose(t["spearman"], 1.0)
    assert np.allclose(t["cond_swing"], t["cond_swing"].iloc[0])


def test_bad_input():
    ok = np.ones((20, 2))
    with pytest.raises(MonteCarloValueError, match="'low' and 'high'"):
        tornado(ok, low=0.9, high=0.1)
    with pytest.raises(MonteCarloValueError, match="'labels'.*one label per month \\(2\\)"):
        tornado(ok, labels=["x"])
    with pytest.raises(MonteCarloValueError, match="'paths'.*at least 10"):
        tornado(np.ones((5, 2)))
