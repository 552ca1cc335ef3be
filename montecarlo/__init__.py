"""Distribution fitting, goodness of fit, samplers, simulators and the target-probability engine."""

from __future__ import annotations

from montecarlo.checks import as_monthly_series, as_rng
from montecarlo.datasets import load_monthly_units, read_monthly_series
from montecarlo.errors import FitError, MonteCarloError, MonteCarloTypeError, MonteCarloValueError
from montecarlo.fit import DISTRIBUTIONS, FitResult, fit_distribution
from montecarlo.gof import compare_fits, gofstat
from montecarlo.johnson import JohnsonFit, fit_johnson
from montecarlo.param_bootstrap import BootstrapResult, bootstrap_parameters
from montecarlo.truncnorm import TruncatedNormal

__all__ = [
    "DISTRIBUTIONS",
    "BootstrapResult",
    "FitError",
    "FitResult",
    "JohnsonFit",
    "MonteCarloError",
    "MonteCarloTypeError",
    "MonteCarloValueError",
    "TruncatedNormal",
    "as_monthly_series",
    "as_rng",
    "bootstrap_parameters",
    "compare_fits",
    "fit_distribution",
    "fit_johnson",
    "gofstat",
    "load_monthly_units",
    "read_monthly_series",
]
