"""The one registry of models: name -> factory, description, kind and fast test parameters.

Every way of imagining the future that riskcast offers is registered here once, by name:
the classic iid methods, the seasonal and bootstrap simulators of :mod:`montecarlo`, and
every forecaster of this package. The command line (``riskcast target --method``,
``riskcast forecast --model`` and their help), the dashboard's choices, the batch
report's config validation, :class:`forecast.AutoForecaster`'s member names and the
conformance suite (``tests/test_conformance.py``) all read this registry; adding a model
is one :func:`register` call.

Forecasters are imported on first use only (statsmodels, numba and the neural core load
when a forecaster is built, not when the registry is read), so a front end that only
lists names or runs the iid methods starts quickly.

Examples
--------
>>> "seasonal" in model_names() and "ets" in model_names(forecaster=True)
True
>>> model_spec("iid-normal").forecaster
False
>>> make_model("iid-normal")
IIDSimulator(dist='norm', truncate='observed', param_uncertainty=False, n_param_draws=200, \
window=None, guard='refuse', dtype='float64', corr=None, random_state=0)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from forecast.errors import ForecastTypeError, ForecastValueError
from montecarlo import Simulator

__all__ = [
    "ModelSpec",
    "default_methods",
    "make_model",
    "model_names",
    "model_spec",
    "register",
    "registered_models",
]


@dataclass(frozen=True)
class ModelSpec:
    """One registered model.

    Attributes
    ----------
    name : str
        The registry name (``"iid-normal"``, ``"ets"``...), used on the command line, in
        report configs and in the seed rule.
    factory : callable
        ``factory(**params)`` returns a fresh, unfitted :class:`montecarlo.Simulator`;
        ``params`` override the registered defaults.
    description : str
        One line for ``--help`` and the dashboard.
    label : str
        Display name in the dashboard.
    forecaster : bool
        Whether the model is a :class:`forecast.Forecaster` (any frequency, ``predict``,
        ``forecast``) rather than a monthly target simulator.
    default : bool
        Whether the target question runs it when no method is named.
    fast_params : mapping
        Parameters that make the model quick enough for the conformance suite (small
        networks, few members); they never change what the model is.
    """

    name: str
    factory: Callable[..., Simulator]
    description: str
    label: str
    forecaster: bool
    default: bool = False
    fast_params: Mapping[str, Any] = field(default_factory=dict)


_REGISTRY: dict[str, ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    """Add ``spec`` to the registry (a name can be registered once); returns it."""
    if not isinstance(spec, ModelSpec):
        raise ForecastTypeError(
            f"The 'spec' parameter of register must be a ModelSpec. Got {type(spec).__name__}."
        )
    if spec.name in _REGISTRY:
        raise ForecastValueError(
            f"The model name {spec.name!r} is already registered; names are registered once."
        )
    _REGISTRY[spec.name] = spec
    return spec


def model_names(*, forecaster: bool | None = None) -> list[str]:
    """Registered names in registration order (``forecaster=True/False`` filters)."""
    return [n for n, s in _REGISTRY.items() if forecaster is None or s.forecaster == forecaster]


def default_methods() -> tuple[str, ...]:
    """The methods the target question runs when none is named."""
    return tuple(n for n, s in _REGISTRY.items() if s.default)


def model_spec(name: str, *, forecaster: bool | None = None) -> ModelSpec:
    """The :class:`ModelSpec` of ``name``; an unknown name lists the known ones."""
    known = model_names(forecaster=forecaster)
    if not isinstance(name, str) or name not in known:
        kind = "forecaster" if forecaster else "model"
        raise ForecastValueError(
            f"The {kind} name {name!r} is not registered. Known: {', '.join(known)}."
        )
    return _REGISTRY[name]


def make_model(name: str, *, fast: bool = False, **params: Any) -> Simulator:
    """A fresh, unfitted model ``name`` (``fast=True``: with its fast test parameters).

    ``params`` override the registered defaults (and the fast parameters).
    """
    spec = model_spec(name)
    merged = {**(spec.fast_params if fast else {}), **params}
    return spec.factory(**merged)


def registered_models() -> Mapping[str, ModelSpec]:
    """A read-only view of every registered :class:`ModelSpec`, by name."""
    return MappingProxyType(_REGISTRY)


def _lazy(path: str, **defaults: Any) -> Callable[..., Simulator]:
    """A factory of class ``"module:Class"`` with ``defaults``, imported on first call."""
    module, cls = path.split(":")

    def factory(**params: Any) -> Simulator:
        model_cls = getattr(importlib.import_module(module), cls)
        return model_cls(**{**defaults, **params})

    factory.__qualname__ = f"factory[{path}]"
    return factory


def _spec(name: str, path: str, description: str, label: str, **kw: Any) -> None:
    defaults = kw.pop("defaults", {})
    register(ModelSpec(name, _lazy(path, **defaults), description, label, **kw))


# ---------------------------------------------------------------------- target simulators
_IID = "montecarlo.simulate:IIDSimulator"
_spec(
    "iid-normal", _IID,
    "classic: every month iid from a normal truncated to the observed [min, max]",
    "iid normal (classic)", forecaster=False, default=True,
    defaults={"dist": "norm", "truncate": "observed"},
)  # fmt: skip
_spec(
    "iid-johnson", _IID,
    "classic: every month iid from a Johnson-system quantile fit (kept even if its support "
    "excludes data, as the classic method does)",
    "iid Johnson (classic)", forecaster=False, default=True,
    defaults={"dist": "johnson", "truncate": None, "guard": "ignore"},
)  # fmt: skip
_spec(
    "seasonal", "montecarlo.seasonal:SeasonalSimulator",
    "last year's remaining months x this year's year-to-date growth, with the errors that "
    "rule made in past years",
    "seasonal (year over year)", forecaster=False, default=True, defaults={"method": "yoy"},
)  # fmt: skip
_spec(
    "seasonal-share", "montecarlo.seasonal:SeasonalSimulator",
    "rest-of-year total as a share of the year to date, from past years",
    "seasonal (share of year)", forecaster=False, defaults={"method": "share"},
)  # fmt: skip
_spec(
    "seasonal-monthly", "montecarlo.seasonal:SeasonalSimulator",
    "each calendar month from its own trend over past years",
    "seasonal (monthly trends)", forecaster=False,
    defaults={"method": "monthly", "trend": True},
)  # fmt: skip
_spec(
    "bootstrap", "montecarlo.resample:BootstrapSimulator",
    "past years' rest-of-year blocks, rescaled to this year's level",
    "bootstrap of past years", forecaster=False, default=True, defaults={"scale": "ytd"},
)  # fmt: skip
_GEN_FAST = {"steps": 40, "hidden": 8}
_spec(
    "gan", "forecast.generative:GANSimulator",
    "generative: a conditional GAN (nn core, Adam) trained on every past cutoff's next "
    "months as errors of the year-over-year rule",
    "GAN (generative)", forecaster=False, fast_params=_GEN_FAST,
)  # fmt: skip
_spec(
    "vae", "forecast.generative:VAESimulator",
    "generative: a conditional VAE (nn core) trained on every past cutoff's next months as "
    "errors of the year-over-year rule",
    "VAE (generative)", forecaster=False, fast_params=_GEN_FAST,
)  # fmt: skip

# ---------------------------------------------------------------------- forecasters
_NEURAL_FAST = {"hidden_size": 8, "n_models": 2, "max_epochs": 30, "patience": 5}
_spec(
    "ets", "forecast.ets:ETS",
    "forecast: ETS state-space model (form chosen by AICc), simulated paths",
    "ETS", forecaster=True,
)  # fmt: skip
_spec(
    "theta", "forecast.theta:Theta",
    "forecast: Theta method on the seasonally adjusted series, simulated paths",
    "Theta", forecaster=True,
)  # fmt: skip
_spec(
    "arima", "forecast.arima:ARIMA",
    "forecast: seasonal ARIMA (stepwise order search), simulated paths",
    "ARIMA", forecaster=True, fast_params={"max_p": 2, "max_q": 2, "max_P": 1, "max_Q": 1},
)  # fmt: skip
_spec(
    "lstm", "forecast.neural:LSTMForecaster",
    "forecast: LSTM ensemble on the deseasonalised series, bootstrapped held-out errors",
    "LSTM", forecaster=True, fast_params=_NEURAL_FAST,
)  # fmt: skip
_spec(
    "gru", "forecast.neural:GRUForecaster",
    "forecast: GRU ensemble on the deseasonalised series, bootstrapped held-out errors",
    "GRU", forecaster=True, fast_params=_NEURAL_FAST,
)  # fmt: skip
_spec(
    "rnn", "forecast.neural:RNNForecaster",
    "forecast: plain (Elman) RNN ensemble on the deseasonalised series",
    "RNN", forecaster=True, fast_params=_NEURAL_FAST,
)  # fmt: skip
_spec(
    "nbeats", "forecast.nbeats:NBeats",
    "forecast: N-BEATS networks pretrained on the M3 training parts, zero-shot on the "
    "deseasonalised series, bootstrapped held-out errors",
    "N-BEATS (pretrained, zero-shot)", forecaster=True,
)  # fmt: skip
_spec(
    "nbeats-tuned", "forecast.nbeats:NBeats",
    "forecast: the pretrained N-BEATS networks fine-tuned on the series (early stopping on "
    "its last months)",
    "N-BEATS (fine-tuned)", forecaster=True, defaults={"fine_tune": 30},
    fast_params={"fine_tune": 3},
)  # fmt: skip
_spec(
    "naive2", "forecast.baselines:Naive2",
    "forecast: last value of the seasonally adjusted series (the M-competition benchmark)",
    "Naive2", forecaster=True,
)  # fmt: skip
_spec(
    "snaive", "forecast.baselines:SeasonalNaive",
    "forecast: the same period of the last season",
    "Seasonal naive", forecaster=True,
)  # fmt: skip
_spec(
    "naive", "forecast.baselines:Naive",
    "forecast: the last value, random-walk intervals",
    "Naive", forecaster=True,
)  # fmt: skip
_spec(
    "drift", "forecast.baselines:Drift",
    "forecast: the line from the first to the last value, random-walk-with-drift intervals",
    "Drift", forecaster=True,
)  # fmt: skip
_spec(
    "auto", "forecast.auto:AutoForecaster",
    "forecast: N-BEATS (pretrained), Theta and ARIMA weighted by a validation on the series, "
    "mixture paths",
    "Auto (combination)", forecaster=True,
    fast_params={"members": ("ets", "theta", "snaive")},
)  # fmt: skip
