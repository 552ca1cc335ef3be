"""Activation and gradient statistics per layer during :func:`nn.fit` (Glorot and Bengio 2010).

Glorot and Bengio (2010), "Understanding the difficulty of training deep feedforward
neural networks", AISTATS, follow the distribution of every hidden layer's activations
and back-propagated gradients on a fixed set of examples while a deep network trains:
the top sigmoid layer of a deep net driven into saturation at 0 early in training and
escaping slowly, tanh layers saturating one after another from the bottom, softsign
staying in its non-linear "knees". :class:`ActivationStats` is that instrument for any
:class:`~nn.layers.Sequential` trained by :func:`nn.fit`.

At the start of training (epoch -1) and after the chosen epochs, the callback runs the
model over a fixed probe set in inference mode (no dropout, no update of any running
statistics, no random numbers drawn: training is unchanged by it) and, given probe
targets, back-propagates the training loss. For every chosen layer it records:

- ``"activation"``: the layer's output;
- ``"gradient"``: the back-propagated gradient of the per-row loss (the probe-batch
  gradient times the probe's row count, so it does not depend on the probe size) with
  respect to the pre-activation ``s`` (``y = f(s)``) of a :class:`~nn.Dense` layer or
  of a stand-alone activation layer, as in the paper's ``dCost/ds``; with respect to the
  layer's output for any other layer.

Each record holds the mean, the standard deviation, the saturation fraction (activations
only) and a fixed-bin histogram (fractions of the entries, summing to 1).

Saturation, per activation, with the thresholds ``t`` of :data:`SATURATION` (the
``saturation`` parameter overrides them): ``|y| > t`` for tanh (``t = 0.99``) and
softsign (``t = 0.9``: its knees lie much further out, softsign reaches 0.99 only at
``|s| = 99``); ``y < 1 - t`` or ``y > t`` for sigmoid (``t = 0.99``: below 0.01 or above
0.99). A layer with any other activation has saturation NaN, stated here, not computed.

Examples
--------
>>> import numpy as np
>>> import nn
>>> rng = np.random.default_rng(0)
>>> X, y = rng.normal(size=(64, 4)), rng.normal(size=(64, 1))
>>> model = nn.Sequential(
...     [nn.Dense(4, 8, activation="tanh", rng=0), nn.Dense(8, 1, rng=1)]
... )
>>> stats = nn.ActivationStats(X, y, epochs=[1])
>>> _ = nn.fit(model, "mse", "adam", X, y, epochs=2, callbacks=[stats], rng=0)
>>> [(r["epoch"], r["layer"], r["kind"]) for r in stats.records_][:4]
[(-1, 0, 'activation'), (-1, 0, 'gradient'), (-1, 1, 'activation'), (-1, 1, 'gradient')]
>>> stats.as_arrays()["hist"].shape  # 8 records, 20 bins
(8, 20)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from nn._validate import check_array, check_positive_int
from nn.activations import Activation
from nn.callbacks import Callback, TrainingContext
from nn.errors import NNTypeError, NNValueError
from nn.layers import Dense, Sequential

__all__ = ["SATURATION", "ActivationStats"]

#: Saturation threshold ``t`` per activation: ``|y| > t`` (tanh, softsign), ``y < 1 - t``
#: or ``y > t`` (sigmoid).
SATURATION: dict[str, float] = {"sigmoid": 0.99, "tanh": 0.99, "softsign": 0.9}


def _saturation(name: str, y: np.ndarray, t: float) -> float:
    """Fraction of the entries of ``y`` saturated under threshold ``t``."""
    if name == "sigmoid":
        return float(np.mean((y < 1.0 - t) | (y > t)))
    return float(np.mean(np.abs(y) > t))


#: Fixed activation-histogram ranges of the bounded activations.
_RANGES: dict[str, tuple[float, float]] = {
    "sigmoid": (0.0, 1.0),
    "tanh": (-1.0, 1.0),
    "softsign": (-1.0, 1.0),
}

_COLUMNS = ("epoch", "layer", "name", "activation", "kind", "mean", "std", "saturation")


def _activation_of(layer: Any) -> Activation | None:
    if isinstance(layer, Dense):
        return layer._act  # the Dense layer's own activation object (same package)
    return layer if isinstance(layer, Activation) else None


class ActivationStats(Callback):
    """Record per-layer activation and gradient distributions on a probe set during ``fit``.

    Parameters
    ----------
    X : array-like of shape (n_probe, ...)
        Fixed probe inputs (the paper uses 300 held-out examples).
    y : array-like of shape (n_probe, ...) or None
        Probe targets for the back-propagated gradients (through ``fit``'s loss); None
        records activations only.
    layers : sequence of int or None
        Indices of the model's top-level layers to follow; None for all of them.
    epochs : int, sequence of int or None
        When to record (besides the start, epoch -1, if ``record_initial``): None after
        every epoch; an int ``k`` after every ``k``-th epoch (0-based epochs ``k - 1``,
        ``2k - 1``, ...); a sequence after those 0-based epochs.
    bins : int, default 20
        Histogram bins.
    activation_range : (float, float) or None
        Histogram range of activations without a bounded range of their own; None fixes
        it at the first record (minimum and maximum over the followed layers). Sigmoid
        uses (0, 1), tanh and softsign (-1, 1).
    grad_range : float or None
        Gradient histograms cover ``[-grad_range, grad_range]``; None fixes it at the first
        record (largest ``|gradient|`` over the followed layers).
    record_initial : bool, default True
        Record before the first epoch too (as epoch -1).
    saturation : mapping of str to float or None
        Thresholds ``t`` in (0, 1) replacing those of :data:`SATURATION` for the named
        activations (``"sigmoid"``, ``"tanh"``, ``"softsign"``).

    Attributes
    ----------
    records_ : list of dict
        One record per (time, layer, kind), in time order: keys ``epoch``, ``layer``,
        ``name`` (e.g. ``"Dense(tanh)"``), ``activation`` (name or ``""``), ``kind``
        (``"activation"`` or ``"gradient"``), ``mean``, ``std``, ``saturation`` (NaN for
        gradients and unsaturating activations), ``hist`` (fractions, ``(bins,)``) and
        ``edges`` (``(bins + 1,)``). ``pandas.DataFrame(records_)`` gives a table.

    Notes
    -----
    Values outside a histogram's range are counted in its edge bins.
    """

    def __init__(
        self,
        X: Any,
        y: Any = None,
        *,
        layers: Sequence[int] | None = None,
        epochs: int | Sequence[int] | None = None,
        bins: int = 20,
        activation_range: tuple[float, float] | None = None,
        grad_range: float | None = None,
        record_initial: bool = True,
        saturation: Mapping[str, float] | None = None,
    ) -> None:
        self.X = X
        self.y = y
        self.layers = layers
        self.epochs = epochs
        self.bins = bins
        self.activation_range = activation_range
        self.grad_range = grad_range
        self.record_initial = record_initial
        self.saturation = saturation

    # -- callback hooks -------------------------------------------------------------------
    def on_train_begin(self, context: TrainingContext) -> None:
        func = "ActivationStats"
        model = context.model
        if not isinstance(model, Sequential):
            raise NNTypeError(
                f"{func} follows the layers of an nn.Sequential. "
                f"Got a {type(model).__name__} model instead."
            )
        self._X = check_array(self.X, name="X", func=func)
        self._y = None if self.y is None else check_array(self.y, name="y", func=func)
        if self._y is not None and self._y.shape[0] != self._X.shape[0]:
            raise NNValueError(
                f"The 'y' parameter of {func} must have as many rows as 'X' "
                f"({self._X.shape[0]}). Got {self._y.shape[0]} rows instead."
            )
        if self._y is not None and context.loss is None:
            raise NNValueError(f"{func} needs the training loss; use it through nn.fit.")
        n = len(model)
        idx = list(range(n)) if self.layers is None else list(self.layers)
        for j in idx:
            if isinstance(j, bool) or not isinstance(j, int | np.integer) or not 0 <= j < n:
                raise NNValueError(
                    f"The 'layers' parameter of {func} must hold layer indices in [0, {n}). "
                    f"Got {j!r} instead."
                )
        self._layers = sorted(set(int(j) for j in idx))
        self._bins = check_positive_int(self.bins, name="bins", func=func)
        self._when = self._check_epochs(self.epochs, func)
        self._act_range = self.activation_range
        self._grad_range = self.grad_range
        if self._grad_range is not None and not float(self._grad_range) > 0:
            raise NNValueError(
                f"The 'grad_range' parameter of {func} must be > 0. Got {self.grad_range!r}."
            )
        self._thresholds = self._check_saturation(self.saturation, func)
        self.records_: list[dict[str, Any]] = []
        if self.record_initial:
            self.record(context, -1)

    def on_epoch_end(self, context: TrainingContext, epoch: int) -> None:
        if self._when is None or self._when(epoch):
            self.record(context, epoch)

    @staticmethod
    def _check_saturation(saturation: Any, func: str) -> dict[str, float]:
        thresholds = dict(SATURATION)
        for name, t in dict(saturation or {}).items():
            if name not in SATURATION:
                raise NNValueError(
                    f"The 'saturation' parameter of {func} must name activations among "
                    f"{sorted(SATURATION)}. Got {name!r} instead."
                )
            if isinstance(t, bool) or not isinstance(t, int | float) or not 0 < t < 1:
                raise NNValueError(
                    f"The 'saturation' parameter of {func} must map {name!r} to a threshold "
                    f"in (0, 1). Got {t!r} instead."
                )
            thresholds[name] = float(t)
        return thresholds

    @staticmethod
    def _check_epochs(epochs: Any, func: str) -> Callable[[int], bool] | None:
        if epochs is None:
            return None
        if isinstance(epochs, int | np.integer) and not isinstance(epochs, bool):
            k = check_positive_int(epochs, name="epochs", func=func)
            return lambda e: (e + 1) % k == 0
        chosen = set()
        for e in epochs:
            chosen.add(check_positive_int(e, name="epochs", func=func, minimum=0))
        return chosen.__contains__

    # -- the measurement ------------------------------------------------------------------
    def record(self, context: TrainingContext, epoch: int) -> None:
        """Measure the followed layers on the probe set now and append the records."""
        model = context.model
        outputs = model.forward_trace(self._X, training=False)
        grads: list[np.ndarray] | None = None
        if self._y is not None:
            context.loss.forward(outputs[-1], self._y)
            grads, _ = model.backward_trace(context.loss.backward() * self._X.shape[0])
        acts = [_activation_of(model[j]) for j in self._layers]
        if self._act_range is None:
            free = [outputs[j] for j, a in zip(self._layers, acts, strict=True) if _free(a)]
            lo = min((float(o.min()) for o in free), default=-1.0)
            hi = max((float(o.max()) for o in free), default=1.0)
            self._act_range = (lo, hi if hi > lo else lo + 1.0)
        pre = None
        if grads is not None:
            pre = [
                grads[j] if a is None else a.backward(grads[j])
                for j, a in zip(self._layers, acts, strict=True)
            ]
            if self._grad_range is None:
                top = max(float(np.abs(g).max()) for g in pre)
                self._grad_range = top if top > 0 else 1.0
        for i, (j, act) in enumerate(zip(self._layers, acts, strict=True)):
            name = act.name if act is not None else ""
            label = type(model[j]).__name__
            if name and not isinstance(model[j], Activation):
                label = f"{label}({name})"
            y = outputs[j]
            t = self._thresholds.get(name)
            sat = _saturation(name, y, t) if t is not None else float("nan")
            self._append(epoch, j, label, name, "activation", y, sat, _RANGES.get(name))
            if pre is not None:
                r = float(self._grad_range)
                self._append(epoch, j, label, name, "gradient", pre[i], float("nan"), (-r, r))

    def _append(
        self,
        epoch: int,
        layer: int,
        label: str,
        activation: str,
        kind: str,
        values: np.ndarray,
        saturation: float,
        bounds: tuple[float, float] | None,
    ) -> None:
        lo, hi = self._act_range if bounds is None else bounds
        flat = np.clip(np.asarray(values, dtype=np.float64).ravel(), lo, hi)
        counts, edges = np.histogram(flat, bins=self._bins, range=(lo, hi))
        self.records_.append(
            {
                "epoch": int(epoch),
                "layer": int(layer),
                "name": label,
                "activation": activation,
                "kind": kind,
                "mean": float(np.mean(values)),
                "std": float(np.std(values)),
                "saturation": saturation,
                "hist": counts / max(flat.size, 1),
                "edges": edges,
            }
        )

    def as_arrays(self) -> dict[str, np.ndarray]:
        """The records as columns: 1-D arrays per key, ``hist`` ``(n_records, bins)``,
        ``edges`` ``(n_records, bins + 1)``."""
        records = getattr(self, "records_", [])
        out = {k: np.array([r[k] for r in records]) for k in _COLUMNS}
        bins = check_positive_int(self.bins, name="bins", func="ActivationStats")
        out["hist"] = np.array([r["hist"] for r in records]).reshape(len(records), bins)
        out["edges"] = np.array([r["edges"] for r in records]).reshape(len(records), bins + 1)
        return out


def _free(act: Activation | None) -> bool:
    """True for activations without a fixed histogram range."""
    return act is None or act.name not in _RANGES
