"""Recurrent-network forecasters on :mod:`nn`: ``RNNForecaster``, ``LSTMForecaster``,
``GRUForecaster``.

Recipe (one small network per series, an ensemble of a few seeds):

1. **Deseasonalise** (``deseasonalize=True``) with the M4 classical multiplicative
   decomposition of :func:`forecast.seasonality.deseasonalize` (90% ACF test).
2. **Scale**: strictly positive series are modelled in logs (when max/min is at most
   ``MAX_LOG_RANGE`` = 1e8), others divided by their mean absolute value; every window is
   then expressed relative to its last value and divided by the standard deviation of the
   one-step changes, so the network sees O(1) numbers whatever the level of the series.
3. **Windows** of ``input_size`` past values map to the next ``horizon`` values: a
   multi-output (MIMO) strategy - the recurrent layer reads the window, one Dense head
   outputs all ``horizon`` steps at once. Windows near the end whose targets run past the
   data are kept with those steps masked out of the loss. Forecasts longer than
   ``horizon`` are produced block by block, feeding each block back as input.
4. **Early stopping on the last windows**: the last ``validation_size`` observations are
   held out as targets; full-batch Adam minimises the masked mean squared error of the
   scaled windows until the validation loss has not improved for ``patience`` epochs, and
   the best weights are kept. The network then trains a few more epochs (a quarter of the
   best epoch count) on all windows, so the most recent data are learned too.
5. **Ensemble**: ``n_models`` networks with different seeds (derived from
   ``random_state``); the point forecast is their mean in the scaled space. With
   ``anchor="both"`` (the default) there are two such ensembles, one forecasting relative
   to the last value and one relative to the same period of the last season (a skip
   connection to seasonal naive), and the forecast is the mean of the two in the scaled
   space. Chosen on validation windows of M3 and other collections (BENCHMARKS.md, section
   ``collections_neural``): it beat seasonal naive on all of them, where the last-value
   anchor alone lost on Tourism.

**Uncertainty** is a residual bootstrap of held-out errors. By default
(``interval_errors="holdout"``) a second ensemble (one per anchor), trained and
early-stopped without the last ``validation_size`` observations, forecasts them: errors that
no training and no choice of stopping epoch has seen (the final ensemble's own validation
errors are the ones its early stopping minimised, and gave intervals covering 74% of the M3
actuals instead of 80%; ``interval_errors="validation"`` keeps them, at half the training
time). The errors of step ``j`` (in the log/scaled space) give a scale ``sigma_j`` (made
non-decreasing in ``j``; extended as ``sqrt(j)`` beyond ``horizon``); the standardised
errors of all steps, centred, form a pool. A path draws innovations from the pool with
replacement, accumulates them as a random walk ``S_j`` and adds
``sigma_j * S_j / sqrt(j + 1)`` to the point forecast, so every path is a coherent
trajectory whose step-``j`` spread matches the validation errors of step ``j``; paths are
mapped back through the scaling and the seasonal indices. Quantiles are those of 2,000
such paths. For log-modelled series the ``mean`` column is the back-transformed point
forecast (a median-type forecast).

The same ``random_state`` gives the same forecasts on every call path (fit, forecast,
paths); ``sample_paths`` draws only from its ``rng``.

On the 1,428 M3 monthly series the default LSTM reaches sMAPE 14.77, OWA 0.884 against
Naive2 (BENCHMARKS.md, section ``m3_monthly``; 14.49 and 0.867 with ``anchor="last"``, the
default until the two anchors were chosen on validation windows of other collections); its
80% intervals cover 78.8% of the actuals.
"""

from __future__ import annotations

import numbers
import threading
from collections.abc import Sequence
from typing import Any, ClassVar, Self

import numpy as np

from forecast._neural_train import (
    anchor_offsets,
    holdout_errors,
    holdout_possible,
    train_ensemble,
)
from forecast._series import check_series
from forecast.base import Forecaster
from forecast.errors import ForecastTypeError, ForecastValueError, check_bool
from forecast.seasonality import deseasonalize as _deseasonalize
from forecast.seasonality import seasonal_factors
from nn import GRU, LSTM, RNN, Callback

__all__ = ["GRUForecaster", "LSTMForecaster", "NeuralForecaster", "RNNForecaster"]

#: Largest max/min ratio of a positive series modelled in logs (wider ones are scaled).
MAX_LOG_RANGE = 1e8

#: Values of the ``anchor`` parameter.
ANCHORS = ("both", "last", "season", "auto")


def _check_int(value: Any, name: str, cls: str, low: int, *, none_ok: bool = False) -> None:
    if value is None and none_ok:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        extra = "None or " if none_ok else ""
        raise ForecastValueError(
            f"The '{name}' parameter of {cls} must be {extra}an integer >= {low}. "
            f"Got {value!r} instead."
        )


class NeuralForecaster(Forecaster):
    """Base of the recurrent forecasters (see the module docstring for the recipe).

    Parameters
    ----------
    season_length : int or None
        Seasonal period; None infers it from the frequency (12 monthly, 4 quarterly, ...).
    horizon : int or None
        Number of outputs of the network (MIMO head); None means ``2 * season_length``
        clipped to [8, 24]. Longer forecasts are made block by block.
    input_size : int or None
        Length of the input windows; None means ``max(season_length, 6)`` clipped to 24.
    hidden_size : int
        Units of the recurrent layer.
    max_epochs : int
        Upper bound on the full-batch training epochs per network.
    learning_rate : float
        Adam step size.
    patience : int
        Epochs without validation improvement before stopping.
    validation_size : int or None
        Observations held out for early stopping and the error bootstrap; None means
        ``min(horizon, max(1, (n - input_size) // 4))``.
    n_models : int
        Ensemble size (networks with different seeds).
    deseasonalize : bool
        Remove multiplicative seasonality (M4 test and decomposition) before training.
    dtype : {"float32", "float64"}
        Floating type of the networks (float32 is faster).
    interval_errors : {"holdout", "validation"}
        Errors behind the intervals and paths. ``"holdout"``: a second ensemble is trained
        without the last ``validation_size`` observations (early-stopped on the ones before
        them) and its errors on those observations are used - errors that no training and
        no choice of stopping epoch has seen (about twice the training time; series too
        short for the second split fall back to ``"validation"``). ``"validation"``: the
        final ensemble's own early-stopping errors, cheaper but optimistic (the stopping
        epoch minimised them). The point forecast is the same either way.
    anchor : {"both", "last", "season", "auto"}
        What the outputs are predicted relative to: ``"last"`` the last input value (a
        naive forecast of the modelled series), ``"season"`` the same period of the last
        season (a skip connection to seasonal naive: the network forecasts the residual
        of seasonal naive; needs ``input_size >= season_length``; same as ``"last"`` when
        the season length is 1). ``"both"`` (default) trains one ensemble with each and
        averages their forecasts (and, for the intervals, their holdout errors) in the
        scaled space: twice the training time; ``"last"`` alone when there is no season
        or ``input_size`` is below the season length. ``"auto"`` chooses one of the two
        per series: a holdout ensemble is trained with each anchor (as for
        ``interval_errors="holdout"``) and the anchor whose ensemble has the smaller mean
        absolute error on the last ``validation_size`` observations, which neither saw, is
        kept (ties and series too short for the holdout split keep ``"last"``; one season
        or ``input_size`` below the season length: ``"last"``). With
        ``interval_errors="holdout"`` the chosen anchor's holdout errors serve the
        intervals, so the choice costs one more ensemble
        (three instead of two).
    random_state : int or None
        Seed of the weights; None gives a different ensemble every fit.

    Attributes
    ----------
    models_ : list of nn.Sequential
        The trained networks (recurrent layer + Dense head); with two anchors the
        ``n_models`` of the ``"last"`` ensemble, then those of the ``"season"`` one.
    seasonal_ : ndarray of shape (season_length,)
        Seasonal indices (all ones when not seasonal or ``deseasonalize=False``).
    log_ : bool
        Whether the series was modelled in logs (strictly positive data).
    sigma_ : ndarray of shape (horizon,)
        Error scale per step, in the scaled space.
    residuals_ : ndarray
        Standardised errors (the bootstrap pool).
    interval_errors_ : str
        The errors actually used (``"validation"`` when the series was too short for
        ``"holdout"``).
    anchor_ : str
        The anchor used (``anchor``, the one ``anchor="auto"`` chose, or ``"last"`` where
        ``"both"`` had no season to anchor on).
    anchor_offsets_ : list of ndarray of shape (horizon,)
        Per trained anchor, the offsets (relative to a window's first target) of the
        values its outputs are added to: ``-1`` (last value) or ``-m + j % m`` (season).
    anchor_errors_ : dict of str to float
        ``anchor="auto"``: each anchor's holdout mean absolute error (scaled space) the
        choice compared; empty otherwise or when no comparison was possible.
    epochs_ : list of int
        Early-stopped epoch count of every network (the order of ``models_``).
    loss_history_ : list of dict
        Loss history of every network: ``loss`` and ``val_loss`` per epoch of the
        early-stopped run (scaled-space masked MSE), ``best_epoch`` (0-based, the weights
        kept), ``stopped_epoch`` and ``continued_loss`` (the epochs on all windows after
        the stop).
    """

    #: Recurrent layer class of the concrete forecaster.
    cell: ClassVar[type] = LSTM

    def __init__(
        self,
        *,
        season_length: int | None = None,
        horizon: int | None = None,
        input_size: int | None = None,
        hidden_size: int = 16,
        max_epochs: int = 120,
        learning_rate: float = 0.05,
        patience: int = 10,
        validation_size: int | None = None,
        n_models: int = 3,
        deseasonalize: bool = True,
        dtype: str = "float32",
        interval_errors: str = "holdout",
        anchor: str = "both",
        random_state: int | None = 0,
    ) -> None:
        self.season_length = season_length
        self.horizon = horizon
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.max_epochs = max_epochs
        self.learning_rate = learning_rate
        self.patience = patience
        self.validation_size = validation_size
        self.n_models = n_models
        self.deseasonalize = deseasonalize
        self.dtype = dtype
        self.interval_errors = interval_errors
        self.anchor = anchor
        self.random_state = random_state

    # ------------------------------------------------------------------ settings
    def _sizes(self, m: int) -> tuple[int, int]:
        """Validate the hyperparameters; return ``(input_size, horizon)``."""
        cls = type(self).__name__
        _check_int(self.horizon, "horizon", cls, 1, none_ok=True)
        _check_int(self.input_size, "input_size", cls, 2, none_ok=True)
        _check_int(self.hidden_size, "hidden_size", cls, 1)
        _check_int(self.max_epochs, "max_epochs", cls, 1)
        _check_int(self.patience, "patience", cls, 0)
        _check_int(self.validation_size, "validation_size", cls, 1, none_ok=True)
        _check_int(self.n_models, "n_models", cls, 1)
        lr = self.learning_rate
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr < 10:
            raise ForecastValueError(
                f"The 'learning_rate' parameter of {cls} must be a number in (0, 10). "
                f"Got {lr!r} instead."
            )
        check_bool(self.deseasonalize, "deseasonalize", cls)
        if self.dtype not in ("float32", "float64"):
            raise ForecastValueError(
                f"The 'dtype' parameter of {cls} must be 'float32' or 'float64'. "
                f"Got {self.dtype!r} instead."
            )
        if self.interval_errors not in ("holdout", "validation"):
            raise ForecastValueError(
                f"The 'interval_errors' parameter of {cls} must be 'holdout' or 'validation'. "
                f"Got {self.interval_errors!r} instead."
            )
        if self.anchor not in ANCHORS:
            raise ForecastValueError(
                f"The 'anchor' parameter of {cls} must be one of {list(ANCHORS)}. "
                f"Got {self.anchor!r} instead."
            )
        rs = self.random_state
        if rs is not None and (isinstance(rs, bool) or not isinstance(rs, numbers.Integral)):
            raise ForecastTypeError(
                f"The 'random_state' parameter of {cls} must be None or an int. Got {rs!r}."
            )
        H = self.horizon if self.horizon is not None else min(max(2 * m, 8), 24)
        L = self.input_size if self.input_size is not None else min(max(m, 6), 24)
        if self.anchor == "season" and L < m:
            raise ForecastValueError(
                f"The 'input_size' parameter of {cls} must be at least the season length "
                f"{m} with anchor='season' (the anchors are the last season's values). "
                f"Got {L} instead."
            )
        return int(L), int(H)

    def _min_length(self, m: int) -> int:
        L, _ = self._sizes(m)
        return L + 4

    # ------------------------------------------------------------------ fitting
    def fit(self, history: Any, *, callbacks: Sequence[Callback] | None = None) -> Self:
        """Fit the ensemble to ``history``; returns self.

        Parameters
        ----------
        history : pandas.Series
            Series with a PeriodIndex or DatetimeIndex.
        callbacks : sequence of nn.callbacks.Callback, optional
            Called during every network's early-stopped training run, one network after
            the other (e.g. a progress display): the ``n_models`` networks of the final
            ensemble, then, with ``interval_errors="holdout"``, those of the holdout
            ensemble. They observe; the forecasts do not depend on them.
        """
        callbacks = () if callbacks is None else tuple(callbacks)
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise ForecastTypeError(
                    f"The 'callbacks' parameter of {type(self).__name__}.fit must hold "
                    f"nn.callbacks.Callback instances. Got {type(cb).__name__} instead."
                )
        self._callbacks = callbacks
        try:
            super().fit(history)
        finally:
            del self._callbacks
        return self

    def _fit(self, values: np.ndarray, m: int) -> None:
        L, H = self._sizes(m)
        n = values.size
        if self.deseasonalize:
            x, self.seasonal_ = _deseasonalize(values, m)
        else:
            x, self.seasonal_ = values.copy(), np.ones(m)
        # logs only for a moderate dynamic range: a positive series spanning 5e-324 to 3
        # has log steps of hundreds, and the back-transform exp() then overflows
        self.log_ = bool((x > 0).all()) and float(x.max() / x.min()) <= MAX_LOG_RANGE
        if self.log_:
            z = np.log(x)
            self.scale_ = 1.0
        else:
            self.scale_ = float(np.mean(np.abs(x))) or 1.0
            z = x / self.scale_
        step = float(np.std(np.diff(z))) if n > 2 else 0.0
        self.step_ = step if step > 1e-12 else 1.0
        self.z_ = z
        self.input_len_, self.horizon_ = L, H
        self._lock = threading.Lock()
        self._z_cache: np.ndarray | None = None
        v = self.validation_len_ = self._validation_len(n, L, H)
        train: dict[str, Any] = {
            "hidden": int(self.hidden_size),
            "n_models": int(self.n_models),
            "max_epochs": int(self.max_epochs),
            "patience": int(self.patience),
            "lr": float(self.learning_rate),
            "seed": self.random_state,
            "callbacks": getattr(self, "_callbacks", ()),
        }
        zn, dtype = z / self.step_, np.dtype(self.dtype)
        held: tuple[np.ndarray, np.ndarray] | None = None
        self.anchor_errors_: dict[str, float] = {}
        self.anchor_: str = "last"
        anchors = self._anchors(m, L)
        if self.anchor == "auto" and len(anchors) == 2:
            held = self._choose_anchor(zn, m, L=L, H=H, v=v, dtype=dtype, train=train)
            held = held if self.interval_errors == "holdout" else None
            anchors = [self.anchor_]
        self.anchor_ = "both" if len(anchors) == 2 else anchors[0]
        fits = []
        for anchor in anchors:
            offsets = anchor_offsets(H, m, anchor)
            fits.append((offsets, train_ensemble(self.cell, zn, L=L, H=H, v=v, dtype=dtype,
                                                 **{**train, "offsets": offsets})))  # fmt: skip
        self._heads = [(offsets, fit.models) for offsets, fit in fits]
        self.anchor_offsets_ = [offsets for offsets, _ in fits]
        self.models_ = [net for _, fit in fits for net in fit.models]
        self.epochs_ = [e for _, fit in fits for e in fit.epochs]
        self.loss_history_ = [h for _, fit in fits for h in fit.histories]
        if held is None and self.interval_errors == "holdout":
            parts = [
                holdout_errors(self.cell, zn, L=L, H=H, v=v, dtype=dtype,
                               **{**train, "offsets": offsets})
                for offsets, _ in fits
            ]  # fmt: skip
            done = [p for p in parts if p is not None]
            held = _mean_errors(done) if len(done) == len(parts) else None
        self.interval_errors_ = "validation" if held is None else "holdout"
        if held is None:
            held = _mean_errors([(fit.val_errors, fit.val_mask) for _, fit in fits])
        err, mask = held
        err = err * self.step_
        counts = mask.sum(axis=0)
        ss = (err**2 * mask).sum(axis=0)
        sigma = np.full(H, np.nan)
        ok = counts > 0
        sigma[ok] = np.sqrt(ss[ok] / counts[ok])
        if not ok.any():  # pragma: no cover - v >= 1 guarantees at least one error
            sigma[:] = self.step_
        for j in range(H):  # steps without errors take the previous step's scale
            if np.isnan(sigma[j]):
                sigma[j] = sigma[j - 1] if j > 0 else sigma[ok][0]
        sigma = np.maximum.accumulate(np.maximum(sigma, 1e-3 * self.step_))
        self.sigma_ = sigma
        u = (err / sigma)[mask > 0]
        u = u - u.mean() if u.size else u
        rms = float(np.sqrt(np.mean(u**2))) if u.size else 0.0
        self.residuals_ = u / rms if rms > 0 else np.array([-1.0, 1.0])

    def _validation_len(self, n: int, L: int, H: int) -> int:
        v = self.validation_size
        if v is None:
            v = min(H, max(1, (n - L) // 4))
        return int(min(v, n - L - 1))

    def training_runs(self, history: Any) -> list[str]:
        """What :meth:`fit` on ``history`` will train, one label per network in the order
        of the training runs that ``fit``'s callbacks watch (e.g. for a progress bar).

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> y = pd.Series(np.arange(48.0) + 1,
        ...               index=pd.period_range("2015-01", periods=48, freq="M"))
        >>> LSTMForecaster(n_models=1).training_runs(y)  # doctest: +NORMALIZE_WHITESPACE
        ['forecast network 1 of 1 (anchor last)',
         'forecast network 1 of 1 (anchor season)',
         'interval network 1 of 1 (anchor last, trained without the last periods)',
         'interval network 1 of 1 (anchor season, trained without the last periods)']
        """
        values, periods = check_series(
            history, func=f"{type(self).__name__}.training_runs", name="history"
        )
        m = self._season_length(periods)
        L, H = self._sizes(m)
        anchors = self._anchors(m, L)
        n, k = values.size, int(self.n_models)
        holdout = holdout_possible(n, L, self._validation_len(n, L, H))

        def nets(kind: str, anchor: str, extra: str = "") -> list[str]:
            return [f"{kind} network {i + 1} of {k} (anchor {anchor}{extra})" for i in range(k)]

        without = ", trained without the last periods"
        if self.anchor == "auto" and len(anchors) == 2:
            if holdout:  # both holdout ensembles, then the final one of the chosen anchor
                runs = [r for a in anchors for r in nets("interval", a, without)]
                return runs + nets("forecast", "chosen by their errors")
            anchors = ["last"]
        runs = [r for a in anchors for r in nets("forecast", a)]
        if self.interval_errors == "holdout" and holdout:
            runs += [r for a in anchors for r in nets("interval", a, without)]
        return runs

    def _anchors(self, m: int, L: int) -> list[str]:
        """The anchors whose ensembles are trained (``"auto"``: the two it compares)."""
        if self.anchor in ("both", "auto"):
            return ["last", "season"] if m > 1 and L >= m else ["last"]
        return [str(self.anchor)]

    def _choose_anchor(
        self,
        zn: np.ndarray,
        m: int,
        *,
        L: int,
        H: int,
        v: int,
        dtype: np.dtype,
        train: dict[str, Any],
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """``anchor="auto"``: set ``anchor_`` to the anchor whose holdout ensemble errs
        less on the last ``v`` observations (``anchor_errors_``: the mean absolute errors,
        scaled space); return that ensemble's holdout errors (None: ``"last"`` kept
        without a comparison)."""
        self.anchor_ = "last"
        held: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for anchor in ("last", "season"):
            out = holdout_errors(
                self.cell, zn, L=L, H=H, v=v, dtype=dtype,
                **{**train, "offsets": anchor_offsets(H, m, anchor)},
            )  # fmt: skip
            if out is None:  # too short for the holdout split: no comparison
                return None
            err, mask = out
            held[anchor] = out
            self.anchor_errors_[anchor] = float(np.abs(err).sum() / max(mask.sum(), 1))
        if self.anchor_errors_["season"] < self.anchor_errors_["last"]:
            self.anchor_ = "season"
        return held[self.anchor_]

    # ------------------------------------------------------------------ prediction
    def _net_forecast(self, zn: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Forecasts of the next ``horizon`` scaled values after each index ``t - 1`` of
        ``zn`` (windows ``zn[t - L:t]``), shape (b, H): every anchor's ensemble mean
        added to its anchors, averaged over the anchors."""
        L = self.input_len_
        windows = zn[t[:, None] + np.arange(-L, 0)[None, :]]
        x = (windows - windows[:, -1:])[:, :, None].astype(self.dtype)
        out = np.zeros((t.size, self.horizon_))
        for offsets, models in self._heads:
            net = np.mean([net.forward(x) for net in models], axis=0)
            out += zn[t[:, None] + offsets[None, :]] + np.asarray(net, dtype=np.float64)
        return out / len(self._heads)

    def _predict_z(self, h: int) -> np.ndarray:
        """Point forecast in the model space, shape (h,), block by block.

        Computed once per fit for the longest ``h`` asked so far and cached; a lock keeps
        the networks' forward buffers safe when paths are drawn from several threads.
        """
        with self._lock:
            cached = self._z_cache
            if cached is None or cached.size < h:
                cached = self._compute_z(max(h, self.horizon_))
                self._z_cache = cached
        return cached[:h].copy()

    def _compute_z(self, h: int) -> np.ndarray:
        zn = self.z_ / self.step_
        n = zn.size
        while zn.size < n + h:
            zn = np.r_[zn, self._net_forecast(zn, np.array([zn.size]))[0]]
        return zn[n : n + h] * self.step_

    def _sigma(self, h: int) -> np.ndarray:
        H = self.horizon_
        if h <= H:
            return self.sigma_[:h]
        extra = self.sigma_[-1] * np.sqrt(np.arange(H + 1, h + 1) / H)
        return np.r_[self.sigma_, extra]

    def _back(self, z: np.ndarray) -> np.ndarray:
        """Map model-space values of the next ``z.shape[-1]`` periods back to data units."""
        n = self.history_.size
        h = z.shape[-1]
        level = np.exp(z) if self.log_ else z * self.scale_
        return level * seasonal_factors(self.seasonal_, n, n + h)

    def _predict_mean(self, h: int) -> np.ndarray:
        return self._back(self._predict_z(h))

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        innov = rng.choice(self.residuals_, size=(n, h), replace=True)
        walk = np.cumsum(innov, axis=1) / np.sqrt(np.arange(1, h + 1))
        z = self._predict_z(h)[None, :] + self._sigma(h)[None, :] * walk
        return self._back(z)

    def _fitted_values(self) -> np.ndarray:
        n, L = self.history_.size, self.input_len_
        zn = self.z_ / self.step_
        out = np.full(n, np.nan)
        if n > L:
            idx = np.arange(L, n)
            with self._lock:
                z = self._net_forecast(zn, idx)[:, 0] * self.step_
            level = np.exp(z) if self.log_ else z * self.scale_
            out[idx] = level * seasonal_factors(self.seasonal_, 0, n)[idx]
        return out


def _mean_errors(
    parts: Sequence[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """Errors of the mean of several anchors' forecasts of the same windows: the errors
    (actual minus forecast) average like the forecasts; the masks are the same."""
    return np.mean([err for err, _ in parts], axis=0), parts[0][1]


class LSTMForecaster(NeuralForecaster):
    """Long short-term memory network forecaster (:class:`nn.LSTM`); see
    :class:`NeuralForecaster` for the parameters.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = np.arange(60)
    >>> y = pd.Series(100 + 10 * np.sin(2 * np.pi * t / 12) + t,
    ...               index=pd.period_range("2015-01", periods=60, freq="M"))
    >>> LSTMForecaster(max_epochs=20, n_models=1).fit(y).predict(3).shape
    (3, 4)
    """

    cell = LSTM


class GRUForecaster(NeuralForecaster):
    """Gated recurrent unit forecaster (:class:`nn.GRU`); see :class:`NeuralForecaster`."""

    cell = GRU


class RNNForecaster(NeuralForecaster):
    """Elman (tanh) recurrent network forecaster (:class:`nn.RNN`); see
    :class:`NeuralForecaster`."""

    cell = RNN
