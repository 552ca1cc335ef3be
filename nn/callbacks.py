"""Training history and callbacks for :func:`nn.fit`: early stopping and a progress bar.

A callback receives the running :class:`TrainingContext` (model, history, a
``stop_training`` flag) at the start of training, at the end of every epoch and at the
end of training. Setting ``context.stop_training = True`` ends training after the
current epoch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nn._validate import check_number, check_positive_int
from nn.base import Layer
from nn.errors import NNValueError
from nn.losses import Loss

__all__ = ["Callback", "EarlyStopping", "History", "ProgressBar", "TrainingContext"]


@dataclass
class History:
    """Losses per epoch, as returned by :func:`nn.fit`.

    Attributes
    ----------
    loss : list of float
        Mean training loss of each epoch (data loss over the epoch's batches, computed
        before each batch's update; L1/L2 penalties are not included).
    val_loss : list of float
        Validation loss after each epoch (empty without validation data).
    best_epoch : int or None
        Epoch (0-based) whose weights were restored by :class:`EarlyStopping`.
    stopped_epoch : int or None
        Epoch (0-based) after which training was stopped early.
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int | None = None

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.loss)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict of the history."""
        return {
            "loss": list(self.loss),
            "val_loss": list(self.val_loss),
            "best_epoch": self.best_epoch,
            "stopped_epoch": self.stopped_epoch,
        }


@dataclass
class TrainingContext:
    """What callbacks see of a running :func:`nn.fit` (``loss``: its loss object)."""

    model: Layer
    history: History
    epochs: int
    n_batches: int
    has_validation: bool
    stop_training: bool = False
    loss: Loss | None = None


class Callback:
    """Base class; override any of the hooks."""

    def on_train_begin(self, context: TrainingContext) -> None:
        """Called once before the first epoch."""

    def on_epoch_end(self, context: TrainingContext, epoch: int) -> None:
        """Called after each epoch, once its losses are in ``context.history``."""

    def on_train_end(self, context: TrainingContext) -> None:
        """Called once after the last epoch (also after an early stop)."""


def _state(model: Layer) -> list[np.ndarray]:
    """Every parameter and every buffer (e.g. BatchNorm running statistics), in order."""
    out = [p for p, _ in model.parameters()]
    for layer in model.layers():
        out += list(getattr(layer, "buffers", {}).values())
    return out


def _snapshot(model: Layer) -> list[np.ndarray]:
    return [a.copy() for a in _state(model)]


def _restore(model: Layer, arrays: list[np.ndarray]) -> None:
    for a, saved in zip(_state(model), arrays, strict=True):
        a[...] = saved  # in place: optimizer state stays attached to the same arrays


class EarlyStopping(Callback):
    """Stop when the monitored loss has not improved for ``patience`` epochs.

    Parameters
    ----------
    monitor : {"val_loss", "loss"}, default "val_loss"
        Which history entry to watch (``"val_loss"`` needs validation data).
    patience : int, default 5
        Training stops after this many consecutive epochs without improvement (as Keras).
        A rule "stop once more than ``p`` epochs in a row did not improve" is
        ``patience=p + 1``.
    min_delta : float, default 0.0
        An improvement must lower the best loss by more than this: an epoch improves when
        ``loss < best_ - min_delta``.
    restore_best_weights : bool, default True
        At the end of training, copy the parameters of the best epoch back into the model
        (in place).

    Attributes
    ----------
    best_ : float
        Best monitored loss.
    best_epoch_ : int
        Epoch (0-based) of ``best_``.
    stopped_epoch_ : int or None
        Epoch after which training stopped, or None if it ran to the end.
    """

    def __init__(
        self,
        *,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        restore_best_weights: bool = True,
    ) -> None:
        self.monitor = monitor
        self.patience = patience
        self.min_delta = min_delta
        self.restore_best_weights = restore_best_weights

    def on_train_begin(self, context: TrainingContext) -> None:
        if self.monitor not in ("val_loss", "loss"):
            raise NNValueError(
                "The 'monitor' parameter of EarlyStopping must be 'val_loss' or 'loss'. "
                f"Got {self.monitor!r} instead."
            )
        if self.monitor == "val_loss" and not context.has_validation:
            raise NNValueError(
                "The 'monitor' parameter of EarlyStopping is 'val_loss' but fit got no "
                "validation data. Pass validation=(X_val, y_val) or a fraction, or monitor 'loss'."
            )
        check_positive_int(self.patience, name="patience", func="EarlyStopping", minimum=0)
        check_number(self.min_delta, name="min_delta", func="EarlyStopping", low=0.0)
        self.best_ = np.inf
        self.best_epoch_ = -1
        self.stopped_epoch_: int | None = None
        self.wait_ = 0
        self._best_weights: list[np.ndarray] | None = None

    def on_epoch_end(self, context: TrainingContext, epoch: int) -> None:
        current = getattr(context.history, self.monitor)[-1]
        if current < self.best_ - self.min_delta:
            self.best_, self.best_epoch_, self.wait_ = current, epoch, 0
            if self.restore_best_weights:
                self._best_weights = _snapshot(context.model)
            return
        self.wait_ += 1
        if self.wait_ >= self.patience:
            self.stopped_epoch_ = epoch
            context.history.stopped_epoch = epoch
            context.stop_training = True

    def on_train_end(self, context: TrainingContext) -> None:
        if self.restore_best_weights and self._best_weights is not None:
            _restore(context.model, self._best_weights)
            context.history.best_epoch = self.best_epoch_


class ProgressBar(Callback):
    """A tqdm progress bar over epochs showing the latest losses (silent without tqdm)."""

    def __init__(self, *, desc: str = "training") -> None:
        self.desc = desc

    def on_train_begin(self, context: TrainingContext) -> None:
        try:
            from tqdm.auto import tqdm
        except ImportError:  # tqdm is optional for nn
            self._bar = None
            return
        self._bar = tqdm(total=context.epochs, desc=self.desc, unit="epoch", leave=False)

    def on_epoch_end(self, context: TrainingContext, epoch: int) -> None:
        if self._bar is None:
            return
        post = {"loss": f"{context.history.loss[-1]:.4g}"}
        if context.history.val_loss:
            post["val_loss"] = f"{context.history.val_loss[-1]:.4g}"
        self._bar.set_postfix(post, refresh=False)
        self._bar.update(1)

    def on_train_end(self, context: TrainingContext) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
