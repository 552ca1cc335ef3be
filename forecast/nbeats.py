"""N-BEATS forecaster (Oreshkin et al. 2020) on :mod:`nn`: pretrained global networks used
zero-shot or fine-tuned on one series, or a network trained on the series alone.

**Networks.** Stacks of residual fully connected blocks with backcast and forecast outputs
(``forecast._nbeats_net``): the generic stack (learned linear bases) and the
interpretable stacks (a degree-2 polynomial trend basis, a Fourier seasonality basis). The
input is a window of ``L`` past values scaled by its mean absolute value, plus a 0/1 mask
of which inputs are observed, so histories shorter than ``L`` are left-padded and
masked; the outputs are the next ``H`` scaled values. A *standardising* network
(``NBeatsNet(standardize=True)``) also subtracts the window's mean and divides by its
standard deviation inside, and maps its output back, so it reads a smooth series (one
that varies by a percent around its level, e.g. a weekly CO2 record) at the size of its
own variation; mean scaling alone leaves such a series to the networks' error at the
level (a few percent).

**Pretrained ``"m3"``** (the default, shipped in ``forecast/data/nbeats_m3.{npz,json}``
and rebuilt by ``tools/train_nbeats_m3.py`` from the *training* parts of the 3,003 M3
series only) holds one ensemble per frequency group; the group is read off the index
(or named by ``group=``, e.g. ``group="other"`` for series of unstated frequency given an
annual index):

============ =========================== ==== ==== =========== ==============================
group        frequencies                  H    L   min history networks
============ =========================== ==== ==== =========== ==============================
monthly      M                            18   90   12          2 mean-scaled, 4 standardising
quarterly    Q                             8   16   4           1 mean-scaled, 1 standardising
yearly       Y / A                         6   12   4           1 standardising
other        W, D, B, H, ... (M3 other)    8   16   8           1 standardising
============ =========================== ==== ==== =========== ==============================

(the exact sizes are read from the file; L is the longest input of the group's networks:
the monthly ensemble has networks of 36, 72 and 90 inputs, each reading the end of the
window; BENCHMARKS.md, section ``nbeats_m3``, says how each group's networks were chosen
on validation windows). M3 has no weekly or daily series: those use the "other" group,
whose series are of unstated frequency - fine-tune on your own data there. A history
shorter than the group's minimum is refused with the minimum in the message.

**Deseasonalised input** (``deseasonalize=True``, the default): seasonal series (90% ACF
test at the index's period, at least three seasons, strictly positive) are divided by
their classical multiplicative seasonal indices before the networks read them (and train
on them, when fine-tuned), and forecasts and paths are multiplied back. The networks were
pretrained on raw M3 windows, yet on the validation windows of the training parts (the
last ``H`` values of every series, never a test part) the deseasonalised input was the
better one, most of all where the season is strong (Tourism); BENCHMARKS.md has the
numbers.

**Zero-shot** (``fine_tune=0``): the networks forecast from the last ``L`` (adjusted)
values as they are. **Fine-tuned** (``fine_tune=k``): a copy of the networks trains up to
``k`` epochs (one full batch of every window of the series per epoch, Adam,
``learning_rate``) with
early stopping on the last ``min(H, max(1, n // 4))`` observations, held out as targets;
the weights with the best held-out loss are kept, the pretrained ones included, so
fine-tuning cannot make that loss worse. ``pretrained=None`` trains a fresh network
(``stacks``, ``width``, ``n_blocks``, ``n_layers``, ``horizon``, ``input_size = 2 x
horizon`` by default) on the series alone for ``fine_tune`` epochs.

**Horizons beyond ``H``** are forecast recursively: the forecast of the first ``H`` steps
is appended to the input and the networks run again (stated, not refused).

**Paths** bootstrap held-out errors: a path draws one whole row of the pool of scaled
errors ``(actual - forecast) / scale`` of the group's M3 validation windows (the last
``H`` months of every training part, never seen in training) and adds it, times this
window's scale, to the point forecast; beyond ``H`` each further block adds another row
on top of the error at the end of the previous block. The M3 series behind the pool are
noisier or smoother than the one forecast, so with ``error_scale="noise"`` (the default)
every row is first rescaled by the ratio of this series' noise level to its own: the
mean absolute seasonal difference of the last window's values over their mean absolute
value (lag 1 when the window holds fewer than two seasons), a model-free level that the
row's held-out errors follow (correlation of the logs 0.81 on the monthly pool); both
levels are floored at the 5% quantile of the pool's. A network trained from scratch
(``pretrained=None``) uses its own in-sample window errors (optimistic for short series).
Quantiles are those of 2,000 paths drawn with the fixed seed 0. The mean column is the
ensemble median of the networks (a point forecast).

Seeds: zero-shot forecasts are deterministic; training (fine-tuning, scratch) draws only
from ``random_state``; paths draw only from their ``rng``.
"""

from __future__ import annotations

import numbers
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

from forecast._nbeats_io import BUNDLED, GroupModel, load_bundle
from forecast._nbeats_net import NBeatsNet
from forecast._nbeats_train import (
    all_windows,
    encode,
    make_panel,
    masked_mae,
    noise_levels,
    rescale_pool,
    train_net,
    validation_windows,
)
from forecast.base import Forecaster
from forecast.errors import ForecastTypeError, ForecastValueError, check_bool
from forecast.seasonality import deseasonalize as _deseasonalize
from forecast.seasonality import seasonal_factors
from nn import Callback, History, TrainingContext

__all__ = ["NBeats", "frequency_group"]

_SCRATCH = {"monthly": 18, "quarterly": 8, "yearly": 6, "weekly": 13, "daily": 14}


def frequency_group(freqstr: str) -> str:
    """The pretrained group of a pandas frequency string: ``"M"`` -> ``"monthly"``,
    ``"Q-DEC"`` -> ``"quarterly"``, ``"Y-DEC"``/``"A"`` -> ``"yearly"``, else ``"other"``."""
    f = freqstr.upper()
    if f.startswith("M"):
        return "monthly"
    if f.startswith("Q"):
        return "quarterly"
    if f.startswith(("Y", "A")):
        return "yearly"
    return "other"


class NBeats(Forecaster):
    """N-BEATS forecaster: pretrained on M3 and used zero-shot or fine-tuned, or trained on
    the series alone (see the module docstring for the recipe and the sizes).

    Parameters
    ----------
    pretrained : "m3", str path, Path or None, default "m3"
        A shipped file name, the path of a ``.json`` written by
        :func:`forecast.save_pretrained`, or None to train on the series alone.
    fine_tune : int, default 0
        Epochs of training on the series (early-stopped on its last observations); 0 is
        zero-shot. Must be >= 1 when ``pretrained`` is None.
    learning_rate : float, default 1e-4
        Adam step size of fine-tuning (use ~1e-3 from scratch).
    patience : int, default 5
        Epochs without a better held-out loss before fine-tuning stops.
    horizon, input_size : int or None
        Network sizes when ``pretrained`` is None (None: 18 monthly, 8 quarterly, 6
        yearly, 13 weekly, 14 daily, 8 otherwise; ``input_size = 2 * horizon``). Must be
        None with a pretrained file (its sizes are fixed).
    stacks : {"generic", "interpretable"}, width, n_blocks, n_layers
        Architecture when ``pretrained`` is None ("interpretable": a trend stack then a
        seasonality stack).
    standardize : bool, default False
        Architecture when ``pretrained`` is None: the network takes each window's mean
        and standard deviation out and puts them back on its output
        (``NBeatsNet(standardize=True)``, as most of the shipped networks). A pretrained
        file records this per network.
    group : str or None, default None
        Pretrained group to use (``"monthly"``, ``"quarterly"``, ``"yearly"``,
        ``"other"``: the file's group names); None reads it off the index's frequency
        (:func:`frequency_group`). Must be None when ``pretrained`` is None.
    error_scale : {"noise", "none"}, default "noise"
        How the pretrained group's pool of held-out errors is fitted to this series:
        ``"noise"`` rescales each row by the ratio of this series' noise level to that of
        the row's own window (see Paths in the module docstring); ``"none"`` uses the pool
        as it is. Files of format 2 have no noise levels: their pool is used as it is.
    deseasonalize : bool, default True
        Divide the history by the multiplicative seasonal indices of
        :func:`forecast.seasonality.deseasonalize` (the M4 recipe, 90% ACF test at the
        index's seasonal period) before the networks see it, and multiply the forecasts
        and paths back; non-seasonal, non-positive and short series are left as they are.
    random_state : int or None, default 0
        Seed of fine-tuning / training (window order, truncation, initial weights).

    Attributes
    ----------
    group_ : str
        Frequency group used (``"monthly"``, ...; ``"scratch"`` without a pretrained file).
    seasonal_ : ndarray of shape (season_length_,)
        Seasonal indices (all ones when not seasonal or ``deseasonalize=False``).
    adjusted_ : ndarray of shape (n,)
        The history divided by its seasonal indices: what the networks read.
    noise_ : float
        Noise level of the history's last window (mean absolute seasonal difference over
        its mean absolute value); NaN when the pool is used as it is.
    constant_ : bool
        Whether the history is constant (then the forecast is that constant, zero width).
    horizon_, input_size_, min_input_ : int
    nets_ : list of NBeatsNet
    pool_ : ndarray of shape (n_rows, horizon_)
        Scaled held-out errors behind the paths.
    fine_tune_history_ : dict
        Per network: ``loss`` (training MAE of the scaled, randomly truncated windows;
        NaN at epoch 0 = before training) and ``val_loss`` per epoch, ``best_epoch`` (the
        weights kept); ``train_loss_start`` / ``train_loss_end``: the ensemble's MAE on
        every full-length training window before and after; empty for zero-shot.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = np.arange(18)
    >>> y = pd.Series(100 + 10 * np.sin(2 * np.pi * t / 12) + t,
    ...               index=pd.period_range("2024-01", periods=18, freq="M"))
    >>> fc = NBeats().fit(y).predict(6)
    >>> fc.shape, bool(np.isfinite(fc.to_numpy()).all())
    ((6, 4), True)
    """

    def __init__(
        self,
        *,
        pretrained: str | Path | None = "m3",
        fine_tune: int = 0,
        learning_rate: float = 1e-4,
        patience: int = 5,
        horizon: int | None = None,
        input_size: int | None = None,
        stacks: str = "generic",
        width: int = 64,
        n_blocks: int = 3,
        n_layers: int = 2,
        standardize: bool = False,
        group: str | None = None,
        deseasonalize: bool = True,
        error_scale: str = "noise",
        random_state: int | None = 0,
    ) -> None:
        self.pretrained = pretrained
        self.fine_tune = fine_tune
        self.learning_rate = learning_rate
        self.patience = patience
        self.horizon = horizon
        self.input_size = input_size
        self.stacks = stacks
        self.width = width
        self.n_blocks = n_blocks
        self.n_layers = n_layers
        self.standardize = standardize
        self.group = group
        self.deseasonalize = deseasonalize
        self.error_scale = error_scale
        self.random_state = random_state

    # ------------------------------------------------------------------ settings
    def _check_params(self) -> None:
        cls = type(self).__name__

        def integer(name: str, low: int, none_ok: bool = False) -> None:
            v = getattr(self, name)
            if v is None and none_ok:
                return
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < low:
                extra = "None or " if none_ok else ""
                raise ForecastValueError(
                    f"The '{name}' parameter of {cls} must be {extra}an integer >= {low}. "
                    f"Got {v!r} instead."
                )

        for name, low in (("fine_tune", 0), ("patience", 0), ("width", 1), ("n_blocks", 1)):
            integer(name, low)
        integer("n_layers", 1)
        integer("horizon", 1, none_ok=True)
        integer("input_size", 2, none_ok=True)
        lr = self.learning_rate
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr < 1:
            raise ForecastValueError(
                f"The 'learning_rate' parameter of {cls} must be a number in (0, 1). "
                f"Got {lr!r} instead."
            )
        if self.error_scale not in ("noise", "none"):
            raise ForecastValueError(
                f"The 'error_scale' parameter of {cls} must be 'noise' or 'none'. "
                f"Got {self.error_scale!r} instead."
            )
        if self.stacks not in ("generic", "interpretable"):
            raise ForecastValueError(
                f"The 'stacks' parameter of {cls} must be 'generic' or 'interpretable'. "
                f"Got {self.stacks!r} instead."
            )
        p = self.pretrained
        if p is not None and not isinstance(p, str | Path):
            raise ForecastTypeError(
                f"The 'pretrained' parameter of {cls} must be 'm3', a path or None. "
                f"Got {type(p).__name__} instead."
            )
        if p is None and self.fine_tune < 1:
            raise ForecastValueError(
                f"The 'fine_tune' parameter of {cls} must be >= 1 when pretrained=None (the "
                f"network is then trained on the series alone). Got {self.fine_tune!r} instead."
            )
        if p is not None and (self.horizon is not None or self.input_size is not None):
            raise ForecastValueError(
                f"The 'horizon' and 'input_size' parameters of {cls} must be None with a "
                f"pretrained file (its sizes are fixed; longer horizons are forecast "
                f"recursively). Got horizon={self.horizon!r}, input_size={self.input_size!r}."
            )
        if self.group is not None and (p is None or not isinstance(self.group, str)):
            raise ForecastValueError(
                f"The 'group' parameter of {cls} must be None, or a group name of the "
                f"pretrained file (a str) when pretrained is a file. Got group={self.group!r} "
                f"with pretrained={p!r}."
            )
        check_bool(self.deseasonalize, "deseasonalize", cls)
        check_bool(self.standardize, "standardize", cls)
        rs = self.random_state
        if rs is not None and (isinstance(rs, bool) or not isinstance(rs, numbers.Integral)):
            raise ForecastTypeError(
                f"The 'random_state' parameter of {cls} must be None or an int. Got {rs!r}."
            )

    def _group(self, freqstr: str) -> GroupModel:
        """The (copied) pretrained group for this frequency, or a fresh scratch network."""
        p = self.pretrained
        if p is None:
            H = self.horizon or _SCRATCH.get(_scratch_key(freqstr), 8)
            L = self.input_size or 2 * H
            stacks = ("generic",) if self.stacks == "generic" else ("trend", "seasonality")
            net = NBeatsNet(
                input_size=L, horizon=H, stacks=stacks, width=self.width,
                n_blocks=self.n_blocks, n_layers=self.n_layers, standardize=self.standardize,
                rng=np.random.default_rng([self.random_state or 0, 1]),
            )  # fmt: skip
            return GroupModel("scratch", L, H, min(L, max(2, L // 2)), 1, [net], np.zeros((0, H)))
        path = BUNDLED[p] if isinstance(p, str) and p in BUNDLED else Path(p)
        groups = load_bundle(path)
        name = self.group or frequency_group(freqstr)
        if name not in groups:
            if self.group is not None:
                raise ForecastValueError(
                    f"The 'group' parameter of {type(self).__name__} must be one of the "
                    f"groups of {path}: {sorted(groups)}. Got {self.group!r} instead."
                )
            raise ForecastValueError(
                f"The pretrained file {path} has no {name!r} group (it has "
                f"{sorted(groups)}); pass a file trained on {name} data or pretrained=None."
            )
        return groups[name].copy()

    # ------------------------------------------------------------------ fitting
    def fit(self, history: Any, *, callbacks: Sequence[Callback] | None = None) -> Self:
        """Fit to ``history``; returns self.

        Parameters
        ----------
        history : pandas.Series
            Series with a PeriodIndex or DatetimeIndex.
        callbacks : sequence of nn.callbacks.Callback, optional
            Told about fine-tuning (as :func:`nn.fit` tells them), one network of the
            ensemble after the other: ``on_train_begin`` before a network's first epoch,
            ``on_epoch_end(context, epoch)`` after each epoch with ``context.history.loss``
            / ``val_loss`` (training MAE, held-out MAE) grown by one, ``on_train_end`` after
            its last (``history.best_epoch``: the epoch whose weights are kept, None when
            the pretrained ones are; ``stopped_epoch`` when ``patience`` ended it early).
            They observe: early stopping is ``patience``'s, ``context.stop_training`` is
            not read, and the forecasts do not depend on them. Zero-shot (``fine_tune=0``)
            calls none.
        """
        callbacks = () if callbacks is None else tuple(callbacks)
        for cb in callbacks:
            if not isinstance(cb, Callback):
                raise ForecastTypeError(
                    f"The 'callbacks' parameter of {type(self).__name__}.fit must hold "
                    f"nn.callbacks.Callback instances. Got {type(cb).__name__} instead."
                )
        self._check_params()
        index = getattr(history, "index", None)
        freq = getattr(index, "freqstr", None) if index is not None else None
        if freq is None and isinstance(index, pd.DatetimeIndex) and len(index) > 2:
            freq = pd.infer_freq(index)
        self._model = self._group(str(freq or ""))
        g = self._model
        need = self._min_length(1)
        if isinstance(history, pd.Series) and 0 < len(history) < need:
            how = (
                f"the {g.name} networks of the pretrained file read {g.input_size} values "
                f"and pad shorter inputs down to {g.min_input}"
                if self.pretrained is not None
                else f"training from scratch needs {g.min_input} inputs and {g.horizon} targets"
            )
            if self.fine_tune and self.pretrained is not None:
                how += ", plus one held-out value to fine-tune on (fine_tune=0 needs one fewer)"
            self.__dict__.pop("_model", None)
            raise ForecastValueError(
                f"The 'history' parameter of {type(self).__name__}.fit needs at least {need} "
                f"observations: {how}. Got {len(history)} instead."
            )
        self._callbacks = callbacks
        try:
            return super().fit(history)
        finally:
            self.__dict__.pop("_model", None)
            self.__dict__.pop("_callbacks", None)

    def _min_length(self, m: int) -> int:
        g = self._model
        if self.pretrained is None:
            return g.min_input + g.horizon + 2
        return g.min_input + (1 if self.fine_tune else 0)

    def _fit(self, values: np.ndarray, m: int) -> None:
        g = self._model
        self.group_ = g.name
        self.horizon_, self.input_size_, self.min_input_ = g.horizon, g.input_size, g.min_input
        self._lock = threading.Lock()
        self._z_cache: tuple[np.ndarray, np.ndarray] | None = None
        self.fine_tune_history_: dict[str, Any] = {}
        if self.deseasonalize:
            x, self.seasonal_ = _deseasonalize(values, m)
        else:
            x, self.seasonal_ = values.copy(), np.ones(m)
        self.adjusted_ = x
        if self.fine_tune:
            self._train(g, x)
        self.nets_ = g.nets
        self._group_model = g
        self.pool_ = g.pool if g.pool.size else self._in_sample_pool(x)
        self.noise_ = float("nan")
        if g.pool.size and g.pool_noise is not None and self.error_scale == "noise":
            window = _last_window(values, g.input_size)[None, :]
            self.noise_ = float(noise_levels(encode(window)[0], g.season_length)[0])
            self.pool_ = rescale_pool(g.pool, g.pool_noise, self.noise_)
        # a constant history forecasts its constant with zero width (as ETS and Theta do):
        # the networks' answer to a flat window is near it, not exactly it
        self.constant_ = bool(np.ptp(values) == 0)

    def _train(self, g: GroupModel, values: np.ndarray) -> None:
        H, n = g.horizon, values.size
        v = min(H, max(1, n // 4))
        data: dict[int, Any] = {}  # windows by input size (the networks may differ)

        def windows(size: int) -> Any:
            if size not in data:
                xv, yv, mv, _, heads = validation_windows(
                    [values], input_size=size, horizon=H, holdout=v
                )
                head = heads[0]
                m_in = min(g.min_input, max(1, head.size - 1))
                panel = make_panel([head], input_size=size, horizon=H, min_input=m_in)
                full = all_windows(panel, np.random.default_rng(0), p_truncate=0.0)
                data[size] = (xv, yv, mv), panel, full
            return data[size]

        rng = np.random.default_rng(self.random_state)
        hist: dict[str, Any] = {"loss": [], "val_loss": [], "best_epoch": []}
        full = windows(g.input_size)[2]
        hist["train_loss_start"] = masked_mae(g.forecast(full[0]), *full[1:])
        callbacks: tuple[Callback, ...] = getattr(self, "_callbacks", ())
        for net in g.nets:
            val, panel, _ = windows(net.input_size)

            def batches(r: np.random.Generator, panel: Any = panel) -> Any:
                return all_windows(panel, r)

            context = TrainingContext(net, History(), int(self.fine_tune), 1, True)
            for cb in callbacks:
                cb.on_train_begin(context)
            res = train_net(
                net,
                batches,
                val,
                steps=int(self.fine_tune),
                eval_every=1,
                patience=int(self.patience),
                lr=float(self.learning_rate),
                rng=rng,
                callback=_tell(callbacks, context) if callbacks else None,
            )
            epochs = len(res.loss) - 1  # evaluation 0 is before the first epoch
            context.history.best_epoch = res.best - 1 if res.best > 0 else None
            if epochs < int(self.fine_tune):
                context.history.stopped_epoch = epochs - 1
            for cb in callbacks:
                cb.on_train_end(context)
            hist["loss"].append(res.loss)
            hist["val_loss"].append(res.val_loss)
            hist["best_epoch"].append(res.best)
        hist["train_loss_end"] = masked_mae(g.forecast(full[0]), *full[1:])
        self.fine_tune_history_ = hist

    def _in_sample_pool(self, values: np.ndarray) -> np.ndarray:
        """Scaled errors of every complete in-sample window (scratch networks)."""
        H, L = self.horizon_, self.input_size_
        panel = make_panel([values], input_size=L, horizon=H, min_input=self.min_input_)
        x, y, mask = all_windows(panel, np.random.default_rng(0), p_truncate=0.0)
        full = mask.all(axis=1)
        if not full.any():
            full = mask.sum(axis=1) == mask.sum(axis=1).max()
        err = np.where(mask > 0, y - self._combine(x), np.nan)
        return err[full]

    # ------------------------------------------------------------------ prediction
    def _combine(self, x: np.ndarray) -> np.ndarray:
        return self._group_model.forecast(x, self.nets_)

    def _forecast(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Point forecast (h,) and the window scale of each step (h,), recursively past H."""
        with self._lock:
            if self._z_cache is None or self._z_cache[0].size < h:
                self._z_cache = self._compute(max(h, self.horizon_))
            mean, scales = self._z_cache
        return mean[:h].copy(), scales[:h].copy()

    def _compute(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        L, H = self.input_size_, self.horizon_
        hist = list(self.adjusted_)
        if self.constant_:
            return np.full(h, hist[-1]), np.zeros(h)
        out: list[float] = []
        scales: list[float] = []
        while len(out) < h:
            x, scale = encode(_last_window(np.asarray(hist), L)[None, :])
            block = self._combine(x)[0] * scale[0]
            out.extend(block.tolist())
            scales.extend([float(scale[0])] * H)
            hist.extend(block.tolist())
        return np.asarray(out[:h]), np.asarray(scales[:h])

    def _predict_mean(self, h: int) -> np.ndarray:
        n = self.adjusted_.size
        return self._forecast(h)[0] * seasonal_factors(self.seasonal_, n, n + h)

    def _sample_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        size = self.adjusted_.size
        return (
            self._adjusted_paths(h, n, rng)
            * seasonal_factors(self.seasonal_, size, size + h)[None, :]
        )

    def _adjusted_paths(self, h: int, n: int, rng: np.random.Generator) -> np.ndarray:
        mean, scales = self._forecast(h)
        H = self.horizon_
        pool = np.nan_to_num(self.pool_, nan=0.0)
        blocks = -(-h // H)
        rows = rng.integers(pool.shape[0], size=(n, blocks))
        err = pool[rows].reshape(n, blocks * H)  # (n, blocks * H)
        if blocks > 1:  # each further block starts from the error at the end of the last
            ends = np.cumsum(pool[rows][:, :, -1], axis=1)[:, :-1]
            err[:, H:] += np.repeat(ends, H, axis=1)
        return mean[None, :] + scales[None, :] * err[:, :h]

    def _fitted_values(self) -> np.ndarray:
        values = self.adjusted_
        n, L = values.size, self.input_size_
        out = np.full(n, np.nan)
        idx = np.arange(self.min_input_, n)
        if idx.size:
            x, scale = encode(np.stack([_last_window(values[:t], L) for t in idx]))
            with self._lock:
                step1 = self._combine(x)[:, 0]
            out[idx] = step1 * scale * seasonal_factors(self.seasonal_, 0, n)[idx]
        return out


def _last_window(values: np.ndarray, size: int) -> np.ndarray:
    """The last ``size`` values, left-padded with NaN (unobserved) when fewer."""
    window = np.full(size, np.nan)
    tail = values[-size:]
    window[size - tail.size :] = tail
    return window


def _tell(callbacks: Sequence[Callback], context: TrainingContext) -> Any:
    """``train_net``'s evaluation hook -> the callbacks' ``on_epoch_end`` (epoch = step - 1;
    evaluation 0, before any step, is no epoch)."""

    def seen(step: int, loss: float, val_loss: float) -> None:
        if step == 0:
            return
        context.history.loss.append(float(loss))
        context.history.val_loss.append(float(val_loss))
        for cb in callbacks:
            cb.on_epoch_end(context, step - 1)

    return seen


def _scratch_key(freqstr: str) -> str:
    f = freqstr.upper()
    if f.startswith("W"):
        return "weekly"
    if f.startswith(("D", "B")):
        return "daily"
    return frequency_group(freqstr)
