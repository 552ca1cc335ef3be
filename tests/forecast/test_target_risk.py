"""Forecasters as target-risk simulators: the engine, the backtest and the method registry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import montecarlo
from forecast import check_methods, make_model
from forecast.auto import AutoForecaster
from forecast.base import Forecaster
from forecast.baselines import Naive2, SeasonalNaive
from forecast.neural import LSTMForecaster
from forecast.theta import Theta

FAST_LSTM = {"hidden_size": 8, "n_models": 2, "max_epochs": 60, "patience": 10}
YTD_2015_09 = 141.7054


@pytest.fixture(scope="module")
def units() -> pd.Series:
    return montecarlo.load_monthly_units()


def test_registry_names_build_forecasters() -> None:
    assert check_methods(["ets", "theta", "lstm", "auto"]) == ["ets", "theta", "lstm", "auto"]
    expected = {
        "ets": "ETS",
        "theta": "Theta",
        "arima": "ARIMA",
        "lstm": "LSTMForecaster",
        "auto": "AutoForecaster",
    }
    for name, cls in expected.items():
        sim = make_model(name)
        assert isinstance(sim, Forecaster) and type(sim).__name__ == cls
        assert not sim.is_fitted  # fresh and unfitted


@pytest.mark.parametrize("model", [Theta(), LSTMForecaster(**FAST_LSTM)], ids=["theta", "lstm"])
def test_simulate_target_matches_the_forecasters_own_paths(
    units: pd.Series, model: Forecaster
) -> None:
    target = 182.0  # near the forecasters' median total, so P is informative
    result = montecarlo.simulate_target(
        model, units, as_of="2015-09", target=target, n_paths=20000, rng=1
    )
    assert result.actual_to_date == pytest.approx(YTD_2015_09, abs=1e-4)
    assert result.horizon == 3
    # independent: fit on the data up to the cutoff only, draw, score
    own = type(model)(**model.get_params()).fit(units.loc[:"2015-09"])
    totals = YTD_2015_09 + own.sample_paths(3, 20000, rng=2).sum(axis=1)
    p = float(np.mean(totals >= target))
    assert 0.02 < p < 0.98
    se = np.sqrt(2 * p * (1 - p) / 20000)
    assert abs(result.probability - p) < 4 * se


def test_paths_before_the_end_never_see_later_data(units: pd.Series) -> None:
    model = LSTMForecaster(**FAST_LSTM).fit(units)
    early = model.paths("2015-09", horizon=3, n=200, rng=5)
    cut = LSTMForecaster(**FAST_LSTM).fit(units.loc[:"2015-09"])
    np.testing.assert_array_equal(early, cut.sample_paths(3, 200, rng=5))


def test_calibration_backtest_accepts_forecasters(units: pd.Series) -> None:
    history = units.loc["2006-01":]
    sims = {
        "theta": Theta(),
        "lstm": LSTMForecaster(**FAST_LSTM),
        "auto": AutoForecaster(members=(Theta(), Naive2(), SeasonalNaive())),
    }
    res = montecarlo.calibration_backtest(history, sims, min_past_years=6, n_paths=2000, rng=0)
    assert res.skipped.empty
    years = [2012, 2013, 2014, 2015]
    for name in sims:
        rows = res.scores[res.scores["method"] == name]
        assert rows["year"].tolist() == years
        assert rows["pit"].between(0, 1).all()
        assert set(rows["cover80"].unique()) <= {0.0, 1.0}
    assert sorted(res.summary["method"]) == sorted(sims)
    assert (res.summary["n_years"] == 4).all()
    # the backtest's Theta mean total in 2014 is Theta's own forecast from 2014-09
    row = res.scores[(res.scores["method"] == "theta") & (res.scores["year"] == 2014)].iloc[0]
    cut = history.loc[:"2014-09"]
    own = Theta().fit(cut)
    ytd = float(cut.loc["2014-01":].sum())
    spread = own.sample_paths(3, 2000, rng=9).sum(axis=1).std()
    expected = ytd + own.predict(3, quantiles=None)["mean"].sum()
    assert row["mean"] == pytest.approx(expected, abs=4 * spread / np.sqrt(2000))


def test_threaded_drawing_gives_the_same_answer(units: pd.Series) -> None:
    history = units.loc[:"2015-09"]
    model = LSTMForecaster(**FAST_LSTM).fit(history)
    kwargs = {"as_of": "2015-09", "target": 182.0, "n_paths": 4000, "chunk_size": 500, "rng": 3}
    one = montecarlo.simulate_target(model, history, fit=False, n_jobs=1, **kwargs)
    two = montecarlo.simulate_target(model, history, fit=False, n_jobs=2, **kwargs)
    assert 0.02 < one.probability < 0.98
    assert one.probability == two.probability
    assert one.quantiles == two.quantiles
