"""Distribution fitting, goodness of fit, samplers, simulators and the target-probability engine."""

from __future__ import annotations

from montecarlo.backtest import (
    BacktestResult,
    calibration_backtest,
    crps_from_samples,
    scored_years,
)
from montecarlo.base import NotFittedError, Simulator
from montecarlo.budget import (
    DEFAULT_MEMORY_LIMIT,
    MemoryEstimate,
    check_memory,
    format_bytes,
    simulation_memory,
)
from montecarlo.checks import as_monthly_series, as_rng
from montecarlo.correlation import iman_conover
from montecarlo.datasets import (
    load_monthly_units,
    parse_month_values,
    read_frame,
    read_monthly_series,
)
from montecarlo.engine import simulate_target
from montecarlo.errors import (
    FitError,
    MemoryBudgetError,
    MonteCarloError,
    MonteCarloTypeError,
    MonteCarloValueError,
)
from montecarlo.fit import DISTRIBUTIONS, FitResult, fit_distribution
from montecarlo.gof import compare_fits, fitted_distribution, format_params, gofstat
from montecarlo.johnson import JohnsonFit, fit_johnson
from montecarlo.param_bootstrap import BootstrapResult, bootstrap_parameters
from montecarlo.recommend import Recommendation, recommend_method
from montecarlo.resample import BootstrapSimulator
from montecarlo.samplers import AntitheticSampler, PlainSampler, Sampler, SobolSampler, as_sampler
from montecarlo.seasonal import SeasonalSimulator, remaining_share
from montecarlo.sensitivity import tornado
from montecarlo.simulate import IIDSimulator, MonthlySimulator, as_period
from montecarlo.target import TargetResult, probability_curve, target_probability
from montecarlo.truncnorm import TruncatedNormal, fit_truncated_normal

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "DISTRIBUTIONS",
    "AntitheticSampler",
    "BacktestResult",
    "BootstrapResult",
    "BootstrapSimulator",
    "FitError",
    "FitResult",
    "IIDSimulator",
    "JohnsonFit",
    "MemoryBudgetError",
    "MemoryEstimate",
    "MonteCarloError",
    "MonteCarloTypeError",
    "MonteCarloValueError",
    "MonthlySimulator",
    "NotFittedError",
    "PlainSampler",
    "Recommendation",
    "Sampler",
    "SeasonalSimulator",
    "Simulator",
    "SobolSampler",
    "TargetResult",
    "TruncatedNormal",
    "as_monthly_series",
    "as_period",
    "as_rng",
    "as_sampler",
    "bootstrap_parameters",
    "calibration_backtest",
    "check_memory",
    "compare_fits",
    "crps_from_samples",
    "fit_distribution",
    "fit_johnson",
    "fit_truncated_normal",
    "fitted_distribution",
    "format_bytes",
    "format_params",
    "gofstat",
    "iman_conover",
    "load_monthly_units",
    "parse_month_values",
    "probability_curve",
    "read_frame",
    "read_monthly_series",
    "recommend_method",
    "remaining_share",
    "scored_years",
    "simulate_target",
    "simulation_memory",
    "target_probability",
    "tornado",
]
