"""ARIMA: fixed orders against R's Arima, the automatic search against auto.arima."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecast import ForecastValueError
from forecast._arima_checks import lag_polynomial, min_root, seasonal_strength
from forecast._arma_numba import arma_loglike, css_start, fit_arma
from forecast.arima import ARIMA


@pytest.fixture(scope="module")
def airline(air: pd.Series) -> ARIMA:
    """The airline model (0,1,1)(0,1,1)12 on log AirPassengers, fitted once."""
    return ARIMA(order=(0, 1, 1), seasonal_order=(0, 1, 1)).fit(np.log(air))


def test_airline_model_matches_r(airline: ARIMA, r_ref: dict) -> None:
    model = airline
    fc = model.predict(18, quantiles=(0.1, 0.9))
    ref = r_ref["arima_airline"]
    np.testing.assert_allclose(model.results_.params[:2], ref["coef"], atol=5e-3)
    np.testing.assert_allclose(fc["mean"], ref["mean"], rtol=1e-4)
    np.testing.assert_allclose(fc["q0.1"], ref["lower80"], rtol=1e-3)
    np.testing.assert_allclose(fc["q0.9"], ref["upper80"], rtol=1e-3)


def test_auto_search_finds_r_orders(air: pd.Series, walk: pd.Series, r_ref: dict) -> None:
    model = ARIMA().fit(np.log(air))
    # R arma vector: p, q, P, Q, m, d, D
    p, q, P, Q, m, d, D = r_ref["auto_arima_ap"]["arma"]
    assert model.order_ == (p, d, q) and model.seasonal_order_ == (P, D, Q, m)
    assert 1 <= model.n_models_ <= 40
    np.testing.assert_allclose(
        model.predict(18, None)["mean"], r_ref["auto_arima_ap"]["mean"], rtol=1e-3
    )
    walk_model = ARIMA().fit(walk)
    p, q, P, Q, m, d, D = r_ref["auto_arima_nonseasonal"]["arma"]
    assert walk_model.order_ == (p, d, q) and walk_model.constant_  # random walk with drift
    np.testing.assert_allclose(
        walk_model.predict(6, None)["mean"], r_ref["auto_arima_nonseasonal"]["mean"], rtol=1e-4
    )


def test_budget_limits_fits(walk: pd.Series) -> None:
    assert ARIMA(max_models=2).fit(walk).n_models_ == 2


def test_paths_agree_with_predict(airline: ARIMA) -> None:
    model = airline
    fc = model.predict(12, quantiles=(0.1, 0.9))
    paths = model.sample_paths(12, 10_000, rng=6)
    sd = (fc["q0.9"] - fc["mean"]).to_numpy() / stats.norm.ppf(0.9)
    assert np.all(np.abs(paths.mean(axis=0) - fc["mean"]) < 5 * sd / np.sqrt(10_000))
    np.testing.assert_allclose(paths.std(axis=0), sd, rtol=0.04)


def test_bad_orders_named(walk: pd.Series) -> None:
    with pytest.raises(ForecastValueError, match="'order' parameter of ARIMA"):
        ARIMA(order=(1, 1)).fit(walk)
    with pytest.raises(ForecastValueError, match="'max_models' parameter of ARIMA"):
        ARIMA(max_models=0).fit(walk)
    with pytest.raises(ForecastValueError, match="needs at least 6 observations"):
        ARIMA().fit(walk.iloc[:5])


def _monthly(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.period_range("2000-01", periods=len(values), freq="M"))


@pytest.mark.parametrize(
    "case",
    [
        "trend_season_ar",
        "walk_season",
        "seasonal_walk",
        "noisy_level",
        "drift_ma",
        "short_season",
    ],
)
def test_auto_orders_equal_r(case: str, r_ref: dict) -> None:
    ref = r_ref["auto_arima_cases"][case]
    y = _monthly(ref["x"])
    # nsdiffs' seasonal strength: R's stl settings reproduced exactly
    assert seasonal_strength(y.to_numpy(), 12) == pytest.approx(ref["strength"], abs=1e-10)
    model = ARIMA().fit(y)
    p, q, P, Q, m, d, D = ref["arma"]
    assert model.order_ == (p, d, q)
    assert model.seasonal_order_ == (P, D, Q, m)
    assert model.constant_ == ref["constant"]
    np.testing.assert_allclose(model.predict(12, None)["mean"], ref["mean"], rtol=1e-4)


def test_near_unit_root_fit_is_rejected(r_ref: dict) -> None:
    ref = r_ref["auto_arima_overdiff"]
    y = pd.Series(ref["x"], index=pd.period_range("1901", periods=80, freq="Y"))
    over = ARIMA(order=(0, 1, 1), include_constant=True).fit(y)
    # the over-differenced fit has an MA root at 1 and the best AICc of all ...
    assert over.results_.params[1] == pytest.approx(ref["ma011"], abs=1e-3)
    assert over.aicc_ == pytest.approx(ref["aicc011"], rel=1e-4)
    model = ARIMA().fit(y)
    assert over.aicc_ < model.aicc_ - 20
    # ... but, as in R, roots within 1.01 of the unit circle rule it out
    p, q, *_, d, _ = ref["arma"]
    assert model.order_ == (p, d, q) and model.constant_
    assert model.aicc_ == pytest.approx(ref["aicc"], rel=1e-4)
    np.testing.assert_allclose(model.predict(6, None)["mean"], ref["mean"], rtol=1e-4)


def test_min_root_matches_polynomial_roots() -> None:
    # (1 - 0.5 B)(1 - 0.9 B^4): roots 2 and 0.9^(-1/4) in modulus
    ar = lag_polynomial(np.array([0.5]), np.array([0.9]), 4, -1.0)
    np.testing.assert_allclose(ar, [-0.5, 0.0, 0.0, -0.9, 0.45])
    assert min_root(ar) == pytest.approx(0.9 ** (-1 / 4))
    assert min_root(np.array([-0.6, 1e-9])) == pytest.approx(1 / 0.6)  # tiny tail dropped
    assert min_root(np.array([0.3])) == 2.0  # capped at 2, as R's minroot
    assert min_root(np.zeros(3)) == 2.0


@pytest.mark.parametrize(
    ("order", "seasonal", "constant"),
    [((1, 1, 1), (0, 0, 0), True), ((2, 1, 2), (1, 0, 1), True), ((0, 0, 3), (2, 1, 0), False)],
)
def test_numba_likelihood_equals_statsmodels(
    air: pd.Series, order: tuple, seasonal: tuple, constant: bool
) -> None:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    model = SARIMAX(
        np.log(air.to_numpy()),
        order=order,
        seasonal_order=(*seasonal, 12) if any(seasonal) else (0, 0, 0, 0),
        trend="c" if constant else None,
        simple_differencing=True,
        concentrate_scale=True,
    )
    w = model.endog[:, 0]
    spec = (order[0], order[2], seasonal[0], seasonal[2], 12)
    params = model.transform_params(np.random.default_rng(5).normal(0, 0.5, model.k_params))
    assert arma_loglike(params, w, spec, constant) == pytest.approx(model.loglike(params), rel=1e-8)
    fitted, llf = fit_arma(model.untransform_params(model.start_params), w, spec, constant)
    assert llf == pytest.approx(model.loglike(fitted), rel=1e-8)
    assert llf > model.loglike(model.start_params)  # the optimiser did climb


def test_css_start_values_and_explosive_ar() -> None:
    rng = np.random.default_rng(11)
    e = rng.normal(size=300)
    ar = np.zeros(300)
    boom = np.zeros(300)
    for t in range(1, 300):
        ar[t] = 0.6 * ar[t - 1] + e[t]
        boom[t] = 1.03 * boom[t - 1] + e[t]
    start = css_start(ar + 5.0, (1, 0, 0, 0, 1), True)
    # conditional least squares: the lag-1 regression slope; intercept = mean (1 - phi)
    slope = np.polyfit(ar[:-1], ar[1:], 1)[0]
    assert start[1] == pytest.approx(slope, abs=1e-3)
    assert start[0] == pytest.approx((ar.mean() + 5.0) * (1 - start[1]), abs=0.05)
    # R stops on "non-stationary AR part from CSS"; the candidate is dropped
    assert css_start(boom, (1, 0, 0, 0, 1), False) is None


@pytest.mark.parametrize(("css", "step"), [(False, 1e-5), (True, 1e-8)])
def test_numba_gradient_gives_scipys_finite_difference_iterates(
    air: pd.Series, css: bool, step: float
) -> None:
    """The one-call value + gradient reproduces L-BFGS-B's own finite differences exactly:
    the same optimum, bit for bit, so the order search is unchanged by the speed-up."""
    from scipy.optimize import fmin_l_bfgs_b

    from forecast._arma_numba import _css_objective, _minimize, _objective

    w = np.diff(np.log(air.to_numpy()))
    order, k = (2, 1, 1, 1, 12), 1
    x0 = np.array([0.01, 0.1, -0.1, 0.2, 0.1, -0.3])
    fun = _css_objective if css else _objective
    bounds = None if css else [(None, None)] * x0.size
    ref, _, info = fmin_l_bfgs_b(
        fun, x0, args=(w, k, *order), approx_grad=True, epsilon=step, maxiter=100, bounds=bounds
    )
    ours = _minimize(css, x0, step, w, order, k, 100, bounded=not css)
    assert info["nit"] > 3  # a real climb, not the start values
    np.testing.assert_array_equal(ours, ref)
