"""Exponential smoothing (ETS) with automatic model selection, on statsmodels' ETSModel.

The model is written as R's ``forecast::ets`` does: three letters error / trend / season,
``A`` additive, ``M`` multiplicative, ``N`` none, ``d`` a damped trend, ``Z`` "select".
``model="ZZZ"`` (the default) fits every admissible candidate by maximum likelihood
(smoothing parameters *and* initial states estimated) and keeps the one with the lowest
AICc. The candidate set follows R's defaults, which keeps selection cheap:

* trend in {N, A, Ad}: multiplicative trends only with ``allow_multiplicative_trend=True``;
* no additive-error model with a multiplicative component (infinite-variance forms);
* multiplicative error or season only for strictly positive data: for ``Z`` they are simply
  left out of the search, an explicit ``M`` on non-positive data is refused;
* seasonal forms only for ``1 < m <= 24`` and at least ``m + 4`` observations (weekly data
  with m = 52 is modelled without seasonality, as in R);
* candidates with more parameters than ``n - 4`` are skipped.

For monthly positive data that is 15 candidates (about 1 s per series). Forecast quantiles
use the closed-form variance for the six linear forms (ANN, AAN, AAdN, ANA, AAA, AAdA) and
2,000 simulated paths (fixed seed 0) otherwise; ``sample_paths`` simulates the selected
state-space model with Gaussian errors.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from forecast.base import Forecaster, single_threaded
from forecast.errors import ForecastValueError

__all__ = ["ETS"]

_LINEAR = {"ANN", "AAN", "AAdN", "ANA", "AAA", "AAdA"}
_NAMES = {"A": "add", "M": "mul", "N": None}


def _parse(model: object) -> tuple[str, str, str]:
    if isinstance(model, str) and len(model) in (3, 4):
        e, t, s = model[0], model[1:-1], model[-1]
        if e in "AMZ" and t in {"N", "A", "M", "Z", "Ad", "Md"} and s in "NAMZ":
            return e, t, s
    raise ForecastValueError(
        "The 'model' parameter of ETS must be three letters error/trend/season from A, M, N, "
        f"Z, with an optional 'd' after the trend (e.g. 'ZZZ', 'AAdN', 'MNM'). Got {model!r}."
    )


class ETS(Forecaster):
    """Exponential smoothing state-space model with AICc selection.

    Parameters
    ----------
    season_length : int or None
        Seasonal period; None infers it from the frequency (12 monthly, 4 quarterly).
    model : str
        Error/trend/season letters, ``Z`` to select (default ``"ZZZ"``).
    damped : bool or None
        Damped trend: True, False, or None to consider both.
    allow_multiplicative_trend : bool
        Include multiplicative trends among the candidates of a ``Z`` trend.
    criterion : {"aicc", "aic", "bic"}
        Information criterion of the selection.

    Attributes
    ----------
    model_ : str
        Selected form, e.g. ``"MAdM"``.
    results_ : statsmodels ETSResults
        The fitted statsmodels model.
    candidates_ : dict of str to float
        Criterion value of every candidate that could be fitted.

    Needs at least 5 observations.
    """

    def __init__(
        self,
        *,
        season_length: int | None = None,
        model: str = "ZZZ",
        damped: bool | None = None,
        allow_multiplicative_trend: bool = False,
        criterion: str = "aicc",
    ) -> None:
        self.season_length = season_length
        self.model = model
        self.damped = damped
        self.allow_multiplicative_trend = allow_multiplicative_trend
        self.criterion = criterion

    def _min_length(self, m: int) -> int:
        return 5

    def _candidates(self, values: np.ndarray, m: int) -> list[tuple[str, str, str, bool]]:
        e, t, s = _parse(self.model)
        if self.criterion not in ("aicc", "aic", "bic"):
            raise ForecastValueError(
                "The 'criterion' parameter of ETS must be 'aicc', 'aic' or 'bic'. "
                f"Got {self.criterion!r} instead."
            )
        if self.damped not in (None, True, False):
            raise ForecastValueError(
                f"The 'damped' parameter of ETS must be True, False or None. Got {self.damped!r}."
            )
        positive = bool((values > 0).all())
        if not positive and "M" in (e + t + s):
            raise ForecastValueError(
                f"The 'model' parameter of ETS asks for a multiplicative form ({self.model!r}) "
                "but 'y' has non-positive values; use 'A' or 'Z' (which then skips "
                "multiplicative forms)."
            )
        seasonal_ok = 1 < m <= 24 and values.size >= m + 4
        if s in "AM" and not seasonal_ok:
            raise ForecastValueError(
                f"The 'model' parameter of ETS asks for a seasonal form but season_length={m} "
                f"with {values.size} observations does not allow one (needs 1 < m <= 24 and "
                f"at least m + 4 observations)."
            )
        es = ["A", "M"] if e == "Z" else [e]
        if e == "Z" and not positive:
            es = ["A"]
        if t == "Z":
            ts = ["N", "A"] + (["M"] if self.allow_multiplicative_trend and positive else [])
        else:
            ts = [t[0]]
        damps = [False, True] if self.damped is None else [bool(self.damped)]
        if t in ("Ad", "Md"):
            damps = [True]
        if s == "Z":
            ss = ["N"] + ((["A", "M"] if positive else ["A"]) if seasonal_ok else [])
        else:
            ss = [s]
        out = []
        for ei in es:
            for ti in ts:
                for si in ss:
                    for d in damps:
                        if ti == "N" and d:
                            continue
                        if e == "Z" and ei == "A" and (ti == "M" or si == "M"):
                            continue
                        k = 2 + (ti != "N") * 2 + d + (si != "N") * m
                        if "Z" in (e + t + s) and k > values.size - 4:
                            continue
                        out.append((ei, ti, si, d))
        if not out:
            raise ForecastValueError(
                f"The 'y' parameter of ETS.fit is too short ({values.size} observations) for "
                f"any candidate of model={self.model!r}."
            )
        return out

    def _fit(self, values: np.ndarray, m: int) -> None:
        with single_threaded():
            self._select(values, m)

    def _select(self, values: np.ndarray, m: int) -> None:
        best = None
        self.candidates_: dict[str, float] = {}
        for e, t, s, d in self._candidates(values, m):
            name = e + t + ("d" if d else "") + s
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    res = ETSModel(
                        values,
                        error=_NAMES[e],
                        trend=_NAMES[t],
                        damped_trend=d,
                        seasonal=_NAMES[s],
                        seasonal_periods=m if s != "N" else None,
                        initialization_method="estimated",
                    ).fit(disp=False)
                crit = float(getattr(res, self.criterion))
            except (ValueError, np.linalg.LinAlgError, ZeroDivisionError, FloatingPointError):
                continue
            if not math.isfinite(crit) or not np.isfinite(res.fittedvalues).all():
                continue
            self.candidates_[name] = crit
            if best is None or crit < best[0]:
                best = (crit, name, res)
        if best is None:
            raise ForecastValueError(
                f"ETS could not fit any candidate of model={self.model!r} to 'y'."
            )
        _, self.model_, self.results_ = best

    def _fitted_values(self) -> np.ndarray:
        return np.asarray(self.results_.fittedvalues, dtype=np.float64)

    def _predict_mean(self, h: int) -> np.ndarray:
        return np.asarray(self.results_.forecast(h), dtype=np.float64)

    def _predict_std(self, h: int) -> np.ndarray | None:
        if self.model_ not in _LINEAR:
            return None
        # what get_prediction(method="exact") computes (it fails on ndarray input in 0.15)
        res = self.results_
        var = res.mse * res._relative_forecast_variance(np.arange(1, h + 1))
        return np.sqrt(np.asarray(var, dtype=np.float64))

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        sims = self.results_.simulate(h, anchor="end", repetitions=n, rng=rng)
        return np.asarray(sims, dtype=np.float64).reshape(h, n).T
