"""SeasonalSimulator: exact answers on exactly seasonal series, Q4 on the classic data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from montecarlo import IIDSimulator, SeasonalSimulator, load_monthly_units, simulate_target
from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError
from montecarlo.seasonal import predictive_t, remaining_share

PATTERN = np.array([8, 8, 10, 11, 12, 13, 13, 12, 11, 10, 9, 7], dtype=float)


def seasonal_series(growth: float, years: int = 8, start: int = 2008) -> pd.Series:
    """Exactly seasonal: year y is PATTERN * growth**(y - start)."""
    vals = np.concatenate([PATTERN * growth**k for k in range(years)])
    idx = pd.period_range(f"{start}-01", periods=12 * years, freq="M")
    return pd.Series(vals, index=idx)


def test_predictive_t_matches_statsmodels_prediction_interval():
    rng = np.random.default_rng(0)
    x = np.arange(2000.0, 2012.0)
    y = 0.3 * x + rng.normal(size=x.size)
    for trend in (False, True):
        loc, scale, df = predictive_t(x, y, 2013.0, trend=trend)
        exog = sm.add_constant(x) if trend else np.ones((x.size, 1))
        new = np.array([[1.0, 2013.0]]) if trend else np.ones((1, 1))
        frame = sm.OLS(y, exog).fit().get_prediction(new).summary_frame(alpha=0.1)
        q = stats.t.ppf(0.95, df)
        assert loc - q * scale == pytest.approx(frame["obs_ci_lower"].iloc[0], rel=1e-10)
        assert loc + q * scale == pytest.approx(frame["obs_ci_upper"].iloc[0], rel=1e-10)


@pytest.mark.parametrize("method", ["share", "yoy"])
def test_exact_seasonality_gives_exact_rest_of_year(method):
    y = seasonal_series(growth=1.05)
    sim = SeasonalSimulator(method=method).fit(y)
    paths = sim.paths("2015-08", 4, 64, rng=0, sampler="sobol")
    expected = PATTERN[8:] * 1.05**7
    np.testing.assert_allclose(paths, np.tile(expected, (64, 1)), rtol=1e-9)


def test_monthly_with_trend_recovers_each_calendar_month():
    y = seasonal_series(growth=1.0)
    y = y + np.repeat(np.arange(8.0), 12) * 0.5  # +0.5 per year in every month
    p = SeasonalSimulator(method="monthly", trend=True).fit(y).paths("2015-06", 6, 32, rng=0)
    np.testing.assert_allclose(p, np.tile(PATTERN[6:] + 3.5, (32, 1)), rtol=1e-9)


def test_classic_question_reveals_the_weak_fourth_quarter():
    units = load_monthly_units()
    share = remaining_share(units, pd.Period("2015-09", freq="M"))
    assert share["months_left"] == 3 and share["n_years"] == 15
    assert share["max_share"] < share["equal_share"] == 0.25
    assert all(v < 1.0 for v in share["month_index"].values())
    sim = SeasonalSimulator().fit(units)
    p = sim.paths("2015-09", 3, 4000, rng=0)
    assert p.mean(axis=0)[0] > p.mean(axis=0)[2]  # October above December
    kw = dict(as_of="2015-09", target=186, n_paths=4096, sampler="sobol", rng=0)
    seasonal = simulate_target(SeasonalSimulator(), units, **kw)
    classic = simulate_target(IIDSimulator(), units, **kw)
    assert seasonal.probability < classic.probability - 0.2
    assert seasonal.quantiles[0.5] < classic.quantiles[0.5]


def test_paths_use_only_data_up_to_as_of():
    units = load_monthly_units()
    for method in ("share", "yoy", "monthly"):
        a = SeasonalSimulator(method=method).fit(units).paths("2011-05", 7, 256, rng=1)
        b = SeasonalSimulator(method=method).fit(units[:"2011-05"]).paths("2011-05", 7, 256, rng=1)
        np.testing.assert_array_equal(a, b)


def test_describe_lists_past_blocks():
    units = load_monthly_units()
    d = SeasonalSimulator().fit(units).describe("2015-09", 3)
    assert list(d.columns) == ["m10", "m11", "m12", "ytd", "rest_share"]
    assert d.loc[2014, "m12"] == pytest.approx(units["2014-12"])
    assert d.loc[2014, "ytd"] == pytest.approx(units["2014-01":"2014-09"].sum())


def test_bad_input():
    units = load_monthly_units()
    with pytest.raises(MonteCarloValueError, match="'method'.*'yoy'"):
        SeasonalSimulator(method="fourier").fit(units)
    with pytest.raises(MonteCarloTypeError, match="'trend'"):
        SeasonalSimulator(trend="yes").fit(units)
    with pytest.raises(MonteCarloValueError, match="at least 24 months"):
        SeasonalSimulator().fit(units[:20])
    with pytest.raises(MonteCarloValueError, match="needs at least 3 past years.*Got 2"):
        SeasonalSimulator(method="share").fit(units).paths("2002-03", 3, 10)
    with pytest.raises(MonteCarloValueError, match="'horizon'.*<= 12"):
        SeasonalSimulator(method="yoy").fit(units).paths("2012-03", 13, 10)


def _nearly_zero_quarter(year_index: int) -> pd.Series:
    v = np.ones(51) + 0.1 * np.arange(51) % 1
    v[12 * year_index : 12 * year_index + 3] = 5e-324  # that year's January-March
    return pd.Series(v, index=pd.period_range("2001-01", periods=51, freq="M"))


def test_share_leaves_out_a_past_year_whose_ratio_overflows() -> None:
    # fuzz finds (issue 14): rest / year-to-date = 9 / 1.5e-323 overflowed to inf and the
    # share method drew non-finite paths
    hist = _nearly_zero_quarter(1)
    paths = SeasonalSimulator(method="share").fit(hist).paths("2005-03", 9, 200, rng=0)
    assert np.isfinite(paths).all()


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning", "ignore:invalid:RuntimeWarning")
def test_paths_that_overflow_are_refused_naming_the_history() -> None:
    # fuzz finds (issue 14): last year's year to date is a denormal, so the yoy growth is
    # inf; the engine's refusal named no parameter
    hist = _nearly_zero_quarter(3)
    with pytest.raises(MonteCarloValueError, match=r"overflow on this 'history'.*rescale"):
        simulate_target(
            SeasonalSimulator(method="yoy"), hist, as_of="2005-03", target=10.0, n_paths=100,
            rng=0,
        )  # fmt: skip
