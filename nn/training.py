"""The training loop: :func:`fit` (mini-batch gradient descent) and :func:`predict`.

One step of :func:`fit` is the whole of backpropagation in four lines::

    out = model.forward(xb, training=True)      # caches what backward needs
    value = loss.forward(out, yb)
    model.backward(loss.backward())             # fills every layer's grads
    optimizer.step(params, grads)               # updates params in place

with optional L1/L2 penalty gradients and gradient clipping between the last two.
``sample_weight`` weighs the loss of every sample or target element (a 0/1 mask leaves
unknown targets out; see :mod:`nn.losses`).

Examples
--------
>>> import numpy as np
>>> from nn.layers import Dense
>>> X = np.linspace(-1, 1, 40).reshape(-1, 1)
>>> model = Dense(1, 1, rng=0)
>>> h = fit(model, "mse", "sgd", X, 3 * X + 1, epochs=200, batch_size=8, rng=0)
>>> bool(h.loss[-1] < 1e-4)
True
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from nn._validate import (
    as_rng,
    check_array,
    check_number,
    check_positive_int,
    check_sample_weight,
)
from nn.base import Layer
from nn.blocks import ResidualBlock
from nn.callbacks import Callback, History, ProgressBar, TrainingContext
from nn.errors import NNTypeError, NNValueError, TrainingDivergedError
from nn.layers import Dropout
from nn.losses import Loss, get_loss
from nn.optimizers import Optimizer, get_optimizer
from nn.regularization import add_penalty_grads, clip_grad_norm, clip_grad_value
from nn.synthetic import SyntheticGradients

__all__ = ["fit", "predict"]


def _output(out: Any) -> np.ndarray:
    # recurrent layers return (outputs, final_state)
    return out[0] if isinstance(out, tuple) else out


def _check_model(model: Any, func: str) -> Layer:
    if not isinstance(model, Layer):
        raise NNTypeError(
            f"The 'model' parameter of {func} must be an nn Layer (e.g. nn.Sequential). "
            f"Got {type(model).__name__} instead."
        )
    return model


def _check_xy(X: Any, y: Any, *, xname: str, yname: str, func: str) -> tuple[np.ndarray, ...]:
    X = check_array(X, name=xname, func=func)
    y = check_array(y, name=yname, func=func)
    if X.shape[0] != y.shape[0]:
        raise NNValueError(
            f"The '{yname}' parameter of {func} must have as many rows as '{xname}' "
            f"({X.shape[0]}). Got {y.shape[0]} rows (shape {y.shape}) instead."
        )
    if X.shape[0] == 0:
        raise NNValueError(f"The '{xname}' parameter of {func} must have at least one row.")
    return X, y


_Arrays = tuple[np.ndarray, np.ndarray, np.ndarray | None]


def _split_validation(
    X: np.ndarray, y: np.ndarray, w: np.ndarray | None, validation: Any
) -> tuple[_Arrays, _Arrays | None]:
    if validation is None:
        return (X, y, w), None
    if isinstance(validation, numbers.Real) and not isinstance(validation, bool):
        frac = check_number(
            validation,
            name="validation",
            func="fit",
            low=0.0,
            high=1.0,
            low_open=True,
            high_open=True,
        )
        n_val = round(frac * X.shape[0])
        if n_val < 1 or n_val >= X.shape[0]:
            raise NNValueError(
                f"The 'validation' parameter of fit ({frac:g}) leaves {n_val} validation rows "
                f"out of {X.shape[0]}; both parts need at least one row."
            )
        cut = X.shape[0] - n_val
        if w is None:
            return (X[:cut], y[:cut], None), (X[cut:], y[cut:], None)
        return (X[:cut], y[:cut], w[:cut]), (X[cut:], y[cut:], w[cut:])
    if isinstance(validation, tuple | list) and len(validation) in (2, 3):
        Xv, yv = _check_xy(
            *validation[:2], xname="validation[0]", yname="validation[1]", func="fit"
        )
        if Xv.shape[1:] != X.shape[1:] or yv.shape[1:] != y.shape[1:]:
            raise NNValueError(
                "The 'validation' parameter of fit must match the training data shapes "
                f"(rows, *{X.shape[1:]}) and (rows, *{y.shape[1:]}). "
                f"Got {Xv.shape} and {yv.shape} instead."
            )
        wv = None
        if len(validation) == 3 and validation[2] is not None:
            wv = check_sample_weight(
                validation[2], name="validation[2]", func="fit", n_rows=Xv.shape[0]
            )
        return (X, y, w), (Xv, yv, wv)
    raise NNTypeError(
        "The 'validation' parameter of fit must be None, a fraction in (0, 1) or a tuple "
        "(X_val, y_val) or (X_val, y_val, sample_weight_val). "
        f"Got {type(validation).__name__} instead."
    )


def _diverged(what: str, value: float, epoch: int, batch: str, optimizer: Optimizer) -> None:
    raise TrainingDivergedError(
        f"Training diverged: the {what} became {value!r} at epoch {epoch}{batch}. "
        f"Try a lower learning rate (the {type(optimizer).__name__} optimizer has "
        f"lr={optimizer.lr!r}) or gradient clipping (clip_norm=1.0 or clip_value=...)."
    )


def fit(
    model: Layer,
    loss: Loss | str,
    optimizer: Optimizer | str,
    X: Any,
    y: Any,
    *,
    sample_weight: Any = None,
    epochs: int = 10,
    batch_size: int | None = 32,
    validation: Any = None,
    callbacks: Sequence[Callback] = (),
    rng: np.random.Generator | int | None = None,
    progress: bool = False,
    l1: float = 0.0,
    l2: float = 0.0,
    clip_norm: float | None = None,
    clip_value: float | None = None,
    shuffle: bool = True,
    synthetic_gradients: SyntheticGradients | None = None,
) -> History:
    """Train ``model`` by mini-batch gradient descent and return the loss history.

    Parameters
    ----------
    model : Layer
        Any layer or container (e.g. ``Sequential``); updated in place.
    loss : Loss or str
        A loss object or name (see :func:`nn.losses.get_loss`).
    optimizer : Optimizer or str
        An optimizer object or name (see :func:`nn.optimizers.get_optimizer`).
    X : array-like of shape (n_samples, ...)
        Inputs, e.g. ``(n, features)`` or ``(n, time, features)`` for recurrent models.
    y : array-like of shape (n_samples, ...)
        Targets, shaped as the model's output (as the loss requires).
    sample_weight : array-like or None
        Non-negative weights of the loss: ``(n_samples,)`` per sample, or the target's
        shape (e.g. a 0/1 mask of the known targets), or any leading part of the loss
        elements' shape (see :mod:`nn.losses`). The loss of a batch is the weighted mean
        ``sum(w * loss) / sum(w)``.
    epochs : int, default 10
        Passes over the training data.
    batch_size : int or None, default 32
        Rows per gradient step; None for full-batch training.
    validation : None, float in (0, 1) or tuple (X_val, y_val[, sample_weight_val])
        Validation data (with optional weights for the validation loss), or the fraction
        of rows held out for validation, taken from the *end* of ``X`` (and of
        ``sample_weight``), before any shuffling, so time order is respected.
    callbacks : sequence of Callback
        E.g. :class:`nn.callbacks.EarlyStopping`.
    rng : Generator, int or None
        Source of the shuffling order and of the random draws of any ``Dropout`` mask or
        ``ResidualBlock`` (stochastic depth) built without its own ``rng``: the same seed
        gives the same run.
    progress : bool, default False
        Show a tqdm progress bar over epochs.
    l1, l2 : float, default 0.0
        Weight penalties ``l1 * sum|w| + l2 * sum w**2`` on parameters with >= 2 axes.
    clip_norm : float or None
        Clip the gradients' global L2 norm to this value before each step.
    clip_value : float or None
        Clip every gradient element to ``[-clip_value, clip_value]`` before each step.
    shuffle : bool, default True
        Shuffle the training rows at every epoch (if False, batches are consecutive
        slices of the rows, in order).
    synthetic_gradients : SyntheticGradients or None
        Train with decoupled neural interfaces (:class:`nn.SyntheticGradients`, built on
        this ``model``): the layers below its points learn from predicted gradients, and
        the predictors learn from the gradients that arrive. The model's own step
        (penalties, clipping, gradient noise) is unchanged.

    Returns
    -------
    History
        ``loss`` (and ``val_loss``) per epoch.

    Raises
    ------
    TrainingDivergedError
        If the training or validation loss becomes NaN or infinite; the message names the
        epoch and batch.
    """
    func = "fit"
    model = _check_model(model, func)
    loss = get_loss(loss)
    optimizer = get_optimizer(optimizer)
    X, y = _check_xy(X, y, xname="X", yname="y", func=func)
    w = None
    if sample_weight is not None:
        w = check_sample_weight(sample_weight, func=func, n_rows=X.shape[0])
    (X, y, w), val_part = _split_validation(X, y, w, validation)
    Xv, yv, wv = val_part if val_part is not None else (None, None, None)
    epochs = check_positive_int(epochs, name="epochs", func=func)
    n = X.shape[0]
    bs = n if batch_size is None else check_positive_int(batch_size, name="batch_size", func=func)
    bs = min(bs, n)
    if clip_norm is not None:
        check_number(clip_norm, name="clip_norm", func=func, low=0.0, low_open=True)
    if clip_value is not None:
        check_number(clip_value, name="clip_value", func=func, low=0.0, low_open=True)
    check_number(l1, name="l1", func=func, low=0.0)
    check_number(l2, name="l2", func=func, low=0.0)
    callbacks = list(callbacks)
    for i, cb in enumerate(callbacks):
        if not isinstance(cb, Callback):
            raise NNTypeError(
                f"The 'callbacks' parameter of fit must hold Callback objects. "
                f"Got {type(cb).__name__} at position {i}."
            )
    if progress:
        callbacks.append(ProgressBar())
    sg = synthetic_gradients
    if sg is not None:
        if not isinstance(sg, SyntheticGradients):
            raise NNTypeError(
                "The 'synthetic_gradients' parameter of fit must be an nn.SyntheticGradients "
                f"or None. Got {type(sg).__name__} instead."
            )
        if sg.model is not model:
            raise NNValueError(
                "The 'synthetic_gradients' parameter of fit must be built on the model being "
                "trained (SyntheticGradients(model, at=...)). Got one built on another model."
            )
        if sg.optimizer_ is optimizer:
            raise NNValueError(
                "The 'optimizer' parameter of fit must not be the optimizer of its "
                "synthetic_gradients: each keeps its own step count (and noise schedule). "
                "Give SyntheticGradients its own optimizer object."
            )
    gen = as_rng(rng, func=func)
    for layer in model.layers():
        if isinstance(layer, Dropout | ResidualBlock) and layer.rng is None:
            layer._gen = gen.spawn(1)[0]

    history = History()
    n_batches = -(-n // bs)
    ctx = TrainingContext(model, history, epochs, n_batches, Xv is not None, loss=loss)
    for cb in callbacks:
        cb.on_train_begin(ctx)
    try:
        for epoch in range(epochs):
            order = gen.permutation(n) if shuffle else None
            total, total_weight = 0.0, 0.0
            for b in range(n_batches):
                rows = slice(b * bs, (b + 1) * bs)
                idx = rows if order is None else order[rows]
                xb, yb = X[idx], y[idx]
                wb = None if w is None else w[idx]
                if sg is None:
                    out = _output(model.forward(xb, training=True))
                else:
                    out = sg.forward(xb)
                with np.errstate(over="ignore", invalid="ignore"):  # reported just below
                    value = loss.forward(out, yb, wb)
                if not np.isfinite(value):
                    _diverged(
                        "training loss", value, epoch, f" (batch {b} of {n_batches})", optimizer
                    )
                batch_weight = float(xb.shape[0] if wb is None else wb.sum())
                total += value * batch_weight
                total_weight += batch_weight
                if sg is None:
                    model.backward(loss.backward())
                else:
                    sg.backward(loss.backward(), yb)
                pairs = model.parameters()
                if l1 or l2:
                    add_penalty_grads(pairs, l1=l1, l2=l2)
                grads = [g for _, g in pairs]
                if clip_value is not None:
                    clip_grad_value(grads, clip_value)
                if clip_norm is not None:
                    clip_grad_norm(grads, clip_norm)
                optimizer.step([p for p, _ in pairs], grads)
            history.loss.append(total / total_weight if total_weight > 0 else 0.0)
            if Xv is not None:
                pred_v = predict(model, Xv, batch_size=max(bs, 256))
                with np.errstate(over="ignore", invalid="ignore"):
                    val = loss.forward(pred_v, yv, wv)
                if not np.isfinite(val):
                    _diverged("validation loss", val, epoch, " (after its last batch)", optimizer)
                history.val_loss.append(val)
            for cb in callbacks:
                cb.on_epoch_end(ctx, epoch)
            if ctx.stop_training:
                break
    finally:
        for cb in callbacks:
            cb.on_train_end(ctx)
    return history


def predict(model: Layer, X: Any, *, batch_size: int | None = None) -> np.ndarray:
    """Return the model's output for ``X`` (inference mode: no dropout), in batches.

    Parameters
    ----------
    model : Layer
    X : array-like of shape (n_samples, ...)
    batch_size : int or None
        Rows per forward pass; None for a single pass.

    Returns
    -------
    ndarray of shape (n_samples, ...)
    """
    model = _check_model(model, "predict")
    X = check_array(X, name="X", func="predict")
    if batch_size is not None:
        check_positive_int(batch_size, name="batch_size", func="predict")
    if batch_size is None or batch_size >= X.shape[0]:
        return np.asarray(_output(model.forward(X, training=False)))
    bs = int(batch_size)
    parts = [
        np.asarray(_output(model.forward(X[i : i + bs], training=False)))
        for i in range(0, X.shape[0], bs)
    ]
    return np.concatenate(parts, axis=0)
