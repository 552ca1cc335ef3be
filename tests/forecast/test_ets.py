"""ETS: agreement with R's forecast::ets (8.20), selection rules, paths, numba kernels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from forecast import ForecastValueError
from forecast._ets_core import admissible
from forecast._ets_fit import evaluate, fit_form
from forecast.ets import ETS


@pytest.fixture(scope="module")
def auto(seasonal: pd.Series) -> ETS:
    """ETS with the full default selection, fitted once for the module."""
    return ETS().fit(seasonal)


def _form(method: str) -> str:
    """R's method name, e.g. ``ETS(M,Ad,M)`` -> ``MAdM``."""
    return method[4:-1].replace(",", "")


def _r_params(par: dict) -> dict[str, float]:
    out = {"alpha": 0.0, "beta": 0.0, "gamma": 0.0, "phi": 1.0}
    out.update({k: float(par[k]) for k in out if k in par})
    return out


def _cases(r_ref: dict) -> list[tuple[str, np.ndarray, int, dict]]:
    cases = [("air", np.asarray(r_ref["airpassengers"]), 12, r_ref["ets_ap"])]
    for name, ref in r_ref["ets_fixed"].items():
        cases.append((name, np.asarray(ref["x"], float), int(ref["m"]), ref))
    return cases


def test_selected_form_has_the_lowest_criterion(auto: ETS) -> None:
    assert auto.model_ in auto.candidates_
    assert auto.candidates_[auto.model_] == min(auto.candidates_.values())
    assert auto.aicc_ == auto.candidates_[auto.model_]
    assert auto.model_[-1] in "AM"  # the strongly seasonal series gets a seasonal form
    # R's count: smoothing parameters + initial states (m - 1 free seasons) + sigma
    form = auto.model_
    n_smooth = 1 + (form[1] != "N") + (form[-1] != "N") + ("d" in form)
    k = n_smooth + auto.initial_states_.size - (form[-1] != "N") + 1
    assert auto.aic_ == pytest.approx(-2 * auto.loglik_ + 2 * k)
    assert auto.aicc_ == pytest.approx(auto.aic_ + 2 * k * (k + 1) / (48 - k - 1))
    assert auto.sigma2_ == pytest.approx(np.sum(auto.residuals_**2) / (48 - k + 1))


def test_candidate_set_follows_r_restrictions(auto: ETS, seasonal: pd.Series) -> None:
    assert set(auto.candidates_) <= {
        "ANN", "AAN", "AAdN", "ANA", "AAA", "AAdA",
        "MNN", "MAN", "MAdN", "MNA", "MAA", "MAdA", "MNM", "MAM", "MAdM",
    }  # fmt: skip
    assert len(auto.candidates_) == 15
    negative = seasonal - 200.0
    assert all("M" not in name for name in ETS().fit(negative).candidates_)
    with pytest.raises(ForecastValueError, match="'model' parameter of ETS asks for a multip"):
        ETS(model="MNM").fit(negative)


def test_likelihood_at_r_parameters_equals_r(r_ref: dict) -> None:
    # R's fitted parameters and initial states run through our recursion: same numbers
    for _, y, m, ref in _cases(r_ref):
        form = _form(ref["method"])
        fit = evaluate(y, m if form[-1] != "N" else 1, form, _r_params(ref["par"]), ref["init"])
        assert fit.loglik == pytest.approx(ref["loglik"], rel=1e-8)
        assert fit.aicc == pytest.approx(ref["aicc"], rel=1e-8)
        assert fit.sigma2 == pytest.approx(ref["sigma2"], rel=1e-8)


def test_fitted_forms_reach_r_optimum(r_ref: dict) -> None:
    for name, y, m, ref in _cases(r_ref):
        form = _form(ref["method"])
        fit = fit_form(y, m, form)
        assert fit is not None, name
        # the same Nelder-Mead from the same start: R's optimum (or a better one)
        assert fit.loglik >= ref["loglik"] - 1e-6 * abs(ref["loglik"]), name


def test_airpassengers_selection_and_forecasts_match_r(air: pd.Series, r_ref: dict) -> None:
    ref = r_ref["ets_ap"]
    model = ETS().fit(air)
    assert model.model_ == _form(ref["method"]) == "MAdM"
    assert model.aicc_ <= ref["aicc"] + 1e-6 * abs(ref["aicc"])
    fc = model.predict(18, quantiles=(0.1, 0.9))
    # R reports the class-3 mean (slightly above the point forecast) for M*M forms
    np.testing.assert_allclose(fc["mean"], ref["mean"], rtol=0.01)
    np.testing.assert_allclose(fc["q0.1"], ref["lower80"], rtol=0.02)
    np.testing.assert_allclose(fc["q0.9"], ref["upper80"], rtol=0.02)


def test_linear_and_class2_intervals_match_r(r_ref: dict) -> None:
    for name in ("UKDriverDeaths_AAA", "WWWusage_AAdN", "nonseasonal_MAN"):
        ref = r_ref["ets_fixed"][name]
        freq = "M" if ref["m"] == 12 else "Y"
        y = pd.Series(ref["x"], index=pd.period_range("2000-01", periods=len(ref["x"]), freq=freq))
        fc = ETS(model=_form(ref["method"]), season_length=ref["m"]).fit(y).predict(12, (0.1, 0.9))
        np.testing.assert_allclose(fc["mean"], ref["mean"], rtol=1e-5, err_msg=name)
        np.testing.assert_allclose(fc["q0.1"], ref["lower80"], rtol=1e-5, err_msg=name)
        np.testing.assert_allclose(fc["q0.9"], ref["upper80"], rtol=1e-5, err_msg=name)


def test_ann_matches_r(walk: pd.Series, r_ref: dict) -> None:
    model = ETS(model="ANN").fit(walk)
    fc = model.predict(6, quantiles=(0.1, 0.9))
    ref = r_ref["ets_ann"]
    assert model.params_["alpha"] == pytest.approx(ref["alpha"], rel=1e-6)
    np.testing.assert_allclose(fc["mean"], ref["mean"], rtol=1e-6)
    np.testing.assert_allclose(fc["q0.1"], ref["lower80"], rtol=1e-6)
    np.testing.assert_allclose(fc["q0.9"], ref["upper80"], rtol=1e-6)


def test_very_short_series_take_r_holt_winters_path(r_ref: dict) -> None:
    # R's ets: n <= npars + 4 -> HoltWintersZZ by least squares (Holt against simple
    # smoothing by sigma2 for a Z trend). Same form, smoothing parameters, sigma2 and means.
    for ref in r_ref["ets_short"]:
        x = np.asarray(ref["x"], float)
        y = pd.Series(x, index=pd.period_range("2020-01", periods=x.size, freq="M"))
        model = ETS(model=ref["model"]).fit(y)
        assert model.model_ == _form(ref["method"]), ref["x"]
        par = ref["par"]
        assert model.params_["alpha"] == pytest.approx(par["alpha"], abs=2e-4)
        if "beta" in par:  # R reports the Holt-Winters beta; ours is the state-space one
            assert model.params_["beta"] == pytest.approx(par["alpha"] * par["beta"], abs=2e-4)
        assert model.sigma2_ == pytest.approx(ref["sigma2"], rel=1e-4)
        fc = model.predict(3, quantiles=(0.1, 0.9))
        np.testing.assert_allclose(fc["mean"], ref["mean"], rtol=1e-5)
        if "beta" not in par:  # without a trend R's interval formula is the state-space one
            np.testing.assert_allclose(fc["q0.9"], ref["upper80"], rtol=1e-5)
        assert np.isnan(model.aicc_) and model.candidates_ == {}


def test_smoothing_recovers_level_behaviour() -> None:
    # pure noise around a constant: SES smooths heavily (small alpha) and forecasts the mean
    rng = np.random.default_rng(5)
    y = pd.Series(20 + rng.normal(0, 1, 80), index=pd.period_range("2000-01", periods=80, freq="M"))
    model = ETS(model="ANN").fit(y)
    assert model.params_["alpha"] < 0.2
    assert model.predict(1, None)["mean"].iloc[0] == pytest.approx(y.mean(), abs=0.4)
    np.testing.assert_allclose(model.predict_in_sample() + model.residuals_, y)
    # a random walk: alpha near 1, forecast near the last value
    walk = pd.Series(np.cumsum(rng.normal(0, 1, 80)) + 50, index=y.index)
    walk_model = ETS(model="ANN").fit(walk)
    assert walk_model.params_["alpha"] > 0.8
    assert walk_model.predict(1, None)["mean"].iloc[0] == pytest.approx(walk.iloc[-1], abs=0.5)


@pytest.mark.parametrize("form", ["AAdA", "MAM", "MAdN"])
def test_paths_agree_with_predict(form: str, seasonal: pd.Series) -> None:
    model = ETS(model=form).fit(seasonal)
    fc = model.predict(6, quantiles=(0.1, 0.5, 0.9))
    paths = model.sample_paths(6, 8000, rng=2)
    spread = (fc["q0.9"] - fc["q0.1"]).to_numpy() / (2 * stats.norm.ppf(0.9))
    assert np.all(np.abs(paths.mean(axis=0) - fc["mean"]) < 5 * spread / np.sqrt(8000) + 0.01)
    for q in (0.1, 0.9):
        emp = np.quantile(paths, q, axis=0)
        assert np.all(np.abs(emp - fc[f"q{q:g}"]) < 0.1 * spread)


def test_multiplicative_trend_uses_simulated_quantiles(air: pd.Series) -> None:
    model = ETS(model="MMN").fit(air)
    fc = model.predict(6, quantiles=(0.1, 0.9))
    assert model._predict_std(6) is None
    assert np.all(fc["q0.1"] < fc["mean"]) and np.all(fc["mean"] < fc["q0.9"])
    assert fc.equals(ETS(model="MMN").fit(air).predict(6, quantiles=(0.1, 0.9)))


def test_admissibility_test_agrees_with_polynomial_roots() -> None:
    rng = np.random.default_rng(0)
    m = 12
    agree = 0
    for _ in range(400):
        a, g = rng.uniform(0, 1, 2)
        b, phi = rng.uniform(-0.2, 0.5), rng.uniform(0.8, 1.0)
        c = [phi * (1 - a - g), a + b - a * phi + g - 1] + [a + b - a * phi] * (m - 2)
        c += [a + b - phi, 1.0]
        inside = np.abs(np.roots(c[::-1])).max() <= 1 + 1e-10
        easy = (
            max(1 - 1 / phi - a, 0) <= g <= 1 + 1 / phi - a
            and a >= 1 - 1 / phi - g * (1 - m + phi + phi * m) / (2 * phi * m)
            and b >= -(1 - phi) * (g / m + a)
        )
        assert admissible(a, b, g, phi, m, 1, 1) == (easy and inside)
        agree += easy and inside
    assert agree > 20


def test_bad_hyperparameters_named(seasonal: pd.Series) -> None:
    with pytest.raises(ForecastValueError, match="'model' parameter of ETS"):
        ETS(model="XYZ").fit(seasonal)
    with pytest.raises(ForecastValueError, match="'criterion' parameter of ETS"):
        ETS(criterion="r2").fit(seasonal)
    with pytest.raises(ForecastValueError, match="'model' parameter of ETS asks for a seasonal"):
        ETS(model="AAA", season_length=12).fit(seasonal.iloc[:14])
    with pytest.raises(ForecastValueError, match="needs at least 2 observations"):
        ETS().fit(seasonal.iloc[:1])


def test_short_series_with_denormal_values_simulates() -> None:
    """Issue 14 item 9: on this 6-month history the least-squares Holt-Winters fit ends at
    alpha = 0, and the simulation divided beta by alpha (a bare ZeroDivisionError). With
    alpha = 0 the level ignores the data, so the trend stays too: the paths are the
    forecast line plus Gaussian noise, and their mean follows ``predict``."""
    y = pd.Series(
        [1e-308, -1e-12, -3.0, 5e-324, 1e-12, 1e-12],
        index=pd.period_range("2020-01", periods=6, freq="M"),
    )
    f = ETS().fit(y)
    assert f.model_ == "AAN" and f.params_["alpha"] == 0.0
    paths = f.sample_paths(4, 4000, rng=0)
    assert paths.shape == (4000, 4) and np.isfinite(paths).all()
    mean = f.predict(4, quantiles=None)["mean"].to_numpy()
    se = np.sqrt(f.sigma2_ / 4000)
    np.testing.assert_allclose(paths.mean(axis=0), mean, atol=4 * se)
    np.testing.assert_allclose(paths.std(axis=0), np.sqrt(f.sigma2_), rtol=0.05)


def test_two_equal_observations_give_the_constant_forecast() -> None:
    # fuzz finds (issue 14): two zeros (weekly or monthly) gave sigma2 = inf (0 / 0 degrees
    # of freedom) and -inf/NaN/inf quantiles; every error of the constant fit is zero
    y = pd.Series([0.0, 0.0], index=pd.period_range("2001-03-26", periods=2, freq="W-SUN"))
    f = ETS().fit(y)
    assert f.sigma2_ == 0.0
    np.testing.assert_array_equal(f.predict(3).to_numpy(), np.zeros((3, 4)))
    np.testing.assert_array_equal(f.sample_paths(3, 10, rng=0), np.zeros((10, 3)))


def test_positive_series_with_denormals_fits_without_dividing_by_zero() -> None:
    # fuzz finds (issue 14): positive, so multiplicative-error forms are candidates; their
    # one-step forecast underflowed to 0 and the relative error (y - f) / f was a bare
    # ZeroDivisionError inside the optimiser. Such a candidate is now not fittable (NaN
    # criterion), the others are compared as usual.
    v = [1.0, 3.0, 1e-12, 5e-324, 1e-310, 3.0, 1e-12, 1e-310, 1e-300, 1e-12, 1e-300, 1e-310]
    y = pd.Series(v, index=pd.period_range("2001-01", periods=len(v), freq="M"))
    f = ETS().fit(y)
    assert np.isfinite(f.predict(3).to_numpy()).all()
    assert np.isfinite(f.sample_paths(3, 100, rng=0)).all()
