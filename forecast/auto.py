"""``AutoForecaster``: a combination of forecasters weighted by a validation on the series.

Rule (fixed, documented, chosen on M3 monthly - see BENCHMARKS.md, section ``m3_monthly``):

1. every member (default: the pretrained N-BEATS zero-shot, Theta and ARIMA, chosen out
   of sample as stated below) is fitted on the whole series; a
   member that cannot fit it (too short, failed optimisation) is left out;
2. **rolling-origin validation** with ``validation_origins`` origins (default 3)
   ``n - validation_horizon - k * step``, ``k = 0, 1, ...``, ``step = validation_horizon
   // 3`` (6 months for monthly data), as many as leave at least ``max(2 * season_length,
   12)`` observations before the origin: at each origin a copy of each member is refitted
   on the data up to it and forecasts the next ``validation_horizon`` observations; the
   member's validation error is the mean sMAPE of those forecasts over the origins where
   it could be refitted. To keep the cost near one fit per member, ETS and ARIMA are
   refitted at the origins with the form/orders they selected on the whole series (no
   second model search; the mild look-ahead concerns the model form only);
3. ``combination`` turns the validation errors into weights ``w``:

   * ``"inverse"`` (default): weights proportional to ``1 / sMAPE``;
   * ``"trimmed"``: drop the member with the largest validation error (when there are
     at least three), equal weights on the rest;
   * ``"mean"``: equal weights on all members (validation reported, not used);
   * ``"select"``: weight 1 on the member with the smallest validation error;

4. the point forecast (``mean`` column) is ``sum_k w_k * mean_k``; ``sample_paths`` draws
   from the **mixture** of the members: each path comes whole from member ``k`` with
   probability ``w_k`` (the number of paths per member is multinomial), so every path is
   a coherent trajectory of one model, and the spread includes the disagreement between
   members. Quantiles are those of 2,000 mixture paths (fixed seed).

How the default was chosen (out of sample: ``benchmarks/m3_members.py compute --validation``
and ``score --validation``; the M3 test months ``xx`` are never used): every M3 monthly
training part ``x`` (714 evenly spaced of the 1,428 series) is cut into ``x[:-18]`` and the
validation window ``x[-18:]``; each candidate (ETS, ARIMA, Theta, GRU, LSTM, N-BEATS,
seasonal naive) is fitted on the first part as this class fits a member, and every subset
under every combination rule is scored on the window. The rule, fixed before the scores
were seen: among the combinations costing at most the CPU of the previous default (ETS,
ARIMA, Theta, GRU) whose validation 80% coverage lies in 78-85%, the one with the fewest
members within 0.03 sMAPE of the best. Chosen: N-BEATS + Theta + ARIMA with inverse-sMAPE
weights, validation sMAPE 12.99 (best single member Theta 13.68), 80% coverage 84.4%, 0.65x
the previous default's CPU; rerun with N-BEATS reading deseasonalised input (its default
since): the same choice, 12.99, 84.2%, 0.52x (N-BEATS alone 13.52). The shipped N-BEATS
file trained on the months before the window and early-stopped on the window itself, so those
numbers flatter it; with networks trained at a nested origin (36 months earlier, member
``nbeats-nested`` of that script) the choice is the same, validation sMAPE 13.12, coverage
81.5% (N-BEATS alone 14.21). Rerun with the file of standardising networks (format 4):
the same choice at both origins, 12.99 and 13.02 (N-BEATS alone 13.25 and 13.62).
Three validation origins instead of one (``validation_origins=3``, since session 29; the
LSTM and GRU candidates with their new default ``anchor="both"``): the same choice at both
origins, 12.955 and 12.971; the number of origins was set on these windows (shipped /
nested networks: one origin 12.99 / 13.02; with the origin 6 months back 12.96 / 12.99,
with the one 12 months back 12.96 / 12.98; all three 12.955 / 12.971; a fourth, 18 months
back, 12.97 / 12.99).
BENCHMARKS.md, ``m3_monthly``, gives the test score.

When the series is too short for a validation origin (fewer than
``max(2 * season_length, 12)`` observations before it for every member), the members get
equal weights.
"""

from __future__ import annotations

import numbers
import time
import warnings
from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from forecast.arima import ARIMA
from forecast.base import Forecaster, clone
from forecast.errors import ForecastError, ForecastTypeError, ForecastValueError
from forecast.ets import ETS
from forecast.metrics import smape
from forecast.registry import make_model, model_names

__all__ = ["AutoForecaster", "make_member"]

_RULES = ("inverse", "trimmed", "mean", "select")


def make_member(
    name: str, *, season_length: int | None = None, random_state: int = 0
) -> Forecaster:
    """A default-configured forecaster from its registry name (:mod:`forecast.registry`).

    ``season_length`` and ``random_state`` are set on the models that have them.

    Parameters
    ----------
    name : str
        A registered forecaster: ``"ets"``, ``"theta"``, ``"arima"``, ``"lstm"``,
        ``"gru"``, ``"rnn"``, ``"naive2"``, ``"snaive"``, ...
    """
    if name == "auto" or name not in model_names(forecaster=True):
        members = [n for n in model_names(forecaster=True) if n != "auto"]
        raise ForecastValueError(
            f"The 'members' parameter of AutoForecaster must hold forecasters or names from "
            f"{members}. Got {name!r} instead."
        )
    model = make_model(name)
    wanted = {"season_length": season_length, "random_state": random_state}
    params = model.get_params()
    model.set_params(**{k: v for k, v in wanted.items() if k in params})
    return cast(Forecaster, model)


def _frozen(model: Forecaster) -> Forecaster:
    """An unfitted copy that refits the form ``model`` selected (ETS, ARIMA), a neural
    model without its holdout ensemble (the validation scores point forecasts only), or a
    clone."""
    params = model.get_params()
    if isinstance(model, ETS) and hasattr(model, "model_"):
        params["model"] = model.model_
        params["damped"] = None
    elif "interval_errors" in params:  # neural: the validation needs point forecasts only
        params["interval_errors"] = "validation"
    elif isinstance(model, ARIMA) and hasattr(model, "order_"):
        params["order"] = tuple(model.order_)
        params["seasonal_order"] = tuple(model.seasonal_order_[:3])
        params["include_constant"] = bool(model.constant_)
    return type(model)(**params)


class AutoForecaster(Forecaster):
    """Validation-weighted combination of forecasters (see the module docstring).

    Parameters
    ----------
    season_length : int or None
        Seasonal period, passed to the members named by string.
    members : sequence of str or Forecaster
        Names (``"ets"``, ``"arima"``, ``"theta"``, ``"gru"``, ``"lstm"``, ...) or
        forecaster instances (cloned, never modified).
    validation_horizon : int or None
        Length of the validation forecast; None means ``2 * season_length`` clipped to
        [6, 18].
    validation_origins : int
        Most validation origins, ``validation_horizon // 3`` apart (fewer on short
        series); the errors are averaged over them. 1 is the single origin
        ``n - validation_horizon``.
    combination : {"inverse", "trimmed", "mean", "select"}
        Rule turning validation errors into weights.
    random_state : int
        Seed of the neural members named by string.

    Attributes
    ----------
    members_ : dict of str to Forecaster
        The members fitted on the whole series.
    validation_ : dict of str to float
        Validation sMAPE of every member, the mean over the origins (empty when the
        series was too short).
    validation_scores_ : dict of str to list of float
        Every member's sMAPE at each origin where it could be refitted.
    validation_origins_ : list of int
        The origins used (observations before each), latest first; empty when none.
    weights_ : dict of str to float
        Combination weights (sum to 1).
    seconds_ : dict of str to tuple of float
        Wall time of every member's fit on the whole series and of its validation refit.
    """

    def __init__(
        self,
        *,
        season_length: int | None = None,
        members: Sequence[str | Forecaster] = ("nbeats", "theta", "arima"),
        validation_horizon: int | None = None,
        validation_origins: int = 3,
        combination: str = "inverse",
        random_state: int = 0,
    ) -> None:
        self.season_length = season_length
        self.members = members
        self.validation_horizon = validation_horizon
        self.validation_origins = validation_origins
        self.combination = combination
        self.random_state = random_state

    def _min_length(self, m: int) -> int:
        return 6

    def _make_members(self) -> dict[str, Forecaster]:
        cls = "AutoForecaster"
        if isinstance(self.members, str) or not isinstance(self.members, Sequence):
            raise ForecastTypeError(
                f"The 'members' parameter of {cls} must be a sequence of names or "
                f"forecasters. Got {self.members!r} instead."
            )
        if len(self.members) == 0:
            raise ForecastValueError(f"The 'members' parameter of {cls} must not be empty.")
        if self.combination not in _RULES:
            raise ForecastValueError(
                f"The 'combination' parameter of {cls} must be one of {list(_RULES)}. "
                f"Got {self.combination!r} instead."
            )
        vh = self.validation_horizon
        if vh is not None and (
            isinstance(vh, bool) or not isinstance(vh, numbers.Integral) or vh < 1
        ):
            raise ForecastValueError(
                f"The 'validation_horizon' parameter of {cls} must be None or an integer "
                f">= 1. Got {vh!r} instead."
            )
        k = self.validation_origins
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
            raise ForecastValueError(
                f"The 'validation_origins' parameter of {cls} must be an integer >= 1. "
                f"Got {k!r} instead."
            )
        rs = self.random_state
        if isinstance(rs, bool) or not isinstance(rs, numbers.Integral):
            raise ForecastTypeError(
                f"The 'random_state' parameter of {cls} must be an int. Got {rs!r} instead."
            )
        out: dict[str, Forecaster] = {}
        for item in self.members:
            if isinstance(item, Forecaster):
                model, key = clone(item), type(item).__name__.lower()
            elif isinstance(item, str):
                model = make_member(item, season_length=self.season_length, random_state=int(rs))
                key = item
            else:
                raise ForecastTypeError(
                    f"The 'members' parameter of {cls} must hold names or forecasters. "
                    f"Got {type(item).__name__} {item!r} instead."
                )
            while key in out:
                key += "'"
            out[key] = model
        return out

    def _fit(self, values: np.ndarray, m: int) -> None:
        candidates = self._make_members()
        y = self.history_
        n = values.size
        fitted: dict[str, Forecaster] = {}
        errors: dict[str, str] = {}
        seconds: dict[str, list[float]] = {}
        for key, model in candidates.items():
            t0 = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fitted[key] = model.fit(y)
            except (ForecastError, np.linalg.LinAlgError, FloatingPointError) as exc:
                errors[key] = str(exc)
            seconds[key] = [time.perf_counter() - t0, 0.0]
        if not fitted:
            raise ForecastValueError(
                f"No member of AutoForecaster could be fitted to 'y' ({n} observations): "
                + "; ".join(f"{k}: {v}" for k, v in errors.items())
            )
        self.members_ = fitted
        self.failed_ = errors
        vh = self.validation_horizon
        if vh is None:
            vh = min(max(2 * m, 6), 18)
        vh = int(min(vh, n - max(2 * m, 12)))
        self.validation_: dict[str, float] = {}
        self.validation_scores_: dict[str, list[float]] = {}
        self.validation_origins_: list[int] = []
        if vh >= 1:
            step = max(1, vh // 3)
            for k in range(int(self.validation_origins)):
                cut = n - vh - k * step
                if cut < max(2 * m, 12):
                    break
                self.validation_origins_.append(cut)
                self._validate_at(fitted, y, values, cut, vh, seconds)
            self.validation_ = {
                key: float(np.mean(v)) for key, v in self.validation_scores_.items() if v
            }
        self.seconds_ = {k: (v[0], v[1]) for k, v in seconds.items()}
        self.validation_horizon_ = vh if self.validation_ else 0
        if not self.validation_:
            self.validation_origins_ = []
        self.weights_ = self._weights()

    def _validate_at(
        self,
        fitted: dict[str, Forecaster],
        y: Any,
        values: np.ndarray,
        cut: int,
        vh: int,
        seconds: dict[str, list[float]],
    ) -> None:
        """Refit every member on ``y[:cut]`` and record the sMAPE of its forecast of the
        next ``vh`` observations in ``validation_scores_`` (a member that fails there
        records nothing at that origin)."""
        train, test = y.iloc[:cut], values[cut : cut + vh]
        for key, model in fitted.items():
            t0 = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pred = _frozen(model).fit(train).predict(vh, quantiles=None)
                score = smape(test, pred["mean"].to_numpy())
                self.validation_scores_.setdefault(key, []).append(score)
            except (ForecastError, np.linalg.LinAlgError, FloatingPointError, ValueError):
                pass
            seconds[key][1] += time.perf_counter() - t0

    def _weights(self) -> dict[str, float]:
        keys = list(self.members_)
        val = self.validation_
        rule = self.combination
        if rule == "mean" or not val:
            return {k: 1.0 / len(keys) for k in keys}
        scored = [k for k in keys if k in val]
        if rule == "select":
            best = min(scored, key=lambda k: val[k])
            return {k: float(k == best) for k in keys}
        if rule == "inverse":
            inv = {k: 1.0 / max(val[k], 1e-6) for k in scored}
            total = sum(inv.values())
            return {k: inv.get(k, 0.0) / total for k in keys}
        # trimmed: drop the worst validated member when at least three were validated
        keep = list(scored)
        if len(keep) >= 3:
            keep.remove(max(keep, key=lambda k: val[k]))
        return {k: (1.0 / len(keep) if k in keep else 0.0) for k in keys}

    # ------------------------------------------------------------------ prediction
    def _active(self) -> list[tuple[Forecaster, float]]:
        return [(self.members_[k], w) for k, w in self.weights_.items() if w > 0]

    def _predict_mean(self, h: int) -> np.ndarray:
        return np.sum(
            [w * mdl.predict(h, quantiles=None)["mean"].to_numpy() for mdl, w in self._active()],
            axis=0,
        )

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        active = self._active()
        weights = np.array([w for _, w in active])
        counts = rng.multinomial(n, weights / weights.sum())
        parts = [
            mdl.sample_paths(h, int(c), rng)
            for (mdl, _), c in zip(active, counts, strict=True)
            if c > 0
        ]
        paths = np.concatenate(parts, axis=0)
        return paths[rng.permutation(n)]

    def _fitted_values(self) -> np.ndarray:
        out = np.zeros(self.history_.size)
        for mdl, w in self._active():
            out += w * mdl.predict_in_sample().to_numpy()
        return out

    def summary(self) -> dict[str, Any]:
        """Validation sMAPE and weight of every member, and the members that failed."""
        return {
            "validation_smape": dict(self.validation_),
            "weights": dict(self.weights_),
            "failed": dict(self.failed_),
        }
