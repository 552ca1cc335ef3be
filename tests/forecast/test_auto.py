"""AutoForecaster: validation-based weights, combined forecasts, mixture paths, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.auto import AutoForecaster, make_member
from forecast.base import Forecaster
from forecast.baselines import Drift, HistoricMean, Naive, Naive2, SeasonalNaive
from forecast.errors import ForecastTypeError, ForecastValueError
from forecast.metrics import smape
from forecast.neural import LSTMForecaster
from forecast.theta import Theta

TINY_LSTM = LSTMForecaster(hidden_size=6, n_models=1, max_epochs=30, patience=3)


def trending(n: int = 72, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = (200.0 + 2.0 * t) * (1.0 + 0.15 * np.sin(2 * np.pi * t / 12)) + rng.normal(0, 3, n)
    return pd.Series(y, index=pd.period_range("2012-01", periods=n, freq="M"))


MEMBERS = (Naive(), SeasonalNaive(), Theta(), HistoricMean())


def independent_validation(y: pd.Series, vh: int, cuts: list[int]) -> dict[str, float]:
    """Every member's mean sMAPE over the origins ``cuts``, refitted from scratch."""
    out = {}
    for model in MEMBERS:
        scores = []
        for cut in cuts:
            fresh = type(model)(**model.get_params())
            pred = fresh.fit(y.iloc[:cut]).predict(vh, quantiles=None)["mean"].to_numpy()
            scores.append(smape(y.to_numpy()[cut : cut + vh], pred))
        out[type(model).__name__.lower()] = float(np.mean(scores))
    return out


@pytest.mark.parametrize("rule", ["trimmed", "select", "inverse", "mean"])
def test_weights_follow_the_documented_rule(rule: str) -> None:
    y = trending()
    auto = AutoForecaster(members=MEMBERS, validation_horizon=12, combination=rule).fit(y)
    # three origins 12 // 3 = 4 months apart, the last one 12 months before the end
    assert auto.validation_origins_ == [60, 56, 52]
    val = independent_validation(y, 12, [60, 56, 52])
    assert auto.validation_ == pytest.approx(val, rel=1e-12)
    assert all(len(v) == 3 for v in auto.validation_scores_.values())
    w = auto.weights_
    assert sum(w.values()) == pytest.approx(1.0)
    worst, best = max(val, key=val.get), min(val, key=val.get)
    if rule == "trimmed":
        assert w[worst] == 0.0
        assert all(w[k] == pytest.approx(1 / 3) for k in val if k != worst)
    elif rule == "select":
        assert w[best] == 1.0 and sum(v == 0.0 for v in w.values()) == 3
    elif rule == "inverse":
        total = sum(1 / v for v in val.values())
        assert all(w[k] == pytest.approx((1 / val[k]) / total) for k in val)
    else:
        assert all(v == pytest.approx(0.25) for v in w.values())
    # on a trending seasonal series the historic mean is the worst member
    assert worst == "historicmean"


def test_point_forecast_is_the_weighted_mean_of_members() -> None:
    y = trending()
    auto = AutoForecaster(members=MEMBERS, validation_horizon=12, combination="inverse").fit(y)
    expected = np.zeros(9)
    for model in MEMBERS:
        key = type(model).__name__.lower()
        pred = type(model)().fit(y).predict(9, quantiles=None)["mean"].to_numpy()
        expected += auto.weights_[key] * pred
    np.testing.assert_allclose(auto.predict(9)["mean"].to_numpy(), expected, rtol=1e-12)


class Level(Forecaster):
    """A flat forecast at ``value`` with tiny Gaussian noise: paths easy to attribute."""

    def __init__(self, *, value: float = 0.0) -> None:
        self.value = value

    def _fit(self, values: np.ndarray, m: int) -> None:
        self.level_ = float(self.value)

    def _predict_mean(self, h: int) -> np.ndarray:
        return np.full(h, self.level_)

    def _predict_std(self, h: int) -> np.ndarray:
        return np.full(h, 0.01)

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        return self.level_ + rng.normal(0.0, 0.01, size=(n, h))

    def _fitted_values(self) -> np.ndarray:
        return np.full(self.history_.size, self.level_)


def test_mixture_paths_are_whole_member_trajectories() -> None:
    y = trending()
    members = (Level(value=1.0), Level(value=2.0), Level(value=3.0))
    auto = AutoForecaster(members=members, combination="inverse", validation_horizon=6).fit(y)
    w = np.array(list(auto.weights_.values()))
    assert list(auto.weights_) == ["level", "level'", "level''"]
    paths = auto.sample_paths(5, 20000, rng=0)
    assert paths.shape == (20000, 5)
    member = np.rint(paths).astype(int)
    # every path is one member's trajectory from start to end
    assert (member == member[:, :1]).all()
    share = np.array([(member[:, 0] == k).mean() for k in (1, 2, 3)])
    np.testing.assert_allclose(share, w, atol=0.015)
    np.testing.assert_allclose(auto.predict(5, quantiles=None)["mean"], w @ [1.0, 2.0, 3.0])
    q = auto.predict(5, quantiles=(0.1, 0.9))
    assert (q["q0.1"] < 1.1).all() and (q["q0.9"] > 2.9).all()


def test_fit_predict_equals_forecast_and_seeded_paths() -> None:
    y = trending(60, seed=2)
    members = (Theta(), Naive2(), TINY_LSTM)
    a = AutoForecaster(members=members, validation_horizon=8).fit(y)
    pd.testing.assert_frame_equal(
        a.predict(8), AutoForecaster(members=members, validation_horizon=8).forecast(y, 8)
    )
    np.testing.assert_array_equal(a.sample_paths(8, 100, rng=5), a.sample_paths(8, 100, rng=5))
    assert set(a.validation_) == {"theta", "naive2", "lstmforecaster"}


def test_origins_stop_where_the_history_gets_too_short() -> None:
    # 40 months, vh 12: origins 28, 24 (the third, 20, leaves fewer than 24 before it)
    y = trending(40)
    auto = AutoForecaster(members=MEMBERS, validation_horizon=12).fit(y)
    assert auto.validation_origins_ == [28, 24]
    assert auto.validation_ == pytest.approx(independent_validation(y, 12, [28, 24]))
    one = AutoForecaster(members=MEMBERS, validation_horizon=12, validation_origins=1).fit(y)
    assert one.validation_origins_ == [28]
    assert one.validation_ == pytest.approx(independent_validation(y, 12, [28]))
    assert one.validation_ != pytest.approx(auto.validation_)


def test_short_series_falls_back_to_equal_weights() -> None:
    y = trending(20)
    auto = AutoForecaster(members=(Naive(), Drift(), Theta())).fit(y)
    assert auto.validation_ == {} and auto.validation_horizon_ == 0
    assert auto.validation_origins_ == []
    assert all(w == pytest.approx(1 / 3) for w in auto.weights_.values())


def test_failing_member_is_left_out_and_all_failing_is_an_error() -> None:
    y = trending(20)
    auto = AutoForecaster(members=(Naive(), TINY_LSTM)).fit(y)  # LSTM needs 16: fits
    assert "lstmforecaster" in auto.members_
    short = trending(10)
    auto = AutoForecaster(members=(Naive(), TINY_LSTM)).fit(short)
    assert list(auto.members_) == ["naive"] and "lstmforecaster" in auto.failed_
    assert "at least 16 observations" in auto.failed_["lstmforecaster"]
    with pytest.raises(ForecastValueError, match="No member of AutoForecaster"):
        AutoForecaster(members=(TINY_LSTM,)).fit(short)


def test_make_member_names() -> None:
    assert type(make_member("theta")).__name__ == "Theta"
    assert make_member("lstm", random_state=3).random_state == 3
    with pytest.raises(ForecastValueError, match="'members' parameter of AutoForecaster"):
        make_member("prophet")


@pytest.mark.parametrize(
    ("params", "exc", "name"),
    [
        ({"combination": "vote"}, ForecastValueError, "combination"),
        ({"members": ()}, ForecastValueError, "members"),
        ({"members": "ets"}, ForecastTypeError, "members"),
        ({"members": (Naive(), 3)}, ForecastTypeError, "members"),
        ({"validation_horizon": 0}, ForecastValueError, "validation_horizon"),
        ({"validation_origins": 0}, ForecastValueError, "validation_origins"),
        ({"validation_origins": 2.0}, ForecastValueError, "validation_origins"),
        ({"validation_origins": True}, ForecastValueError, "validation_origins"),
        ({"random_state": None}, ForecastTypeError, "random_state"),
    ],
)
def test_bad_parameters_name_the_parameter(params: dict, exc: type, name: str) -> None:
    with pytest.raises(exc, match=f"'{name}' parameter of AutoForecaster"):
        AutoForecaster(**params).fit(trending(30))
