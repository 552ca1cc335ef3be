"""ETS: agreement with statsmodels' ETSModel and R's ets, selection rules, paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from forecast import ForecastValueError
from forecast.ets import ETS


@pytest.fixture(scope="module")
def auto(seasonal: pd.Series) -> ETS:
    """ETS with the full default selection, fitted once for the module."""
    return ETS().fit(seasonal)


def test_selected_form_equals_statsmodels_fit(auto: ETS, seasonal: pd.Series) -> None:
    model = auto
    assert model.model_ in model.candidates_
    assert model.candidates_[model.model_] == min(model.candidates_.values())
    e, t, s = model.model_[0], model.model_[1:-1], model.model_[-1]
    names = {"A": "add", "M": "mul", "N": None}
    ref = ETSModel(
        seasonal.to_numpy(),
        error=names[e],
        trend=names[t[0]],
        damped_trend=t.endswith("d"),
        seasonal=names[s],
        seasonal_periods=12 if s != "N" else None,
        initialization_method="estimated",
    ).fit(disp=False)
    assert model.candidates_[model.model_] == pytest.approx(ref.aicc, rel=1e-9)
    np.testing.assert_allclose(model.predict(12, None)["mean"], ref.forecast(12), rtol=1e-9)
    assert s in "AM"  # the strongly seasonal series gets a seasonal form


def test_candidate_set_follows_r_restrictions(auto: ETS, seasonal: pd.Series) -> None:
    assert set(auto.candidates_) <= {
        "ANN", "AAN", "AAdN", "ANA", "AAA", "AAdA",
        "MNN", "MAN", "MAdN", "MNA", "MAA", "MAdA", "MNM", "MAM", "MAdM",
    }  # fmt: skip
    negative = seasonal - 200.0
    assert all("M" not in name for name in ETS().fit(negative).candidates_)
    with pytest.raises(ForecastValueError, match="'model' parameter of ETS asks for a multip"):
        ETS(model="MNM").fit(negative)


def test_ann_matches_r(walk: pd.Series, r_ref: dict) -> None:
    model = ETS(model="ANN").fit(walk)
    fc = model.predict(6, quantiles=(0.1, 0.9))
    ref = r_ref["ets_ann"]
    np.testing.assert_allclose(fc["mean"], ref["mean"], rtol=1e-6)
    # R divides the residual sum of squares by n - (number of parameters); statsmodels by n
    np.testing.assert_allclose(fc["q0.1"], ref["lower80"], rtol=2e-3)
    np.testing.assert_allclose(fc["q0.9"], ref["upper80"], rtol=2e-3)


def test_mam_family_close_to_r_on_airpassengers(air: pd.Series, r_ref: dict) -> None:
    # R selects ETS(M,Ad,M); fitting that form here gives forecasts within 1%
    assert r_ref["ets_ap"]["method"] == "ETS(M,Ad,M)"
    fc = ETS(model="MAdM").fit(air).predict(18, quantiles=None)
    np.testing.assert_allclose(fc["mean"], r_ref["ets_ap"]["mean"], rtol=0.01)


def test_smoothing_recovers_level_behaviour() -> None:
    # pure noise around a constant: SES smooths heavily (small alpha) and forecasts the mean
    rng = np.random.default_rng(5)
    y = pd.Series(20 + rng.normal(0, 1, 80), index=pd.period_range("2000-01", periods=80, freq="M"))
    model = ETS(model="ANN").fit(y)
    alpha = float(model.results_.params[0])
    assert alpha < 0.2
    assert model.predict(1, None)["mean"].iloc[0] == pytest.approx(y.mean(), abs=0.4)
    # a random walk: alpha near 1, forecast near the last value
    walk = pd.Series(np.cumsum(rng.normal(0, 1, 80)) + 50, index=y.index)
    walk_model = ETS(model="ANN").fit(walk)
    assert float(walk_model.results_.params[0]) > 0.8
    assert walk_model.predict(1, None)["mean"].iloc[0] == pytest.approx(walk.iloc[-1], abs=0.5)


@pytest.mark.parametrize("form", ["AAdA", "MAM"])
def test_paths_agree_with_predict(form: str, seasonal: pd.Series) -> None:
    model = ETS(model=form).fit(seasonal)
    fc = model.predict(6, quantiles=(0.1, 0.5, 0.9))
    paths = model.sample_paths(6, 8000, rng=2)
    spread = (fc["q0.9"] - fc["q0.1"]).to_numpy() / (2 * stats.norm.ppf(0.9))
    assert np.all(np.abs(paths.mean(axis=0) - fc["mean"]) < 5 * spread / np.sqrt(8000) + 0.01)
    for q in (0.1, 0.9):
        emp = np.quantile(paths, q, axis=0)
        assert np.all(np.abs(emp - fc[f"q{q:g}"]) < 0.1 * spread)


def test_bad_hyperparameters_named(seasonal: pd.Series) -> None:
    with pytest.raises(ForecastValueError, match="'model' parameter of ETS"):
        ETS(model="XYZ").fit(seasonal)
    with pytest.raises(ForecastValueError, match="'criterion' parameter of ETS"):
        ETS(criterion="r2").fit(seasonal)
    with pytest.raises(ForecastValueError, match="'model' parameter of ETS asks for a seasonal"):
        ETS(model="AAA", season_length=12).fit(seasonal.iloc[:14])
    with pytest.raises(ForecastValueError, match="needs at least 5 observations"):
        ETS().fit(seasonal.iloc[:4])
