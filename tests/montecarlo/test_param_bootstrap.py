"""bootstrap_parameters: parametric and nonparametric refits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from montecarlo import MonteCarloValueError, bootstrap_parameters, fit_distribution

FIXTURES = json.loads((Path(__file__).parent / "fixtures" / "r_fits.json").read_text())["datasets"]
X = np.asarray(FIXTURES["classic"]["x"], dtype=float)


def test_parametric_normal_bootstrap_matches_the_theoretical_standard_errors() -> None:
    b = bootstrap_parameters(X, "norm", n=800, rng=1)
    assert b.draws.shape == (800, 2) and b.names == ("mean", "sd")
    sd = np.std(X)
    se = b.se()
    assert se["mean"] == pytest.approx(sd / np.sqrt(X.size), rel=0.1)
    assert se["sd"] == pytest.approx(sd / np.sqrt(2 * X.size), rel=0.1)
    lo, hi = b.ci(0.95)["mean"]
    assert lo < X.mean() < hi


@pytest.mark.parametrize("dist", ["gamma", "logistic"])
def test_nonparametric_bootstrap_is_centred_on_the_mle(dist: str) -> None:
    fit = fit_distribution(X, dist)
    b = bootstrap_parameters(X, dist, n=300, kind="nonparametric", rng=2)
    for i, p in enumerate(b.names):
        assert b.estimate[i] == pytest.approx(fit.params[p])
        lo, hi = b.ci(0.99)[p]
        assert lo < fit.params[p] < hi
        # bootstrap and Hessian standard errors agree roughly
        assert b.se()[p] == pytest.approx(fit.se[p], rel=0.35)


def test_vectorised_ppf_uses_one_draw_per_row() -> None:
    b = bootstrap_parameters(X, "weibull", n=50, rng=3)
    u = np.random.default_rng(4).random((50, 3))
    q = b.ppf(u)
    assert q.shape == (50, 3)
    for i in (0, 17, 49):
        np.testing.assert_allclose(q[i], b.frozen(i).ppf(u[i]), rtol=1e-12)
    assert b.rvs(6, rng=5).shape == (50, 6)
    np.testing.assert_array_equal(b.rvs(6, rng=5), b.rvs(6, rng=5))


def test_same_seed_same_draws() -> None:
    a = bootstrap_parameters(X, "cauchy", n=20, rng=9).draws
    c = bootstrap_parameters(X, "cauchy", n=20, rng=np.random.default_rng(9)).draws
    np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"dist": "norm", "kind": "jackknife"}, r"'kind'.*'parametric' or 'nonparametric'"),
        ({"dist": "norm", "n": 0}, r"'n'.*>= 1"),
        ({"dist": "student"}, r"'dist'"),
    ],
)
def test_bad_options_are_named(kwargs: dict, pattern: str) -> None:
    with pytest.raises(MonteCarloValueError, match=pattern):
        bootstrap_parameters(X, **kwargs)


def test_bad_ppf_shape_is_named() -> None:
    b = bootstrap_parameters(X, "norm", n=10, rng=0)
    with pytest.raises(MonteCarloValueError, match=r"'u'.*\(10,\)"):
        b.ppf(np.full(9, 0.5))


def test_refit_failures_name_the_sample() -> None:
    # fuzz finds (issue 14): four values, most resamples tie half the sample (no Cauchy
    # maximum); the refusal named no parameter
    x = [1.0688806677435858, 1.0619510445868694, 1.0623822490366057, 0.9825745810975733]
    with pytest.raises(MonteCarloValueError, match=r"could not refit cauchy .* sample 'x' of 4"):
        bootstrap_parameters(x, "cauchy", n=50, kind="nonparametric", rng=144)
