"""Forecasters on pandas series with quantiles, sample paths and rolling-origin backtests."""

from __future__ import annotations

from forecast.auto import AutoForecaster
from forecast.errors import ForecastError, ForecastTypeError, ForecastValueError, NotFittedError
from forecast.neural import GRUForecaster, LSTMForecaster, NeuralForecaster, RNNForecaster

__all__ = [
    "AutoForecaster",
    "ForecastError",
    "ForecastTypeError",
    "ForecastValueError",
    "GRUForecaster",
    "LSTMForecaster",
    "NeuralForecaster",
    "NotFittedError",
    "RNNForecaster",
]
