"""The forecaster contract: fit/predict/forecast, frames, parameters, simulator paths."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import ForecastTypeError, ForecastValueError, NotFittedError
from forecast.base import clone
from forecast.baselines import Drift, Naive2, SeasonalNaive


def test_fit_predict_equals_forecast_and_leaves_model_untouched(seasonal: pd.Series) -> None:
    model = SeasonalNaive()
    via_forecast = model.forecast(seasonal, 7, quantiles=(0.05, 0.5, 0.95))
    assert not hasattr(model, "y_")
    via_fit = SeasonalNaive().fit(seasonal).predict(7, quantiles=(0.05, 0.5, 0.95))
    pd.testing.assert_frame_equal(via_forecast, via_fit)
    assert list(via_fit.columns) == ["mean", "q0.05", "q0.5", "q0.95"]
    assert isinstance(via_fit.index, pd.PeriodIndex)
    assert str(via_fit.index[0]) == "2014-01" and len(via_fit) == 7


def test_datetime_index_gives_period_output() -> None:
    idx = pd.date_range("2020-01-01", periods=30, freq="MS")
    y = pd.Series(np.arange(30.0) + 1, index=idx)
    fc = Drift().fit(y).predict(2, quantiles=None)
    assert [str(p) for p in fc.index] == ["2022-07", "2022-08"]
    np.testing.assert_allclose(fc["mean"], [31.0, 32.0])


def test_params_and_clone() -> None:
    model = SeasonalNaive(season_length=4)
    assert model.get_params() == {"season_length": 4}
    twin = clone(model.set_params(season_length=6))
    assert twin.get_params() == {"season_length": 6} and twin is not model
    assert repr(twin) == "SeasonalNaive(season_length=6)"
    with pytest.raises(ForecastValueError, match="'colour' parameter is not a hyperparameter"):
        model.set_params(colour=1)
    with pytest.raises(TypeError):
        SeasonalNaive(4)  # keyword-only


def test_not_fitted_and_bad_arguments(seasonal: pd.Series) -> None:
    with pytest.raises(NotFittedError, match="call fit"):
        SeasonalNaive().predict(3)
    model = SeasonalNaive().fit(seasonal)
    with pytest.raises(ForecastValueError, match="'h' parameter of SeasonalNaive.predict"):
        model.predict(0)
    with pytest.raises(ForecastValueError, match="'quantiles' parameter of SeasonalNaive"):
        model.predict(3, quantiles=(0.1, 1.2))
    with pytest.raises(ForecastValueError, match="'n' parameter of SeasonalNaive.sample_paths"):
        model.sample_paths(3, 0)
    with pytest.raises(ForecastTypeError, match="'rng' parameter of SeasonalNaive"):
        model.sample_paths(3, 5, rng="seed")


def test_same_seed_same_paths(seasonal: pd.Series) -> None:
    model = Naive2().fit(seasonal)
    a = model.sample_paths(5, 100, rng=42)
    b = model.sample_paths(5, 100, rng=np.random.default_rng(42))
    np.testing.assert_array_equal(a, b)


def test_paths_as_of_refits_on_truncated_history(seasonal: pd.Series) -> None:
    model = SeasonalNaive().fit(seasonal)
    got = model.paths(as_of="2012-06", horizon=8, n=50, rng=3)
    truncated = seasonal.loc[: pd.Period("2012-06", "M")]
    assert len(truncated) == 30
    want = SeasonalNaive().fit(truncated).sample_paths(8, 50, rng=3)
    np.testing.assert_array_equal(got, want)
    # the model itself keeps its full fit; as_of at the end is plain sample_paths
    assert len(model.history_) == 48
    np.testing.assert_array_equal(
        model.paths(as_of=pd.Timestamp("2013-12-31"), horizon=4, n=20, rng=1),
        model.sample_paths(4, 20, rng=1),
    )
    # paths after the cut-off only depend on data up to as_of
    changed = seasonal.copy()
    changed.iloc[31:] += 1000.0
    refit = SeasonalNaive().fit(changed).paths(as_of="2012-06", horizon=8, n=50, rng=3)
    np.testing.assert_array_equal(refit, got)


def test_paths_as_of_outside_history_refused(seasonal: pd.Series) -> None:
    model = SeasonalNaive().fit(seasonal)
    with pytest.raises(ForecastValueError, match="'as_of' parameter of SeasonalNaive.paths"):
        model.paths(as_of="2015-01", horizon=3, n=5)
    with pytest.raises(ForecastValueError, match="'as_of' parameter"):
        model.paths(as_of="2009-12", horizon=3, n=5)
    with pytest.raises(ForecastTypeError, match="'as_of' parameter"):
        model.paths(as_of="not a date", horizon=3, n=5)
