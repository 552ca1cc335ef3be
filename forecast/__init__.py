"""Forecasters on pandas series with quantiles, sample paths and rolling-origin backtests."""

from __future__ import annotations

from forecast._series import regularize
from forecast.anomaly import ANOMALY_METHODS, detect_anomalies, exclude_anomalies
from forecast.anomaly_ae import AutoencoderDetector
from forecast.anomaly_pretrained import (
    load_autoencoders,
    pretrain_autoencoders,
    save_autoencoders,
)
from forecast.anomaly_result import AnomalyResult
from forecast.anomaly_stl import STLDetector, seasonal_estimate
from forecast.arima import ARIMA
from forecast.auto import AutoForecaster, make_member
from forecast.base import Forecaster, clone
from forecast.baselines import Drift, HistoricMean, Naive, Naive2, SeasonalNaive
from forecast.errors import (
    ForecastError,
    ForecastTypeError,
    ForecastValueError,
    NotFittedError,
    PretrainedFileError,
)
from forecast.ets import ETS
from forecast.frames import series_from_frame
from forecast.generative import GANSimulator, VAESimulator
from forecast.many import forecast_many, series_model, series_random_state
from forecast.many_answers import answer_many
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
from forecast.nbeats import NBeats
from forecast.nbeats_pretrain import (
    add_pool_noise,
    load_pretrained,
    pretrain_nbeats,
    refit_nbeats,
    save_pretrained,
)
from forecast.neural import GRUForecaster, LSTMForecaster, NeuralForecaster, RNNForecaster
from forecast.question import (
    BACKTEST_MIN_PAST_YEARS,
    DEFAULT_LEVEL,
    Answer,
    MethodRun,
    answer_question,
    backtest_method,
    backtest_years,
    check_methods,
    default_target,
    question_anomalies,
    run_method,
    stack_backtests,
)
from forecast.registry import (
    ModelSpec,
    default_methods,
    make_model,
    model_names,
    model_spec,
    register,
    registered_models,
)
from forecast.result import ForecastResult
from forecast.rolling import BacktestFrame, backtest, summarize
from forecast.theta import Theta

__all__ = [
    "ANOMALY_METHODS",
    "ARIMA",
    "BACKTEST_MIN_PAST_YEARS",
    "DEFAULT_LEVEL",
    "ETS",
    "AnomalyResult",
    "Answer",
    "AutoForecaster",
    "AutoencoderDetector",
    "BacktestFrame",
    "Drift",
    "ForecastError",
    "ForecastResult",
    "ForecastTypeError",
    "ForecastValueError",
    "Forecaster",
    "GANSimulator",
    "GRUForecaster",
    "HistoricMean",
    "LSTMForecaster",
    "MethodRun",
    "ModelSpec",
    "NBeats",
    "Naive",
    "Naive2",
    "NeuralForecaster",
    "NotFittedError",
    "PretrainedFileError",
    "RNNForecaster",
    "STLDetector",
    "SeasonalNaive",
    "Theta",
    "VAESimulator",
    "add_pool_noise",
    "answer_many",
    "answer_question",
    "backtest",
    "backtest_method",
    "backtest_years",
    "check_methods",
    "clone",
    "coverage",
    "crps",
    "default_methods",
    "default_target",
    "detect_anomalies",
    "exclude_anomalies",
    "forecast_many",
    "interval_width",
    "load_autoencoders",
    "load_pretrained",
    "mae",
    "make_member",
    "make_model",
    "mape",
    "mase",
    "model_names",
    "model_spec",
    "owa",
    "pinball_loss",
    "pretrain_autoencoders",
    "pretrain_nbeats",
    "question_anomalies",
    "refit_nbeats",
    "register",
    "registered_models",
    "regularize",
    "rmse",
    "run_method",
    "save_autoencoders",
    "save_pretrained",
    "seasonal_estimate",
    "series_from_frame",
    "series_model",
    "series_random_state",
    "smape",
    "stack_backtests",
    "summarize",
]
