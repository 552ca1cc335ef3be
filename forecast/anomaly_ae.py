"""Anomaly flags from a denoising autoencoder over sliding windows of one history.

How a month is scored (:class:`AutoencoderDetector`):

1. Take out the seasonal part of a robust STL fit (:func:`forecast.anomaly_stl.
   seasonal_adjust`; nothing without a season), cut the adjusted history into every window
   of ``window`` consecutive months (stride 1) and normalise each window by itself: minus
   its median, over its robust scale (1.4826 MAD), so level, trend and scale differences
   between windows vanish.
2. A small fully connected autoencoder (``window -> hidden -> code_size -> hidden ->
   window``, tanh, on :mod:`nn`'s Dense/Sequential with Adam and the Huber loss) has
   learnt to reconstruct clean windows from *corrupted* copies: Gaussian noise of sd
   ``noise`` on every value, with probability ``spike_rate`` per value a spike of 3 to 6
   units, with probability ``shift_rate`` per window a block of 2 to 6 months shifted by
   2 to 5 units. By default the network was pretrained across many series (the seasonally
   adjusted M3 monthly training parts of the calibration half,
   :mod:`forecast.anomaly_pretrained`) and is used as it is (``epochs=0``) or fine-tuned on
   the series; ``pretrained=None`` trains a new one on the series' own windows, seeded by
   ``random_state``.
3. A month's reconstruction is the mean over the windows that hold it, mapped back to the
   history's units (:func:`forecast.anomaly_net.reconstruct`), and its residual the
   adjusted value less that. ``refine`` times, months whose residual is more than
   ``REFINE_Z`` robust z from the median are set to their reconstruction and the history
   is reconstructed again, so an anomaly pulls the reconstruction of its neighbours less
   (the reweighting of a robust STL fit, in one step); the residuals stay those of the
   history as given.
4. A month's score is the absolute robust z of its residual over the months of the series
   (:func:`forecast.anomaly_result.robust_z`); flag months whose score exceeds
   ``threshold``.

The bottleneck cannot copy a single month's jump and the corruption teaches the network to
fill such a month from its neighbours, so a spike or a shifted block leaves a large residual
where it is.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from forecast._series import as_rng, check_series, season_length_of
from forecast.anomaly_net import (
    reconstruct,
    sliding_windows,
    train_autoencoder,
)
from forecast.anomaly_pretrained import load_autoencoders
from forecast.anomaly_result import AnomalyResult, DetectorBase, check_threshold, robust_z
from forecast.anomaly_stl import seasonal_adjust
from forecast.errors import ForecastTypeError, ForecastValueError
from kernel import check_number, check_positive_int

__all__ = ["AE_THRESHOLD", "REFINE_Z", "WINDOWS", "AutoencoderDetector"]

#: Default flag rule (robust z of the month's score): 4.30 rounded to 0.05, the 95th
#: percentile of the clean-month scores of the calibration half (the 714 even-position
#: M3 monthly training parts, injected with two ±5-unit spikes and a 4-month ±3-unit
#: shift per series, seed 0), i.e. a 5% false-flag rate there;
#: ``python benchmarks/anomaly_m3.py`` (BENCHMARKS.md, ``anomaly_m3``) reports its
#: recall on the odd-position half.
AE_THRESHOLD = 4.30

#: Robust z beyond which a month is set to its reconstruction before a refining pass.
REFINE_Z = 3.0

#: Window lengths of the pretrained networks, shortest first.
WINDOWS = (12, 24, 36)


class AutoencoderDetector(DetectorBase):
    """Flag unusual months by a denoising autoencoder's reconstruction error.

    Parameters
    ----------
    window : int or None, default None
        Months per window. None: the longest of 36, 24 and 12 that the history holds
        twice. The history needs at least ``2 * window`` months (24 at the least).
    pretrained : str, path or None, default "m3"
        Start from the networks pretrained across many series (``"m3"``: the shipped file,
        trained on M3 monthly training parts, see :mod:`forecast.anomaly_pretrained`; or
        the path of such a file), which has windows 12, 24 and 36. None: a new network
        trained on the series itself.
    epochs : int or None, default None
        Full-batch Adam steps on the series' own windows. None: 0 with ``pretrained``
        (zero-shot: the pretrained network as it is), 300 without. With ``pretrained``
        a positive value fine-tunes a copy of it.
    hidden : int, default 32
        Units of the two hidden layers (a new network; a pretrained one keeps its own).
    code_size : int, default 2
        Units of the bottleneck (a new network; a pretrained one keeps its own).
    noise : float, default 0.2
        Sd of the Gaussian corruption (window-normalised units).
    spike_rate : float, default 0.05
        Chance per value of a corrupting spike of 3 to 6 units.
    shift_rate : float, default 0.3
        Chance per window of a corrupting block of 2 to 6 months shifted by 2 to 5 units.
    learning_rate : float, default 0.003
    n_models : int, default 1
        Networks trained from the series (different seeds) whose reconstructions are
        averaged (without ``pretrained``).
    refine : int, default 1
        Refining passes (step 3 above): 0 scores the first reconstruction.
    threshold : float, default AE_THRESHOLD
        Flag a month when its score (robust z of its error) exceeds this. The default
        flags 5% of the clean months of the benchmark's calibration series
        (BENCHMARKS.md anomaly_m3), never of the series it reports on.
    random_state : int, Generator or None, default 0
        Seed of new weights and of the corruptions: the same seed gives the same flags.

    Attributes
    ----------
    result_ : AnomalyResult
        Scores and flags of the history given to :meth:`fit`.
    models_ : list of nn.Sequential
        The networks used.
    window_ : int

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = np.arange(72)
    >>> noise = np.random.default_rng(0).normal(0, 1, 72)
    >>> y = pd.Series(100 + 10 * np.sin(2 * np.pi * t / 12) + noise,
    ...               index=pd.period_range("2015-01", periods=72, freq="M"))
    >>> y.iloc[40] += 15
    >>> det = AutoencoderDetector().fit(y)
    >>> det.window_, str(det.result_.scores.idxmax())
    (36, '2018-05')
    """

    _param_error: ClassVar[type[Exception]] = ForecastValueError

    def __init__(
        self,
        *,
        window: int | None = None,
        pretrained: str | None = "m3",
        epochs: int | None = None,
        hidden: int = 32,
        code_size: int = 2,
        noise: float = 0.2,
        spike_rate: float = 0.05,
        shift_rate: float = 0.3,
        learning_rate: float = 0.003,
        n_models: int = 1,
        refine: int = 1,
        threshold: float = AE_THRESHOLD,
        random_state: np.random.Generator | int | None = 0,
    ) -> None:
        self.window = window
        self.pretrained = pretrained
        self.epochs = epochs
        self.hidden = hidden
        self.code_size = code_size
        self.noise = noise
        self.spike_rate = spike_rate
        self.shift_rate = shift_rate
        self.learning_rate = learning_rate
        self.n_models = n_models
        self.refine = refine
        self.threshold = threshold
        self.random_state = random_state

    @property
    def min_length(self) -> int:
        """Fewest months :meth:`fit` accepts: ``2 * window`` (24 with ``window=None``)."""
        return 2 * (WINDOWS[0] if self.window is None else int(self.window))

    def _checked(self, func: str) -> dict[str, Any]:
        def pos(name: str, minimum: int = 1) -> int:
            return check_positive_int(
                getattr(self, name), name=name, func=func, minimum=minimum,
                error=ForecastValueError, type_error=ForecastTypeError,
            )  # fmt: skip

        def num(name: str, low: float, high: float | None = None, low_open: bool = False) -> float:
            return check_number(getattr(self, name), name=name, func=func, low=low, high=high,
                                low_open=low_open, error=ForecastValueError,
                                type_error=ForecastTypeError)  # fmt: skip

        out: dict[str, Any] = {
            "hidden": pos("hidden"), "code_size": pos("code_size"), "n_models": pos("n_models"),
            "refine": pos("refine", 0),
            "noise": num("noise", 0.0), "spike_rate": num("spike_rate", 0.0, 1.0),
            "shift_rate": num("shift_rate", 0.0, 1.0),
            "learning_rate": num("learning_rate", 0.0, low_open=True),
            "threshold": check_threshold(self.threshold, func=func),
            "window": None if self.window is None else pos("window", 3),
        }  # fmt: skip
        if self.epochs is None:
            out["epochs"] = 0 if self.pretrained is not None else 300
        else:
            out["epochs"] = check_positive_int(
                self.epochs, name="epochs", func=func, minimum=0 if self.pretrained else 1,
                error=ForecastValueError, type_error=ForecastTypeError)  # fmt: skip
        return out

    def _window(self, p: dict[str, Any], n: int, func: str) -> int:
        if p["window"] is not None:
            w = p["window"]
            if self.pretrained is not None and w not in WINDOWS:
                raise ForecastValueError(
                    f"The 'window' parameter of {func} must be one of {list(WINDOWS)} (the "
                    f"pretrained networks' windows) or None with pretrained={self.pretrained!r}. "
                    f"Got {w!r} instead; pass pretrained=None to train a new network."
                )
        else:
            fits = [w for w in WINDOWS if n >= 2 * w]
            w = fits[-1] if fits else WINDOWS[0]
        if n < 2 * w:
            raise ForecastValueError(
                f"The 'history' parameter of {func} needs at least {2 * w} months for "
                f"window={w} (2 x window). Got {n} instead."
                + ("" if p["window"] is None or w == WINDOWS[0] else
                   " Use a smaller window or a longer history.")
            )  # fmt: skip
        return w

    def fit(self, history: pd.Series) -> Self:
        """Score every month of ``history`` (training on its windows if asked); returns ``self``.

        Raises
        ------
        ForecastValueError
            A history shorter than ``2 * window`` months (the message names the minimum),
            gaps, missing values or bad hyperparameters (each named).
        PretrainedFileError
            A pretrained file that is missing, foreign or corrupted.
        """
        func = "AutoencoderDetector.fit"
        p = self._checked(func)
        values, periods = check_series(history, func=func, name="history")
        w = self._window(p, values.size, func)
        rng = as_rng(self.random_state, func=func)
        adjusted = seasonal_adjust(values, season_length_of(periods))
        X, _, _ = sliding_windows(adjusted, w)
        train = {k: p[k] for k in ("hidden", "code_size", "noise", "spike_rate", "shift_rate",
                                   "epochs", "learning_rate")}  # fmt: skip
        if self.pretrained is not None:
            base = load_autoencoders(self.pretrained)
            if w not in base:
                raise ForecastValueError(
                    f"The 'window' parameter of {func}: the pretrained file has windows "
                    f"{sorted(base)}, not {w}."
                )
            net = base[w]
            if p["epochs"] > 0:
                net = train_autoencoder(X, rng=rng, model=copy.deepcopy(net), **train)
            models = [net]
        else:
            models = [train_autoencoder(X, rng=rng, **train) for _ in range(p["n_models"])]
        fitted = adjusted
        for _ in range(p["refine"] + 1):
            recon = np.mean([reconstruct(net, fitted, w) for net in models], axis=0)
            raw = adjusted - recon
            fitted = np.where(np.abs(robust_z(raw)) > REFINE_Z, recon, adjusted)
        z = np.abs(robust_z(raw))
        self.window_ = w
        self.models_ = models
        self.result_ = AnomalyResult(
            scores=pd.Series(z, index=periods, name="score"),
            flags=pd.Series(z > p["threshold"], index=periods, name="flagged"),
            threshold=p["threshold"], method="autoencoder",
            raw=pd.Series(raw, index=periods, name="residual"),
        )  # fmt: skip
        return self
