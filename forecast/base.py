"""The contract every forecaster follows, and the simulator view of it.

A forecaster is a :class:`montecarlo.base.Simulator` (the one contract of everything that
imagines the future). It is fitted on one :class:`pandas.Series` (regular PeriodIndex or
DatetimeIndex, see :func:`forecast.check_series`), kept as ``history_``, and then answers
four questions:

* ``predict(h, quantiles)`` - point forecasts and quantiles of the next ``h`` periods, as a
  DataFrame indexed by the future periods with a ``mean`` column and one column per quantile
  level named ``"q<level>"`` (``0.1 -> "q0.1"``, ``0.975 -> "q0.975"``);
* ``sample_paths(h, n, rng)`` - ``n`` simulated futures, ndarray of shape ``(n, h)``;
* ``predict_in_sample()`` - one-step-ahead fitted values on the training periods;
* ``forecast(history, h, quantiles)`` - fit on ``history`` and predict in one call; it
  equals ``fit(history).predict(h, quantiles)`` exactly (the statsforecast consistency
  rule) and leaves the forecaster itself untouched.

As a simulator, ``paths(as_of, horizon, n, rng=None, *, sampler="plain")`` returns ``(n,
horizon)`` simulated values of the periods after ``as_of``. ``as_of`` must be one of the
fitted periods (None: the last one); when it is earlier than the end of the fitted
series, a fresh clone with the same hyperparameters is fitted on the data up to and
including ``as_of`` (nothing after ``as_of`` is ever seen), so backtests cannot peek.
Forecasters draw their own paths, so the only ``sampler`` they take is ``"plain"``.

Subclasses implement ``_fit(values, m)``, ``_predict_mean(h)``, ``_sample_paths(h, n,
rng)`` and either ``_predict_std(h)`` (Gaussian quantiles) or ``_predict_quantiles(h,
levels)``; ``_fitted_values()`` gives the in-sample forecasts and ``_min_length(m)`` the
shortest series the model accepts. Neural and combined forecasters plug in the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits

from forecast._series import (
    as_rng,
    check_horizon,
    check_quantiles,
    check_series,
    quantile_column,
    season_length_of,
)
from forecast.errors import ForecastTypeError, ForecastValueError
from forecast.result import ForecastResult
from montecarlo import Sampler, Simulator

__all__ = ["Forecaster", "clone", "single_threaded"]

#: Number of simulated paths (fixed seed) used for quantiles when no closed form exists.
QUANTILE_PATHS = 2000

#: Longest horizon any forecaster accepts, in periods (about 5.5 years of days, 38 years
#: of weeks). predict(2000) after a fit on 1000 months, on the shared 2-core dev machine:
#: RNN 4.2 s, LSTM 3.6 s, ARIMA 2.3 s, GRU 1.5 s, ETS and Theta 0.1 s, at most 150 MB
#: more resident memory; predict(100000) took 44 s and 8 GB (RNN), 62 s and 5.7 GB (ARIMA).
MAX_HORIZON = 2000

#: A horizon may reach this many times the history's length (or two seasonal cycles of
#: its frequency, if that is longer): further out, the forecast is the model's
#: extrapolation with nothing in the data to check it against.
HORIZON_HISTORY_MULTIPLE = 2


@contextmanager
def single_threaded() -> Iterator[None]:
    """Limit BLAS to one thread: statsmodels fits on short series are several times
    faster that way (threads only fight over the tiny matrices)."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


class Forecaster(Simulator):
    """Base class of all forecasters (see the module docstring for the contract).

    Attributes (after ``fit``)
    --------------------------
    history_ : pandas.Series of shape (n,)
        The training series, float64 with a PeriodIndex.
    season_length_ : int
        Seasonal period used (the ``season_length`` hyperparameter, or the one inferred
        from the frequency: 12 monthly, 4 quarterly, 52 weekly, 7 daily, 1 otherwise).
    """

    #: Models without a ``season_length`` hyperparameter infer it from the frequency.
    season_length: int | None = None

    _param_error: ClassVar[type[Exception]] = ForecastValueError
    samplers: ClassVar[tuple[str, ...]] = ("plain",)

    # ------------------------------------------------------------------ hooks
    def _min_length(self, m: int) -> int:
        """Shortest series the model accepts for seasonal period ``m``."""
        return 1

    def _fit(self, values: np.ndarray, m: int) -> None:
        raise NotImplementedError

    def _max_horizon(self, n: int, cycle: int) -> int:
        """Longest horizon for a history of ``n`` periods whose frequency has seasonal
        cycle ``cycle`` (12 monthly, 4 quarterly, 52 weekly, 7 daily, 1 otherwise)."""
        return min(MAX_HORIZON, max(HORIZON_HISTORY_MULTIPLE * n, 2 * cycle))

    def _predict_mean(self, h: int) -> np.ndarray:
        raise NotImplementedError

    def _predict_std(self, h: int) -> np.ndarray | None:
        """Forecast standard deviations of shape (h,), or None if there is no closed form."""
        return None

    def _predict_quantiles(self, h: int, levels: tuple[float, ...]) -> np.ndarray:
        """Quantiles of shape (len(levels), h): Gaussian if ``_predict_std`` exists, else
        empirical quantiles of ``QUANTILE_PATHS`` paths simulated with the fixed seed 0."""
        std = self._predict_std(h)
        if std is not None:
            z = stats.norm.ppf(np.asarray(levels))[:, None]
            return self._predict_mean(h)[None, :] + z * std[None, :]
        paths = self._sample_paths(h, QUANTILE_PATHS, np.random.default_rng(0))
        return np.quantile(paths, levels, axis=0)

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def _fitted_values(self) -> np.ndarray:
        """One-step-ahead in-sample forecasts of shape (n,), NaN where undefined."""
        raise NotImplementedError

    # ------------------------------------------------------------------ public API
    def fit(self, history: pd.Series) -> Self:
        """Fit the model to ``history`` (Series with PeriodIndex or DatetimeIndex); returns self."""
        func = f"{type(self).__name__}.fit"
        values, periods = check_series(history, func=func, name="history")
        m = self._season_length(periods)
        need = self._min_length(m)
        if len(values) < need:
            raise ForecastValueError(
                f"The 'history' parameter of {func} needs at least {need} observations for "
                f"this model (season_length={m}). Got {len(values)} instead."
            )
        self.history_ = pd.Series(values, index=periods, name=history.name)
        self.season_length_ = m
        self._fit(values, m)
        return self

    def _season_length(self, periods: pd.PeriodIndex) -> int:
        """``season_length``, or the one of the index's frequency when it is None."""
        m = self.season_length
        if m is None:
            return season_length_of(periods)
        if isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 1:
            raise ForecastValueError(
                f"The 'season_length' parameter of {type(self).__name__} must be None or an "
                f"integer >= 1. Got {m!r} instead."
            )
        return int(m)

    def max_horizon(self, history: pd.Series | None = None) -> int:
        """Longest ``h`` that :meth:`predict` and :meth:`sample_paths` accept.

        The rule: at most :data:`HORIZON_HISTORY_MULTIPLE` (2) times the length of the
        history, or two seasonal cycles of its frequency if that is longer (24 months, 8
        quarters, 104 weeks, 14 days), and never more than :data:`MAX_HORIZON` (2000)
        periods; a model may lower it. ``history`` (a series this model could be fitted
        on) lets a caller check a horizon before the fit; None means the fitted history.

        Examples
        --------
        >>> import pandas as pd
        >>> from forecast import Naive
        >>> y = pd.Series(range(1, 37), index=pd.period_range("2020-01", periods=36, freq="M"))
        >>> Naive().max_horizon(y), Naive().max_horizon(y.iloc[:6])
        (72, 24)
        """
        if history is None:
            self.check_fitted(f"{type(self).__name__}.max_horizon")
            periods = self.history_.index
        else:
            _, periods = check_series(history, func=f"{type(self).__name__}.max_horizon",
                                      name="history")  # fmt: skip
        return int(self._max_horizon(len(periods), season_length_of(periods)))

    def check_horizon(self, h: Any, history: pd.Series | None = None, *, func: str) -> int:
        """``h`` as an int if it is within :meth:`max_horizon`, else ForecastValueError
        naming ``h``, the limit and why."""
        h = check_horizon(h, func=func)
        limit = self.max_horizon(history)
        if h > limit:
            n = len(self.history_) if history is None else len(history)
            raise ForecastValueError(
                f"The 'h' parameter of {func} must be at most {limit} for this model and "
                f"history: a horizon may reach {HORIZON_HISTORY_MULTIPLE} times the {n} "
                f"observations of the history (or two seasonal cycles, if longer) and never "
                f"more than {MAX_HORIZON} periods. Got {h} instead."
            )
        return h

    def _future_index(self, h: int) -> pd.PeriodIndex:
        last = self.history_.index[-1]
        return pd.period_range(last + 1, periods=h, freq=self.history_.index.freq)

    def predict(self, h: int, quantiles: Iterable[float] | None = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Forecast the next ``h`` periods.

        Returns
        -------
        DataFrame of shape (h, 1 + len(quantiles))
            Indexed by the future periods; column ``mean`` and one column ``"q<level>"``
            per quantile level (e.g. ``q0.1``, ``q0.5``, ``q0.9``).
        """
        name = type(self).__name__
        self.check_fitted(f"{name}.predict")
        h = self.check_horizon(h, func=f"{name}.predict")
        levels = check_quantiles(quantiles, func=f"{name}.predict")
        out = pd.DataFrame({"mean": self._predict_mean(h)}, index=self._future_index(h))
        if levels:
            qs = self._predict_quantiles(h, levels)
            for level, row in zip(levels, qs, strict=True):
                out[quantile_column(level)] = row
        return out

    def predict_result(
        self,
        h: int,
        quantiles: Iterable[float] | None = (0.1, 0.5, 0.9),
        *,
        label: str | None = None,
    ) -> ForecastResult:
        """:meth:`predict` with the fitted history, as a :class:`forecast.ForecastResult`
        (a notebook shows its table; ``.plot()`` draws the dashboard's forecast chart).

        ``label`` names the model in the figure (default the class name).
        """
        frame = self.predict(h, quantiles)
        return ForecastResult(self.history_, frame, label or type(self).__name__)

    def sample_paths(
        self, h: int, n: int = 1000, rng: np.random.Generator | int | None = None
    ) -> np.ndarray:
        """Simulate ``n`` futures of ``h`` periods; ndarray of shape (n, h)."""
        name = type(self).__name__
        self.check_fitted(f"{name}.sample_paths")
        h = self.check_horizon(h, func=f"{name}.sample_paths")
        n = check_horizon(n, func=f"{name}.sample_paths", name="n")
        paths = self._sample_paths(h, n, as_rng(rng, func=f"{name}.sample_paths"))
        return np.asarray(paths, dtype=np.float64).reshape(n, h)

    def predict_in_sample(self) -> pd.Series:
        """One-step-ahead fitted values on the training periods (NaN where undefined)."""
        self.check_fitted(f"{type(self).__name__}.predict_in_sample")
        return pd.Series(self._fitted_values(), index=self.history_.index, name="fitted")

    def forecast(
        self, history: pd.Series, h: int, quantiles: Iterable[float] | None = (0.1, 0.5, 0.9)
    ) -> pd.DataFrame:
        """Fit a clone on ``history`` and predict ``h`` periods; equals
        ``fit(history).predict(h, ...)``."""
        return self.clone().fit(history).predict(h, quantiles)

    # ------------------------------------------------------------------ simulator
    def paths(
        self,
        as_of: Any,
        horizon: int,
        n: int,
        rng: np.random.Generator | int | None = None,
        *,
        sampler: str | Sampler = "plain",
    ) -> np.ndarray:
        """Simulated values of the ``horizon`` periods after ``as_of``, shape (n, horizon).

        ``as_of`` (a Period, Timestamp or date string; None means the last fitted period)
        must lie within the fitted series. If it is earlier than the end, a clone with the
        same hyperparameters is fitted on the data up to and including ``as_of``.
        ``sampler`` must be ``"plain"``: a forecaster draws its own paths.
        """
        name = type(self).__name__
        self.check_fitted(f"{name}.paths")
        self.check_sampler(sampler, func=f"{name}.paths")
        if as_of is None:
            return self.sample_paths(horizon, n, rng)
        index = self.history_.index
        try:
            period = pd.Period(as_of, freq=index.freq)
        except (TypeError, ValueError):
            raise ForecastTypeError(
                f"The 'as_of' parameter of {name}.paths must be a date or period. "
                f"Got {as_of!r} instead."
            ) from None
        if period < index[0] or period > index[-1]:
            raise ForecastValueError(
                f"The 'as_of' parameter of {name}.paths must lie within the fitted series "
                f"({index[0]} to {index[-1]}). Got {period} instead."
            )
        if period == index[-1]:
            return self.sample_paths(horizon, n, rng)
        return self.clone().fit(self.history_.loc[:period]).sample_paths(horizon, n, rng)


def clone(model: Forecaster) -> Forecaster:
    """A new unfitted forecaster of the same class with the same hyperparameters."""
    if not isinstance(model, Forecaster):
        raise ForecastTypeError(
            f"The 'model' parameter of clone must be a Forecaster. Got {type(model).__name__}."
        )
    return model.clone()
