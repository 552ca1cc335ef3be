"""TruncatedNormal against R truncnorm fixtures and independent tail formulas."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special, stats

from montecarlo import FitError, MonteCarloTypeError, MonteCarloValueError, TruncatedNormal
from montecarlo.truncnorm import fit_truncated_normal

RAW = json.loads((Path(__file__).parent / "fixtures" / "r_truncnorm.json").read_text())["cases"]


def _num(v: float | str) -> float:
    return float(str(v).replace("Inf", "inf"))


CASES = [{k: (_num(v) if k in "ab" else v) for k, v in c.items()} for c in RAW]


def _upper_tail_sf(x: np.ndarray, a: float, b: float) -> np.ndarray:
    """Independent reference: P(X > x) for a standard normal truncated to [a, b], 0 < a.

    With r(t) = Q(t) / Q(a) = erfcx(t / sqrt 2) / erfcx(a / sqrt 2) * exp((a^2 - t^2) / 2),
    P(X > x) = (r(x) - r(b)) / (1 - r(b)), free of underflow and cancellation.
    """

    def r(t: np.ndarray | float) -> np.ndarray:
        ratio = special.erfcx(t / np.sqrt(2)) / special.erfcx(a / np.sqrt(2))
        return ratio * np.exp((a - t) * (a + t) / 2)

    rb = r(b) if np.isfinite(b) else 0.0
    return (r(np.asarray(x, dtype=float)) - rb) / (1 - rb)


def _r_is_accurate(c: dict) -> bool:
    # R's ptruncnorm subtracts CDF values near 1 for intervals far in the upper tail; there it
    # loses ~7 digits, so those cases are checked against the erfcx formula instead.
    return (c["b"] - c["mean"]) / c["sd"] < 5 or (c["a"] - c["mean"]) / c["sd"] < 5


@pytest.mark.parametrize("c", CASES, ids=lambda c: f"[{c['a']},{c['b']}]")
def test_matches_r_truncnorm(c: dict) -> None:
    tn = TruncatedNormal(c["mean"], c["sd"], c["a"], c["b"])
    rtol = 1e-10 if _r_is_accurate(c) else 1e-6
    np.testing.assert_allclose(tn.cdf(c["x"]), c["p"], rtol=rtol, atol=1e-13)
    np.testing.assert_allclose(tn.pdf(c["x"]), c["d"], rtol=rtol)
    np.testing.assert_allclose(tn.ppf(c["u"]), c["q"], rtol=rtol)
    assert tn.mean() == pytest.approx(c["e"], rel=1e-10)
    assert tn.var() == pytest.approx(c["v"], rel=1e-9 if _r_is_accurate(c) else 1e-3)


@pytest.mark.parametrize(("a", "b"), [(6.0, 7.0), (8.5, 9.0), (12.0, np.inf), (40.0, 41.0)])
def test_upper_tail_is_exact(a: float, b: float) -> None:
    tn = TruncatedNormal(0.0, 1.0, a, b)
    hi = b if np.isfinite(b) else a + 3
    x = np.linspace(a, hi, 11)
    np.testing.assert_allclose(tn.sf(x), _upper_tail_sf(x, a, b), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(tn.cdf(x), 1 - _upper_tail_sf(x, a, b), rtol=1e-12)
    for u in (2.0**-40, 0.3, 0.5, 0.9, 1 - 2.0**-30):
        ref = optimize.brentq(lambda t, v=1 - u: _upper_tail_sf(t, a, b) - v, a, hi, xtol=1e-15)
        assert float(tn.ppf(u)) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize("a", [3.0, 9.0, 40.0])
def test_lower_tail_mirrors_upper_tail(a: float) -> None:
    up = TruncatedNormal(2.0, 3.0, 2.0 + 3.0 * a, np.inf)
    low = TruncatedNormal(2.0, 3.0, -np.inf, 2.0 - 3.0 * a)
    u = np.array([2.0**-40, 0.25, 0.5, 0.75, 1 - 2.0**-30])  # 1 - u exact in binary
    np.testing.assert_allclose(low.ppf(u) - 2.0, -(up.ppf(1 - u) - 2.0), rtol=1e-12)
    assert low.mean() - 2.0 == pytest.approx(-(up.mean() - 2.0), rel=1e-12)
    assert low.var() == pytest.approx(up.var(), rel=1e-9)


def test_far_tail_moments() -> None:
    # For a standard normal truncated to [a, inf), E = phi(a)/Q(a) (inverse Mills ratio).
    a = 40.0
    tn = TruncatedNormal(0.0, 1.0, a)
    mills = np.sqrt(2 / np.pi) / special.erfcx(a / np.sqrt(2))
    assert tn.mean() == pytest.approx(mills, rel=1e-12)
    assert tn.var() == pytest.approx(1 + a * mills - mills**2, rel=1e-6)


@pytest.mark.parametrize(("lower", "upper"), [(6.0, 15.0), (12.0, 12.5), (-np.inf, 4.0)])
def test_rvs_follow_the_distribution(lower: float, upper: float) -> None:
    tn = TruncatedNormal(10.0, 2.0, lower, upper)
    x = tn.rvs(20_000, rng=np.random.default_rng(11))
    assert x.min() >= lower and x.max() <= upper
    assert stats.kstest(x, tn.cdf).pvalue > 1e-3
    assert x.mean() == pytest.approx(tn.mean(), abs=4 * tn.std() / np.sqrt(x.size))


def test_rvs_is_reproducible_and_shaped_like_scipy() -> None:
    tn = TruncatedNormal(10.0, 2.0, 8.0, 15.0)
    a = tn.rvs((50, 3), random_state=np.random.default_rng(5))
    b = tn.rvs(size=(50, 3), rng=5)
    assert a.shape == (50, 3)
    np.testing.assert_array_equal(a, b)
    ref = stats.truncnorm(-1.0, 2.5, loc=10.0, scale=2.0)
    u = np.linspace(0.001, 0.999, 25)
    np.testing.assert_allclose(tn.ppf(u), ref.ppf(u), rtol=1e-12)
    assert tn.median() == pytest.approx(ref.median())
    assert tn.support() == (8.0, 15.0)
    assert tn.logpdf(7.9) == -np.inf and tn.pdf(16.0) == 0.0
    assert np.isnan(tn.ppf(1.5))


@pytest.mark.parametrize(
    ("args", "kind", "pattern"),
    [
        ((0.0, 0.0), MonteCarloValueError, r"'sd'.*> 0"),
        ((0.0, -1.0), MonteCarloValueError, r"'sd'"),
        ((np.nan, 1.0), MonteCarloValueError, r"'mean'.*finite"),
        (("a", 1.0), MonteCarloTypeError, r"'mean'"),
        ((0.0, 1.0, 2.0, 1.0), MonteCarloValueError, r"'lower'.*below 'upper'"),
        ((0.0, 1.0, np.nan), MonteCarloValueError, r"'lower'.*nan"),
    ],
)
def test_bad_parameters_are_named(args: tuple, kind: type, pattern: str) -> None:
    with pytest.raises(kind, match=pattern):
        TruncatedNormal(*args)


@settings(max_examples=60, deadline=None)
@given(
    mean=st.floats(-1e3, 1e3),
    sd=st.floats(1e-3, 1e3),
    lo=st.floats(-60, 60),
    width=st.floats(1e-3, 50),
    u=st.lists(st.floats(0, 1), min_size=1, max_size=20),
)
def test_random_parameters_give_ordered_quantiles_inside_the_bounds(
    mean: float, sd: float, lo: float, width: float, u: list[float]
) -> None:
    lower, upper = mean + lo * sd, mean + (lo + width) * sd
    tn = TruncatedNormal(mean, sd, lower, upper)
    uu = np.sort(np.asarray(u))
    q = tn.ppf(uu)
    assert np.all(np.isfinite(q))
    assert np.all(q >= lower) and np.all(q <= upper)
    assert np.all(np.diff(q) >= 0)
    c = tn.cdf(q)
    assert np.all((c >= 0) & (c <= 1))


def test_fit_matches_sample_moments() -> None:
    # Fixed bounds make the truncated normal an exponential family: the MLE equates the
    # truncated mean and variance with the sample's.
    x = TruncatedNormal(10.0, 2.0, 8.0, 15.0).rvs(3000, rng=1)
    f = fit_truncated_normal(x, lower=8.0, upper=15.0)
    assert (f.lower, f.upper) == (8.0, 15.0)
    assert f.mean() == pytest.approx(x.mean(), rel=1e-6)
    assert f.var() == pytest.approx(x.var(), rel=1e-5)
    assert f.mean_ == pytest.approx(10.0, abs=0.3) and f.sd_ == pytest.approx(2.0, abs=0.3)
    g = fit_truncated_normal(x)
    assert g.mean_ == pytest.approx(x.mean()) and g.sd_ == pytest.approx(x.std())


def test_fit_refuses_bad_bounds_and_flat_data() -> None:
    x = np.linspace(1.0, 2.0, 50)
    with pytest.raises(MonteCarloValueError, match=r"'lower' parameter of fit_truncated_normal"):
        fit_truncated_normal(x, lower=1.5)
    with pytest.raises(MonteCarloValueError, match=r"'upper'"):
        fit_truncated_normal(x, upper=1.9)
    with pytest.raises(FitError, match="no finite maximum"):
        fit_truncated_normal(x, lower=1.0, upper=2.0)
    with pytest.raises(FitError, match="all values equal to 3.2"):
        fit_truncated_normal([3.2] * 5, lower=0.0)
