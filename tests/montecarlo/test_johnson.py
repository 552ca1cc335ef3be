"""fit_johnson against R SuppDists::JohnsonFit(x, moment = "quant") fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from montecarlo import FitError, MonteCarloValueError, fit_johnson
from montecarlo._fit_reflect import Reflected

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "r_fits.json").read_text())["datasets"]
NAMES = sorted(FIXTURES)


def _x(name: str) -> np.ndarray:
    return np.asarray(FIXTURES[name]["x"], dtype=float)


def test_fixtures_cover_all_four_types() -> None:
    assert {FIXTURES[n]["johnson"]["type"] for n in NAMES} == {"SN", "SL", "SU", "SB"}
    assert FIXTURES["johnson_sl_reflected"]["johnson"]["lambda"] < 0


@pytest.mark.parametrize("name", NAMES)
def test_quantile_fit_reproduces_suppdists(name: str) -> None:
    ref = FIXTURES[name]["johnson"]
    j = fit_johnson(_x(name), guard="ignore")
    assert j.type == ref["type"]
    for ours, theirs in ((j.gamma, ref["gamma"]), (j.delta, ref["delta"]), (j.xi, ref["xi"])):
        assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-12)
    assert j.lambda_ == pytest.approx(ref["lambda"], rel=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_frozen_quantiles_equal_qjohnson(name: str) -> None:
    ref = FIXTURES[name]["johnson"]
    j = fit_johnson(_x(name), guard="ignore")
    u = np.array([0.01, 0.25, 0.5, 0.75, 0.99])
    np.testing.assert_allclose(j.frozen.ppf(u), ref["qjohnson"], rtol=1e-9)
    np.testing.assert_allclose(j.frozen.cdf(j.frozen.ppf(u)), u, rtol=1e-9)


def test_reflected_sl_is_bounded_above() -> None:
    j = fit_johnson(_x("johnson_sl_reflected"))
    assert j.type == "SL"
    assert isinstance(j.frozen, Reflected)
    assert j.support == (-np.inf, pytest.approx(j.xi))
    draws = j.frozen.rvs(size=2000, random_state=np.random.default_rng(3))
    assert draws.max() < j.xi
    # X = xi - Y with Y log-normal: mean below xi by E[Y]
    y = j.xi - draws
    assert (
        stats.kstest(y, stats.lognorm(*j.frozen.base.args, **j.frozen.base.kwds).cdf).pvalue > 1e-3
    )


def test_classic_series_sb_fit_is_refused_by_default() -> None:
    x = _x("classic")
    with pytest.raises(FitError, match=r"SB.*excludes \d+ of the 189.*Fallback.*'norm'.*guard"):
        fit_johnson(x)
    with pytest.warns(UserWarning, match="excludes"):
        j = fit_johnson(x, guard="warn")
    assert j.flags == ("support-excludes-data",)
    assert j.fallback == "norm"
    lo, hi = j.support
    assert ((x < lo) | (x > hi)).any()
    assert j.loglik == -np.inf
    assert fit_johnson(x, guard="ignore").flags == ("support-excludes-data",)


@pytest.mark.parametrize("name", ["classic", "johnson_su", "johnson_sb", "johnson_sl"])
def test_mle_keeps_type_and_beats_quantile_likelihood(name: str) -> None:
    x = _x(name)
    q = fit_johnson(x, guard="ignore")
    m = fit_johnson(x, method="mle")
    assert m.type == q.type
    assert m.flags == ()
    assert np.isfinite(m.loglik)
    assert m.loglik >= q.loglik
    lo, hi = m.support
    assert lo <= x.min() and x.max() <= hi


def test_sn_mle_is_the_normal_mle() -> None:
    x = _x("johnson_sn")
    m = fit_johnson(x, method="mle")
    assert m.type == "SN"
    assert m.frozen.mean() == pytest.approx(x.mean())
    assert m.frozen.std() == pytest.approx(x.std(ddof=0))


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"method": "moments"}, r"'method'.*'quantile' or 'mle'"),
        ({"guard": "strict"}, r"'guard'.*'refuse', 'warn' or 'ignore'"),
    ],
)
def test_bad_options_are_named(kwargs: dict, pattern: str) -> None:
    with pytest.raises(MonteCarloValueError, match=pattern):
        fit_johnson(_x("johnson_su"), **kwargs)


def test_bad_samples_are_named() -> None:
    with pytest.raises(MonteCarloValueError, match=r"'x'.*at least 5"):
        fit_johnson([1.0, 2.0, 3.0])
    with pytest.raises(FitError, match=r"all values equal to 3.2"):
        fit_johnson([3.2] * 8)
    with pytest.raises(MonteCarloValueError, match=r"'x'.*finite"):
        fit_johnson([1.0, 2.0, np.nan, 4.0, 5.0, 6.0])


@pytest.mark.parametrize("jtype", ["SN", "SL", "SU", "SB"])
@pytest.mark.parametrize("lam", [2.5, -2.5])
@pytest.mark.parametrize("delta", [1.3, -1.3])
def test_frozen_is_the_law_of_the_johnson_transform(jtype: str, lam: float, delta: float) -> None:
    from montecarlo.johnson import johnson_frozen, johnson_logpdf

    gamma, xi = (0.0 if jtype == "SN" else 0.4), 7.0
    g = {
        "SN": lambda u: u,
        "SL": np.exp,
        "SU": np.sinh,
        "SB": lambda u: 1 / (1 + np.exp(-u)),
    }[jtype]
    u = np.array([0.02, 0.3, 0.5, 0.8, 0.97])
    increasing = (lam > 0) == (delta > 0)
    z = stats.norm.ppf(u if increasing else 1 - u)
    expected = xi + lam * g((z - gamma) / delta)
    f = johnson_frozen(jtype, gamma, delta, xi, lam)
    np.testing.assert_allclose(f.ppf(u), expected, rtol=1e-10)
    np.testing.assert_allclose(f.cdf(expected), u, rtol=1e-9)
    np.testing.assert_allclose(
        johnson_logpdf(jtype, gamma, delta, xi, lam, expected), f.logpdf(expected), rtol=1e-9
    )


def test_tied_quantiles_raise_a_fit_error_naming_the_fallback() -> None:
    x = np.array([1.0] * 10 + [2.0] * 10 + [3.0, 4.0])
    with pytest.raises(FitError, match=r"distinct sample quantiles.*'norm'"):
        fit_johnson(x)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=5, max_size=60))
def test_random_samples_fit_or_fail_cleanly(values: list[float]) -> None:
    try:
        j = fit_johnson(values, guard="ignore")
    except MonteCarloValueError:  # FitError included: ties, constant data, range errors
        return
    assert np.all(np.isfinite([j.gamma, j.delta, j.xi, j.lambda_]))
    q = j.frozen.ppf([0.1, 0.5, 0.9])
    assert np.all(np.isfinite(q)) and q[0] <= q[1] <= q[2]


def test_degenerate_quantile_ratios_raise_a_fit_error() -> None:
    # integer-valued data whose quantile ratio t equals b exactly: SuppDists divides by zero
    x = np.array([0.0] * 4 + [1.0] * 9 + [2.0] * 5 + [3.0] * 2 + [4.0] * 3 + [5.0] * 4)
    x = np.concatenate([x, [6.0, 8.0, 9.0, 10.0, 10.0, 12.0]])
    with pytest.raises(FitError, match=r"non-finite values.*'norm'"):
        fit_johnson(x)


def test_mle_that_collapses_onto_tied_values_is_refused() -> None:
    # fuzz finds (issue 14): most of this sample sits at (or within 1e-12 of) zero; the
    # likelihood grows without bound as lambda shrinks there, and the MLE stopped at
    # lambda 2e-154 with infinite quantiles, returned as a fit
    x = [1e-310, -3.0, 1e-12, 2.0, 1e-310, 1e-12, -1e-12, -3.0, 2.0, 1e-12, 0.0, -3.0, 1e-12,
         0.0, -1e-12, -5e-324, -5e-324, 1.0, 1e-12, 1e-12, -5e-324]  # fmt: skip
    with pytest.raises(FitError, match=r"SU maximum-likelihood fit .* degenerates on 'x'"):
        fit_johnson(x, "mle")
    q = fit_johnson(x).frozen.ppf([0.1, 0.5, 0.9])  # the quantile fit stays usable
    assert np.isfinite(q).all() and q[0] < q[1] < q[2]


def test_quantile_fit_failure_names_the_sample() -> None:
    # fuzz finds (issue 14): through answer_question[iid-johnson] this sample was refused
    # by "The Johnson SU quantile fit of fit_johnson failed: ..." naming no parameter
    x = [-5e-324, 0.0, 1e-12, 5e-324, -5e-324, 5e-324, 0.0, 1e-12, 0.0, 5e-324, 1e-310,
         1e-12, 2.0, 5e-324, 0.0, 5e-324, 1e-12, -0.0, 1e-310, -3.0, -5e-324, 2.0]  # fmt: skip
    with pytest.raises(FitError, match=r"SU quantile fit of 'x' in fit_johnson failed"):
        fit_johnson(x[:18])  # the months up to as_of
    with pytest.raises(FitError, match=r"SB quantile fit of 'x' in fit_johnson gave non-finite"):
        fit_johnson(x)
    with pytest.raises(FitError, match=r"quantile fit of 'x' in fit_johnson needs distinct"):
        fit_johnson(x[:9])
