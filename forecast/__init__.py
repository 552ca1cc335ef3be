"""Forecasters on pandas series with quantiles, sample paths and rolling-origin backtests."""

from __future__ import annotations

from forecast._series import regularize
from forecast.arima import ARIMA
from forecast.auto import AutoForecaster
from forecast.backtest import backtest, summarize
from forecast.base import Forecaster, clone
from forecast.baselines import Drift, HistoricMean, Naive, Naive2, SeasonalNaive
from forecast.errors import ForecastError, ForecastTypeError, ForecastValueError, NotFittedError
from forecast.ets import ETS
from forecast.frames import series_from_frame
from forecast.metrics import (
    coverage,
    crps,
    interval_width,
    mae,
    mape,
    mase,
    owa,
    pinball_loss,
    rmse,
    smape,
)
from forecast.neural import GRUForecaster, LSTMForecaster, NeuralForecaster, RNNForecaster
from forecast.theta import Theta

__all__ = [
    "ARIMA",
    "ETS",
    "AutoForecaster",
    "Drift",
    "ForecastError",
    "ForecastTypeError",
    "ForecastValueError",
    "Forecaster",
    "GRUForecaster",
    "HistoricMean",
    "LSTMForecaster",
    "Naive",
    "Naive2",
    "NeuralForecaster",
    "NotFittedError",
    "RNNForecaster",
    "SeasonalNaive",
    "Theta",
    "backtest",
    "clone",
    "coverage",
    "crps",
    "interval_width",
    "mae",
    "mape",
    "mase",
    "owa",
    "pinball_loss",
    "regularize",
    "rmse",
    "series_from_frame",
    "smape",
    "summarize",
]
