"""IIDSimulator: the classic method against independent numerical references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from montecarlo import IIDSimulator, NotFittedError, load_monthly_units, simulate_target
from montecarlo.errors import MonteCarloError, MonteCarloValueError
from montecarlo.johnson import fit_johnson

GAP = 186.0 - 141.7054  # what Oct-Dec 2015 must bring


def tail_of_sum(pdf, lo: float, hi: float, gap: float, k: int = 3, m: int = 6000) -> float:
    """P(X1 + ... + Xk >= gap) for iid X with density ``pdf`` on [lo, hi], by convolution."""
    h = (hi - lo) / m
    x = lo + (np.arange(m) + 0.5) * h
    f = pdf(x) * h
    f /= f.sum()
    g = f
    for _ in range(k - 1):
        g = np.convolve(g, f)
    sums = k * lo + (np.arange(g.size) + k * 0.5) * h
    return float(g[sums >= gap].sum())


@pytest.fixture(scope="module")
def units() -> pd.Series:
    return load_monthly_units()


def test_classic_truncated_normal_is_about_27_percent(units):
    x = units[:"2015-09"].to_numpy()
    a, b = (x.min() - x.mean()) / x.std(), (x.max() - x.mean()) / x.std()
    ref = tail_of_sum(stats.truncnorm(a, b, loc=x.mean(), scale=x.std()).pdf, x.min(), x.max(), GAP)
    r = simulate_target(
        IIDSimulator(dist="norm", truncate="observed"), units, as_of="2015-09",
        target=186, n_paths=2**15, sampler="sobol", rng=1,
    )  # fmt: skip
    assert 0.26 < ref < 0.28
    assert abs(r.probability - ref) < 4 * r.std_error + 2e-4


def test_classic_johnson_is_about_33_percent(units):
    x = units[:"2015-09"].to_numpy()
    jf = fit_johnson(x, guard="ignore")
    assert jf.type == "SB"
    sb = stats.johnsonsb(jf.gamma, jf.delta, loc=jf.xi, scale=jf.lambda_)
    ref = tail_of_sum(sb.pdf, jf.xi, jf.xi + jf.lambda_, GAP)
    r = simulate_target(
        IIDSimulator(dist="johnson", truncate=None, guard="ignore"), units, as_of="2015-09",
        target=186, n_paths=2**15, sampler="sobol", rng=2,
    )  # fmt: skip
    assert 0.31 < ref < 0.35
    assert abs(r.probability - ref) < 4 * r.std_error + 2e-4


def test_johnson_guard_refuses_by_default(units):
    sim = IIDSimulator(dist="johnson", truncate=None).fit(units)
    with pytest.raises(MonteCarloValueError, match="support"):
        sim.paths("2015-09", 3, 10, rng=0)


def test_truncation_keeps_draws_inside_observed_range(units):
    sim = IIDSimulator(dist="norm", truncate="observed").fit(units)
    p = sim.paths("2010-06", 6, 20000, rng=0)
    x = units[:"2010-06"]
    assert p.shape == (20000, 6)
    assert p.min() >= x.min() and p.max() <= x.max()


def test_paths_use_only_data_up_to_as_of(units):
    a = IIDSimulator().fit(units).paths("2012-09", 3, 500, rng=4, sampler="antithetic")
    b = IIDSimulator().fit(units[:"2012-09"]).paths("2012-09", 3, 500, rng=4, sampler="antithetic")
    np.testing.assert_array_equal(a, b)
    c = IIDSimulator().fit(units).paths("2013-09", 3, 500, rng=4, sampler="antithetic")
    assert not np.allclose(a, c)


def test_parameter_uncertainty_widens_the_spread(units):
    short = units[-40:]
    kw = dict(dist="norm", truncate=None, window=18)
    plain = IIDSimulator(**kw).fit(short).paths("2015-09", 3, 40000, rng=0)
    wide = (
        IIDSimulator(**kw, param_uncertainty=True, n_param_draws=400)
        .fit(short)
        .paths("2015-09", 3, 40000, rng=0)
    )
    s0, s1 = plain.sum(axis=1).std(), wide.sum(axis=1).std()
    # predictive sd of a sum of 3 with estimated mean: sigma*sqrt(3 + 9/n) > sigma*sqrt(3)
    assert s1 > s0 * 1.02
    assert abs(wide.mean() - plain.mean()) < 0.2


@pytest.mark.parametrize("dist", ["lognorm", "gamma", "weibull", "logistic"])
def test_other_families_give_finite_paths(units, dist):
    p = IIDSimulator(dist=dist).fit(units).paths("2015-09", 3, 256, rng=0, sampler="sobol")
    assert np.isfinite(p).all() and p.min() >= units.min() - 1e-9


def test_bad_input_names_the_parameter(units):
    sim = IIDSimulator().fit(units)
    with pytest.raises(MonteCarloValueError, match="'as_of'.*2000-01 to 2015-12.*2016-01"):
        sim.paths("2016-01", 3, 10)
    with pytest.raises(MonteCarloValueError, match="'as_of'"):
        sim.paths("not a month", 3, 10)
    with pytest.raises(MonteCarloValueError, match="'horizon'"):
        sim.paths("2015-09", 0, 10)
    with pytest.raises(MonteCarloValueError, match="'n'.*>= 1.*Got 0"):
        sim.paths("2015-09", 3, 0)
    with pytest.raises(MonteCarloValueError, match="at least 12 months.*Got 5"):
        sim.paths("2000-05", 3, 10)
    with pytest.raises(MonteCarloValueError, match="'truncate'"):
        IIDSimulator(truncate="sometimes").fit(units)
    with pytest.raises(NotFittedError, match="not fitted"):
        IIDSimulator().paths("2015-09", 3, 10)
    with pytest.raises(MonteCarloValueError, match="at least 12 months"):
        IIDSimulator().fit(units[:6])
    const = pd.Series(5.0, index=pd.period_range("2010-01", periods=24, freq="M"))
    with pytest.raises(MonteCarloError, match="constant"):
        IIDSimulator().fit(const).paths("2011-06", 3, 10)
    with pytest.raises(MonteCarloError, match="positive"):
        IIDSimulator(dist="lognorm", truncate=None).fit(units - 12).paths("2015-09", 3, 10)


@pytest.mark.parametrize(
    ("mutate", "pattern"),
    [
        (lambda s: s.where(s.index != s.index[5], np.nan), r"'history'.*finite.*nan"),
        (lambda s: s.where(s.index != s.index[7], np.inf), r"'history'.*finite.*inf"),
        (lambda s: s.astype(object).where(s.index != s.index[3], "n/a"), r"'history'.*numbers"),
        (lambda s: s.iloc[[*range(10), 9, *range(10, 30)]], r"'history'.*duplicate"),
        (lambda s: s.drop(s.index[12]), r"'history'.*gap of 1 missing month"),
        (lambda s: s.iloc[::-1], r"'history'.*sorted"),
        (lambda s: s.iloc[:0], r"'history'.*at least 12 months.*Got 0"),
    ],
)
def test_bad_history_names_the_parameter(units, mutate, pattern):
    with pytest.raises((MonteCarloValueError, TypeError), match=pattern):
        IIDSimulator().fit(mutate(units[:30]))


def test_correlated_months_keep_marginals_and_widen_the_total(units):
    kw = dict(as_of="2015-09", target=186, n_paths=20000, rng=0)
    indep = IIDSimulator().fit(units).paths("2015-09", 3, 20000, rng=1)
    corr = IIDSimulator(corr=0.6).fit(units).paths("2015-09", 3, 20000, rng=1)
    rho = stats.spearmanr(corr).statistic
    expected = 6 / np.pi * np.arcsin(0.3)  # Spearman of normal scores with r = 0.6
    np.testing.assert_allclose(rho[np.triu_indices(3, 1)], expected, atol=0.03)
    assert stats.ks_2samp(indep[:, 0], corr[:, 0]).pvalue > 0.01
    assert corr.sum(axis=1).std() > 1.3 * indep.sum(axis=1).std()
    p0 = simulate_target(IIDSimulator(), units, **kw).probability
    p1 = simulate_target(IIDSimulator(corr=0.6), units, **kw).probability
    assert p1 > p0 + 0.05  # a wider total puts more mass above a target above the median
    with pytest.raises(MonteCarloValueError, match="'corr'.*shape \\(3, 3\\)"):
        IIDSimulator(corr=np.eye(2)).fit(units).paths("2015-09", 3, 100)


def test_history_beyond_the_computable_range_is_refused_by_name() -> None:
    # fuzz finds (issue 14): 1e300 months gave "did not converge" (iid-normal), an
    # infinite mean total (iid-johnson) and non-finite paths (seasonal-monthly)
    idx = pd.period_range("2001-01", periods=30, freq="M")
    hist = pd.Series(1e300 * (1 + 0.1 * np.sin(np.arange(30))), index=idx)
    with pytest.raises(MonteCarloValueError, match=r"'history' parameter of .*too large"):
        simulate_target(IIDSimulator(), hist, as_of="2003-03", target=1.0, n_paths=100, rng=0)
