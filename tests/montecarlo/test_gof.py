"""gofstat and compare_fits against fitdistrplus::gofstat fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from montecarlo import FitError, MonteCarloValueError, compare_fits, fit_distribution, gofstat
from montecarlo.fit import DISTRIBUTIONS, PARAM_NAMES, frozen_for
from montecarlo.gof import gof_statistics

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "r_fits.json").read_text())["datasets"]
CASES = [(n, d) for n, ds in FIXTURES.items() for d, ref in ds["fits"].items() if ref is not None]


def _x(name: str) -> np.ndarray:
    return np.asarray(FIXTURES[name]["x"], dtype=float)


@pytest.mark.parametrize(("name", "dist"), CASES)
def test_gofstat_definitions_equal_fitdistrplus(name: str, dist: str) -> None:
    # Evaluated at R's own estimates, the statistics must agree to rounding.
    ref = FIXTURES[name]["fits"][dist]
    theta = [ref["estimate"][p] for p in PARAM_NAMES[dist]]
    g = gofstat(_x(name), frozen_for(dist, theta), k=len(theta), loglik=ref["loglik"])
    for key in ("ks", "cvm", "ad", "aic", "bic"):
        assert g[key] == pytest.approx(ref[key], rel=1e-9), key


def test_gofstat_agrees_with_scipy_ks_and_cvm() -> None:
    x = _x("johnson_sn")
    f = stats.norm(20, 3)
    g = gofstat(x, f, k=2)
    assert g["ks"] == pytest.approx(stats.kstest(x, f.cdf).statistic, rel=1e-12)
    assert g["cvm"] == pytest.approx(stats.cramervonmises(x, f.cdf).statistic, rel=1e-12)
    assert g["loglik"] == pytest.approx(f.logpdf(x).sum())


def test_compare_fits_on_the_classic_series() -> None:
    x = _x("classic")
    df = compare_fits(x)
    assert list(df.index[:1]) != ["johnson"] and set(df.index) == {*DISTRIBUTIONS, "johnson"}
    assert df["aicc"].is_monotonic_increasing
    assert list(df["rank"]) == list(range(1, len(df) + 1))
    for dist in ("norm", "lognorm", "expon"):
        ref = FIXTURES["classic"]["fits"][dist]
        for key in ("ks", "cvm", "ad", "aic", "bic", "loglik"):
            assert df.loc[dist, key] == pytest.approx(ref[key], rel=1e-6), (dist, key)
    # Every row reaches at least R's likelihood.
    for dist in DISTRIBUTIONS:
        assert df.loc[dist, "loglik"] >= FIXTURES["classic"]["fits"][dist]["loglik"] - 1e-9
    # The SuppDists SB fit leaves observed months outside its support.
    assert "support-excludes-data" in df.loc["johnson", "flags"]
    # The Cauchy fit puts ~3% of its mass below zero for a series of positive sales.
    assert "mass-below-zero>1%" in df.loc["cauchy", "flags"]
    assert df.loc["norm", "flags"] == ""
    assert df.loc["norm", "params"]["sd"] == pytest.approx(np.std(x))


def test_positive_families_are_listed_but_not_fitted_on_negative_data() -> None:
    df = compare_fits(_x("cauchy"), dists=("norm", "gamma", "cauchy"), rank_by="bic")
    assert np.isnan(df.loc["gamma", "rank"])
    assert df.loc["gamma", "flags"].startswith("not fitted: data has values <= 0")
    assert df.index[-1] == "gamma"
    assert df.loc["cauchy", "rank"] == 1.0  # heavy tails: Cauchy beats the normal


def test_bootstrap_pvalues_reject_the_wrong_family_only() -> None:
    x = _x("johnson_sn")  # a normal sample
    a = compare_fits(x, dists=("norm", "expon"), bootstrap=39, rng=7)
    b = compare_fits(x, dists=("norm", "expon"), bootstrap=39, rng=7)
    cols = ["ks_pvalue", "cvm_pvalue", "ad_pvalue"]
    np.testing.assert_array_equal(a[cols].to_numpy(), b[cols].to_numpy())
    assert (a.loc["expon", cols] == 1 / 40).all()
    assert (a.loc["norm", cols] > 0.05).all()


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"dists": ("norm", "beta")}, r"'dists'.*norm, expon"),
        ({"dists": ()}, r"'dists'"),
        ({"rank_by": "r2"}, r"'rank_by'.*aicc"),
        ({"bootstrap": -1}, r"'bootstrap'.*>= 0"),
    ],
)
def test_bad_options_are_named(kwargs: dict, pattern: str) -> None:
    with pytest.raises(MonteCarloValueError, match=pattern):
        compare_fits(_x("classic"), **kwargs)


def test_bad_samples_are_named() -> None:
    with pytest.raises(FitError, match="all values equal to 3.2; a distribution needs spread"):
        compare_fits([3.2] * 20)
    with pytest.raises(MonteCarloValueError, match=r"'x' parameter of compare_fits.*finite"):
        compare_fits([1.0, 2.0, np.inf, 3.0, 4.0])
    with pytest.raises(MonteCarloValueError, match=r"'k' parameter of gofstat"):
        gofstat([1.0, 2.0], stats.norm(), k=-1)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_compare_fits_rows_equal_fit_distribution_and_gofstat(name: str) -> None:
    # The table's fast path (shared sums, direct CDFs, one vectorised pass) must give the
    # same numbers as fitting each family alone and scoring it with its frozen scipy law.
    x = _x(name)
    df = compare_fits(x, dists=DISTRIBUTIONS)
    for dist in DISTRIBUTIONS:
        if df.loc[dist, "flags"].startswith("not fitted"):
            assert dist in ("expon", "weibull", "lognorm", "gamma") and (x <= 0).any()
            continue
        r = fit_distribution(x, dist)
        for p, v in r.params.items():
            assert df.loc[dist, "params"][p] == pytest.approx(v, rel=1e-8, abs=1e-12), (dist, p)
        g = gofstat(x, r.frozen, k=r.k)
        for key in ("loglik", "aic", "aicc", "bic", "ks", "cvm", "ad"):
            assert df.loc[dist, key] == pytest.approx(g[key], rel=1e-7, abs=1e-9), (dist, key)
        assert df.loc[dist, "k"] == r.k


def test_compare_fits_table_shape_and_independent_tables() -> None:
    x = _x("classic")
    a = compare_fits(x, dists=DISTRIBUTIONS)
    assert a.index.name == "dist"
    assert list(a.columns) == [
        "rank", "params", "k", "loglik", "aic", "aicc", "bic", "ks", "cvm", "ad", "flags",
    ]  # fmt: skip
    assert a["flags"].map(type).eq(str).all()
    a.columns.name = "renamed"
    a.index.name = "renamed"
    a.loc["norm", "flags"] = "edited"
    assert compare_fits(x, dists=DISTRIBUTIONS).loc["norm", "flags"] == ""
    b = compare_fits(x, dists=("norm", "cauchy"), bootstrap=3, rng=1)
    assert b.columns.name is None and b.index.name == "dist"
    assert list(b.columns[-3:]) == ["ks_pvalue", "cvm_pvalue", "ad_pvalue"]
    with pytest.raises(TypeError):
        compare_fits(x, dists=("norm",), rng="seed")


def test_gof_statistics_rows_equal_single_model() -> None:
    p = np.sort(np.random.default_rng(0).random((3, 50)), axis=1)
    ks, cvm, ad = gof_statistics(p)
    for j in range(3):
        assert (ks[j], cvm[j], ad[j]) == gof_statistics(p[j])
