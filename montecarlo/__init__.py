"""Distribution fitting, goodness of fit, samplers, simulators and the target-probability engine."""

from __future__ import annotations

from montecarlo.checks import as_monthly_series, as_rng
from montecarlo.datasets import load_monthly_units, read_monthly_series
from montecarlo.errors import FitError, MonteCarloError, MonteCarloTypeError, MonteCarloValueError

__all__ = [
    "FitError",
    "MonteCarloError",
    "MonteCarloTypeError",
    "MonteCarloValueError",
    "as_monthly_series",
    "as_rng",
    "load_monthly_units",
    "read_monthly_series",
]
