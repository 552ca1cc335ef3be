"""Training of the small recurrent networks behind :mod:`forecast.neural`.

Full-batch Adam through :func:`nn.fit` on a masked mean squared error (the multi-step
targets near the end of a series are partly unknown; their 0/1 mask is the loss's
``sample_weight``), early stopping on held-out final observations
(:class:`nn.callbacks.EarlyStopping`, best weights restored), a short continuation on all
windows with the same optimizer (its Adam state continues), and an ensemble of seeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nn import MSE, Adam, Callback, Dense, EarlyStopping, Sequential, fit, predict

__all__ = ["EnsembleFit", "anchor_offsets", "holdout_errors", "make_windows", "train_ensemble"]

#: Epochs on all windows after early stopping, as a fraction of the best epoch count.
CONTINUE_FRACTION = 0.25

#: A validation loss must beat the best one by more than this to count as an improvement.
MIN_IMPROVEMENT = 1e-9


@dataclass
class EnsembleFit:
    """Result of :func:`train_ensemble`.

    Attributes
    ----------
    models : list of nn.Sequential
    epochs : list of int
        Best (early-stopped) epoch count of every network.
    val_errors : ndarray of shape (n_val_windows, H)
        Actual minus ensemble-mean prediction on the validation windows (scaled space).
    val_mask : ndarray of shape (n_val_windows, H)
        1 where the error is defined (target in the held-out observations), else 0.
    histories : list of dict
        Per network: ``loss`` and ``val_loss`` per epoch of the early-stopped run,
        ``best_epoch`` (0-based), ``stopped_epoch``, and ``continued_loss``, the training
        losses of the continuation on all windows.
    """

    models: list[Sequential]
    epochs: list[int]
    val_errors: np.ndarray
    val_mask: np.ndarray
    histories: list[dict[str, Any]]


def anchor_offsets(H: int, m: int, anchor: str) -> np.ndarray:
    """Offsets, relative to a window's first target time ``t``, of the value each of the
    ``H`` outputs is predicted relative to: ``-1`` for every output (``anchor="last"``:
    the last input) or ``-m + j % m`` for output ``j`` (``anchor="season"``: the same
    period of the last season, the seasonal naive forecast; ``m = 1`` gives ``"last"``).
    """
    j = np.arange(H)
    return np.full(H, -1) if anchor == "last" or m <= 1 else -m + j % m


def make_windows(
    zn: np.ndarray,
    L: int,
    H: int,
    origins: np.ndarray,
    lo: int,
    hi: int,
    offsets: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows relative to their last input value, targets relative to their anchors.

    Parameters
    ----------
    zn : ndarray of shape (n,)
        Scaled series.
    L, H : int
        Input length and number of outputs.
    origins : ndarray of int, shape (b,)
        First target index of every window (``L <= t <= n - 1``).
    lo, hi : int
        Target times outside ``[lo, hi)`` are masked.
    offsets : ndarray of int, shape (H,), optional
        Anchor of every output relative to ``t`` (:func:`anchor_offsets`, all within the
        input window); None means ``-1`` (the last input value) for every output.

    Returns
    -------
    X : ndarray of shape (b, L, 1)
    Y : ndarray of shape (b, H)
        Targets minus their anchors (0 where masked).
    M : ndarray of shape (b, H)
        Mask of the defined targets.
    """
    n = zn.size
    t = np.asarray(origins)[:, None]
    last = zn[t[:, 0] - 1][:, None]
    X = zn[t + np.arange(-L, 0)[None, :]] - last
    times = t + np.arange(H)[None, :]
    M = ((times >= lo) & (times < min(hi, n))).astype(np.float64)
    anchor = last if offsets is None else zn[t + np.asarray(offsets)[None, :]]
    Y = (zn[np.minimum(times, n - 1)] - anchor) * M
    return X[:, :, None], Y, M


def _train_one(
    cell: type,
    data: tuple,
    *,
    hidden: int,
    H: int,
    max_epochs: int,
    patience: int,
    lr: float,
    dtype: np.dtype,
    seeds: np.ndarray,
    callbacks: Sequence[Callback] = (),
) -> tuple[Sequential, int, np.ndarray, dict[str, Any]]:
    """Train one network; return it, its best epoch count, its validation predictions and
    its loss history. ``callbacks`` see the early-stopped run (after ``EarlyStopping``).

    ``patience`` is the number of epochs without improvement that are tolerated: training
    stops at the ``patience + 1``-th (hence ``EarlyStopping(patience=patience + 1)``).
    """
    (Xt, Yt, Mt), (Xv, Yv, Mv), (Xa, Ya, Ma) = data
    net = Sequential(
        [
            cell(1, hidden, return_sequences=False, rng=int(seeds[0]), dtype=dtype),
            Dense(hidden, H, rng=int(seeds[1]), dtype=dtype),
        ]
    )
    net[1].params["weight"] *= 0.1  # start close to the naive (flat) forecast
    opt, loss = Adam(lr=lr), MSE()
    stop = EarlyStopping(patience=patience + 1, min_delta=MIN_IMPROVEMENT)
    full_batch: dict[str, Any] = {"batch_size": None, "shuffle": False, "rng": 0}
    history = fit(
        net,
        loss,
        opt,
        Xt,
        Yt,
        sample_weight=Mt,
        validation=(Xv, Yv, Mv),
        epochs=max_epochs,
        callbacks=[stop, *callbacks],
        **full_batch,
    ).as_dict()
    best_epoch = stop.best_epoch_ + 1
    val_pred = np.asarray(predict(net, Xv), dtype=np.float64)
    more = int(np.ceil(CONTINUE_FRACTION * best_epoch))
    history["continued_loss"] = []
    if more > 0:
        cont = fit(net, loss, opt, Xa, Ya, sample_weight=Ma, epochs=more, **full_batch)
        history["continued_loss"] = list(cont.loss)
    return net, best_epoch, val_pred, history


def train_ensemble(
    cell: type,
    zn: np.ndarray,
    *,
    L: int,
    H: int,
    v: int,
    hidden: int,
    n_models: int,
    max_epochs: int,
    patience: int,
    lr: float,
    dtype: np.dtype,
    seed: int | None,
    callbacks: Sequence[Callback] = (),
    offsets: np.ndarray | None = None,
) -> EnsembleFit:
    """Train ``n_models`` networks on the scaled series ``zn`` of shape (n,).

    The last ``v`` observations are held out for early stopping (training windows mask
    targets at or after ``n - v``; validation windows score only those targets).
    ``callbacks`` (:class:`nn.callbacks.Callback`) are called during every network's
    early-stopped run, one network after the other. ``offsets``: the outputs' anchors
    (:func:`make_windows`).
    """
    n = zn.size
    s = n - v
    train = make_windows(zn, L, H, np.arange(L, s), 0, s, offsets)
    val = make_windows(zn, L, H, np.arange(max(L, s - H + 1), n), s, n, offsets)
    full = make_windows(zn, L, H, np.arange(L, n), 0, n, offsets)
    data = tuple(tuple(a.astype(dtype) for a in part) for part in (train, val, full))
    children = np.random.SeedSequence(seed).spawn(n_models)
    models, epochs, preds, histories = [], [], [], []
    for child in children:
        seeds = child.generate_state(2)
        net, ep, pred, history = _train_one(
            cell,
            data,
            hidden=hidden,
            H=H,
            max_epochs=max_epochs,
            patience=patience,
            lr=lr,
            dtype=dtype,
            seeds=seeds,
            callbacks=callbacks,
        )
        models.append(net)
        epochs.append(ep)
        preds.append(pred)
        histories.append(history)
    Yv, Mv = val[1], val[2]
    errors = (Yv - np.mean(preds, axis=0)) * Mv
    return EnsembleFit(
        models=models, epochs=epochs, val_errors=errors, val_mask=Mv, histories=histories
    )


def holdout_possible(n: int, L: int, v: int) -> bool:
    """Whether a series of ``n`` values leaves room, before its last ``v``, for an
    ensemble of input length ``L`` with its own early stopping (:func:`holdout_errors`)."""
    return n - v - L - 1 >= 1


def holdout_errors(
    cell: type,
    zn: np.ndarray,
    *,
    L: int,
    H: int,
    v: int,
    dtype: np.dtype,
    **train: Any,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Errors on the last ``v`` observations of an ensemble that never saw them.

    An ensemble is trained (:func:`train_ensemble`, same settings) on ``zn[:n - v]`` with
    its own early stopping on the ``min(v, n - v - L - 1)`` observations before the cut;
    its forecasts of the windows whose targets fall in the last ``v`` observations give
    errors that neither the training nor the choice of the stopping epoch has seen (the
    final ensemble's validation errors are the very errors its early stopping minimised,
    hence optimistic). None when ``n - v < L + 2`` (no room for a second split).

    Returns
    -------
    errors, mask : ndarray of shape (n_windows, H)
        Actual minus ensemble-mean forecast in the scaled space, and 1 where defined.
    """
    n = zn.size
    if not holdout_possible(n, L, v):
        return None
    cut = n - v
    inner = min(v, cut - L - 1)
    fit = train_ensemble(cell, zn[:cut], L=L, H=H, v=inner, dtype=dtype, **train)
    offsets = train.get("offsets")
    X, Y, M = make_windows(zn, L, H, np.arange(max(L, cut - H + 1), n), cut, n, offsets)
    pred = np.mean([np.asarray(predict(net, X.astype(dtype)), np.float64) for net in fit.models], 0)
    return (Y - pred) * M, M
