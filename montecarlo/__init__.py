"""Distribution fitting, goodness of fit, samplers, simulators and the target-probability engine."""

from __future__ import annotations

from montecarlo.checks import as_monthly_series, as_rng
from montecarlo.datasets import load_monthly_units, read_monthly_series
from montecarlo.errors import FitError, MonteCarloError, MonteCarloTypeError, MonteCarloValueError
from montecarlo.fit import DISTRIBUTIONS, FitResult, fit_distribution
from montecarlo.johnson import JohnsonFit, fit_johnson
from montecarlo.truncnorm import TruncatedNormal

__all__ = [
    "DISTRIBUTIONS",
    "FitError",
    "FitResult",
    "JohnsonFit",
    "MonteCarloError",
    "MonteCarloTypeError",
    "MonteCarloValueError",
    "TruncatedNormal",
    "as_monthly_series",
    "as_rng",
    "fit_distribution",
    "fit_johnson",
    "load_monthly_units",
    "read_monthly_series",
]
