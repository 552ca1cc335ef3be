"""The target-probability engine: exact small cases, honest standard errors, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats
from statsmodels.stats.proportion import proportion_confint

from montecarlo import (
    IIDSimulator,
    MonthlySimulator,
    Simulator,
    load_monthly_units,
    probability_curve,
    simulate_target,
    target_probability,
)
from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError


class NormalMonths(MonthlySimulator):
    """Every future month N(0, 1) through the inverse CDF: P(sum of 3 >= c) is exact."""

    min_months = 1

    def _prepare(self, history):
        return None

    def _draw(self, state, as_of, horizon, n, rng, sampler):
        return special.ndtri(sampler.uniforms(n, horizon, rng))


class NoSamplerSim(Simulator):
    """A forecaster-like simulator that draws its own paths (plain sampler only)."""

    samplers = ("plain",)

    def fit(self, history):
        self.history_ = history
        self.level_ = float(history.iloc[-12:].mean())
        return self

    def paths(self, as_of, horizon, n, rng=None, *, sampler="plain"):
        self.check_sampler(sampler, func="NoSamplerSim.paths")
        return np.random.default_rng(rng).normal(self.level_, 1.0, size=(n, horizon))


def flat_history(start="2014-01", end="2015-12") -> pd.Series:
    idx = pd.period_range(start, end, freq="M")
    return pd.Series(np.zeros(len(idx)), index=idx)


def test_small_exact_case():
    paths = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [0.0, 0.0]]
    r = target_probability(paths, actual_to_date=10.0, target=15.0, method="m")
    totals = np.array([13.0, 17.0, 21.0, 10.0])
    assert r.probability == 0.5
    assert r.gap == 5.0
    assert r.n_paths == 4 and r.horizon == 2
    assert r.mean_total == pytest.approx(totals.mean())
    assert r.expected_shortfall == pytest.approx(((15 - 13) + (15 - 10)) / 2)
    assert r.quantiles[0.5] == pytest.approx(np.quantile(totals, 0.5))
    assert r.std_error == pytest.approx(totals.__ge__(15).std(ddof=1) / 2)
    lo, hi = proportion_confint(2, 4, alpha=0.05, method="wilson")
    assert r.ci == pytest.approx((lo, hi))
    assert "P(total >= 15)" in str(r)
    assert r.to_dict()["quantiles"]["0.5"] == pytest.approx(15.0)


def test_certain_outcomes_are_never_nan():
    r = target_probability(np.ones((50, 3)), 0.0, 100.0)
    assert r.probability == 0.0 and r.std_error == 0.0
    assert r.ci[0] == 0.0 and 0.0 < r.ci[1] < 0.1  # Wilson upper bound, not [0, 0]
    assert r.expected_shortfall == pytest.approx(97.0)
    r = target_probability(np.ones((50, 3)), 0.0, 1.0)
    assert r.probability == 1.0 and r.expected_shortfall == 0.0
    assert all(np.isfinite(v) for v in [*r.ci, r.std_error, *r.quantiles.values()])


def test_probability_curve_matches_direct_counts():
    rng = np.random.default_rng(0)
    paths = rng.normal(size=(5000, 3))
    curve = probability_curve(paths, 1.0, [0.0, 1.0, 2.0, 3.0])
    totals = 1.0 + paths.sum(axis=1)
    for t, p in zip(curve["target"], curve["probability"], strict=True):
        assert p == pytest.approx(np.mean(totals >= t))
    auto = probability_curve(paths, 1.0)
    assert (np.diff(auto["probability"]) <= 0).all() and len(auto) == 41


@pytest.mark.parametrize("sampler", ["plain", "antithetic", "sobol"])
def test_standard_error_is_honest(sampler):
    # Exact: P(Z1 + Z2 + Z3 >= 1) = 1 - Phi(1 / sqrt(3)); hist is flat zeros so ytd = 0.
    exact = stats.norm.sf(1 / np.sqrt(3))
    est, ses = [], []
    for seed in range(40):
        r = simulate_target(
            NormalMonths(), flat_history(), as_of="2015-09", target=1.0, n_paths=1024,
            sampler=sampler, rng=seed,
        )  # fmt: skip
        est.append(r.probability)
        ses.append(r.std_error)
    spread, claimed = np.std(est, ddof=1), np.mean(ses)
    assert 0.6 < spread / claimed < 1.6
    assert abs(np.mean(est) - exact) < 4 * spread / np.sqrt(40)


def test_sobol_beats_plain_for_the_same_paths():
    kw = dict(as_of="2015-09", target=1.0, n_paths=2**14, rng=0)
    plain = simulate_target(NormalMonths(), flat_history(), sampler="plain", **kw)
    sobol = simulate_target(NormalMonths(), flat_history(), sampler="sobol", **kw)
    assert sobol.std_error < plain.std_error / 2


def test_until_se_grows_paths_until_tolerance():
    r = simulate_target(
        NormalMonths(), flat_history(), as_of="2015-09", target=1.0, n_paths=1000,
        until_se=0.004, rng=0,
    )  # fmt: skip
    assert r.std_error <= 0.004 and r.extra["converged"] and r.n_paths > 1000
    capped = simulate_target(
        NormalMonths(), flat_history(), as_of="2015-09", target=1.0, n_paths=1000,
        until_se=1e-5, max_paths=5000, rng=0,
    )  # fmt: skip
    assert capped.n_paths == 5000 and not capped.extra["converged"]


def test_sobol_result_does_not_depend_on_chunking():
    units = load_monthly_units()
    kw = dict(as_of="2015-09", target=186, n_paths=2**14, sampler="sobol", rng=3)
    a = simulate_target(IIDSimulator(), units, chunk_size=2**10, **kw)
    b = simulate_target(IIDSimulator(), units, chunk_size=2**20, **kw)
    assert a.probability == b.probability and a.std_error == b.std_error


def test_progress_counts_every_path():
    seen = []
    units = load_monthly_units()
    r = simulate_target(
        NoSamplerSim(), units, as_of="2015-09", target=186, n_paths=2500,
        chunk_size=1000, rng=0, progress=seen.append,
    )  # fmt: skip
    assert sum(seen) == 2500 and r.n_paths == 2500 and r.sampler == "plain"
    assert r.actual_to_date == pytest.approx(141.7054)
    assert r.horizon == 3


def test_a_sampler_the_simulator_cannot_use_is_refused_before_fitting():
    sim = NoSamplerSim()
    with pytest.raises(MonteCarloValueError, match=r"'sampler'.*\['plain'\].*'sobol'"):
        simulate_target(
            sim, load_monthly_units(), as_of="2015-09", target=186, sampler="sobol", rng=0
        )
    assert not sim.is_fitted


def test_an_object_outside_the_contract_is_a_type_error():
    class Duck:
        def fit(self, history):
            return self

        def paths(self, as_of, horizon, n, rng=None, *, sampler="plain"):
            return np.zeros((n, horizon))

    with pytest.raises(MonteCarloTypeError, match="'simulator'.*montecarlo.Simulator.*Duck"):
        simulate_target(Duck(), load_monthly_units(), as_of="2015-09", target=186)


def test_the_simulator_is_fitted_on_the_months_up_to_as_of_only():
    units = load_monthly_units()
    sim = NoSamplerSim()
    simulate_target(sim, units, as_of="2015-09", target=186, n_paths=100, rng=0)
    # Oct-Dec 2015 are in the history but were not known at the end of September
    assert sim.level_ == pytest.approx(float(units.loc["2014-10":"2015-09"].mean()), rel=1e-15)


def test_bad_input_names_the_parameter():
    ok = np.zeros((4, 3))
    with pytest.raises(MonteCarloValueError, match="'target'.*finite.*nan"):
        target_probability(ok, 0.0, float("nan"))
    with pytest.raises(MonteCarloTypeError, match="'actual_to_date'"):
        target_probability(ok, "a lot", 1.0)
    with pytest.raises(MonteCarloValueError, match=r"'paths'.*\(n_paths, n_months\).*\(2, 2, 2\)"):
        target_probability(np.zeros((2, 2, 2)), 0.0, 1.0)
    with pytest.raises(MonteCarloValueError, match="'paths'.*n_paths >= 1"):
        target_probability(np.zeros((0, 3)), 0.0, 1.0)
    with pytest.raises(MonteCarloValueError, match="'paths'.*finite"):
        target_probability([[1.0, np.inf]], 0.0, 1.0)
    with pytest.raises(MonteCarloValueError, match="'groups'"):
        target_probability(ok, 0.0, 1.0, groups=[0, 1])
    with pytest.raises(MonteCarloValueError, match="'targets'"):
        probability_curve(ok, 0.0, [np.nan])
    units = load_monthly_units()
    sim = IIDSimulator()
    with pytest.raises(MonteCarloValueError, match="'n_paths'.*>= 1.*Got 0"):
        simulate_target(sim, units, as_of="2015-09", target=186, n_paths=0)
    with pytest.raises(MonteCarloValueError, match="'target'"):
        simulate_target(sim, units, as_of="2015-09", target=float("inf"))
    with pytest.raises(MonteCarloValueError, match="'as_of'.*2000-01 to 2015-12.*2017-03"):
        simulate_target(sim, units, as_of="2017-03", target=186)
    with pytest.raises(MonteCarloValueError, match="'as_of'.*December"):
        simulate_target(sim, units, as_of="2015-12", target=186)
    with pytest.raises(MonteCarloValueError, match="'history'.*whole year to date"):
        simulate_target(sim, units["2004-03":], as_of="2004-09", target=186)
    with pytest.raises(MonteCarloValueError, match="'until_se'"):
        simulate_target(sim, units, as_of="2015-09", target=186, until_se=-1.0)
    with pytest.raises(MonteCarloValueError, match="'sampler'"):
        simulate_target(sim, units, as_of="2015-09", target=186, sampler="latin")


def test_threads_and_float32_give_the_same_answer():
    units = load_monthly_units()
    kw = dict(as_of="2015-09", target=186, n_paths=40_000, chunk_size=10_000, rng=5)
    one = simulate_target(IIDSimulator(), units, n_jobs=1, **kw)
    two = simulate_target(IIDSimulator(), units, n_jobs=2, **kw)
    assert one == two  # every chunk has its own child generator
    f32 = simulate_target(IIDSimulator(dtype="float32"), units, **kw)
    assert abs(f32.probability - one.probability) < 5 * one.std_error
    p = IIDSimulator(dtype="float32").fit(units).paths("2015-09", 3, 1000, rng=0)
    assert p.dtype == np.float32 and p.min() >= units[:"2015-09"].min() - 1e-5


def test_reported_quantiles_equal_numpy_quantiles():
    rng = np.random.default_rng(9)
    paths = rng.gamma(3.0, size=(10_001, 2))
    r = target_probability(paths, 5.0, 12.0)
    totals = 5.0 + paths.sum(axis=1)
    expected = np.quantile(totals, list(r.quantiles))
    np.testing.assert_allclose(list(r.quantiles.values()), expected, rtol=0, atol=1e-12)
