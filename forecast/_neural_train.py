"""Training of the small recurrent networks behind :mod:`forecast.neural`.

Full-batch Adam on a masked mean squared error, early stopping on held-out final
observations, a short continuation on all windows, and an ensemble of seeds. The loop is
written here rather than through :func:`nn.fit` because the multi-step targets near the
end of a series are partly unknown and must be masked out of the loss.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn import Dense, Sequential
from nn.optimizers import Adam

__all__ = ["EnsembleFit", "make_windows", "train_ensemble"]

#: Epochs on all windows after early stopping, as a fraction of the best epoch count.
CONTINUE_FRACTION = 0.25


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
    """

    models: list[Sequential]
    epochs: list[int]
    val_errors: np.ndarray
    val_mask: np.ndarray


def make_windows(
    zn: np.ndarray, L: int, H: int, origins: np.ndarray, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Windows relative to their last input value.

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

    Returns
    -------
    X : ndarray of shape (b, L, 1)
    Y : ndarray of shape (b, H)
        Targets (0 where masked).
    M : ndarray of shape (b, H)
        Mask of the defined targets.
    """
    n = zn.size
    t = np.asarray(origins)[:, None]
    anchor = zn[t[:, 0] - 1][:, None]
    X = zn[t + np.arange(-L, 0)[None, :]] - anchor
    times = t + np.arange(H)[None, :]
    M = ((times >= lo) & (times < min(hi, n))).astype(np.float64)
    Y = (zn[np.minimum(times, n - 1)] - anchor) * M
    return X[:, :, None], Y, M


def _masked_mse(P: np.ndarray, Y: np.ndarray, M: np.ndarray) -> float:
    return float(((P - Y) ** 2 * M).sum() / max(M.sum(), 1.0))


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
) -> tuple[Sequential, int, np.ndarray]:
    (Xt, Yt, Mt), (Xv, Yv, Mv), (Xa, Ya, Ma) = data
    net = Sequential(
        [
            cell(1, hidden, return_sequences=False, rng=int(seeds[0]), dtype=dtype),
            Dense(hidden, H, rng=int(seeds[1]), dtype=dtype),
        ]
    )
    net[1].params["weight"] *= 0.1  # start close to the naive (flat) forecast
    params = [p for p, _ in net.parameters()]
    opt = Adam(lr=lr)

    def step(X: np.ndarray, Y: np.ndarray, M: np.ndarray, norm: float) -> None:
        P = net.forward(X, training=True)
        net.backward(((P - Y) * M * (2.0 / norm)).astype(dtype))
        opt.step(params, [g for _, g in net.parameters()])

    nt = max(Mt.sum(), 1.0)
    best, best_epoch, wait = np.inf, 0, 0
    snapshot = [p.copy() for p in params]
    for epoch in range(max_epochs):
        step(Xt, Yt, Mt, nt)
        loss = _masked_mse(net.forward(Xv), Yv, Mv)
        if loss < best - 1e-9:
            best, best_epoch, wait = loss, epoch + 1, 0
            snapshot = [p.copy() for p in params]
        else:
            wait += 1
            if wait > patience:
                break
    for p, s in zip(params, snapshot, strict=True):
        p[...] = s
    val_pred = np.asarray(net.forward(Xv), dtype=np.float64)
    na = max(Ma.sum(), 1.0)
    for _ in range(int(np.ceil(CONTINUE_FRACTION * best_epoch))):
        step(Xa, Ya, Ma, na)
    return net, best_epoch, val_pred


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
) -> EnsembleFit:
    """Train ``n_models`` networks on the scaled series ``zn`` of shape (n,).

    The last ``v`` observations are held out for early stopping (training windows mask
    targets at or after ``n - v``; validation windows score only those targets).
    """
    n = zn.size
    s = n - v
    train = make_windows(zn, L, H, np.arange(L, s), 0, s)
    val = make_windows(zn, L, H, np.arange(max(L, s - H + 1), n), s, n)
    full = make_windows(zn, L, H, np.arange(L, n), 0, n)
    data = tuple(tuple(a.astype(dtype) for a in part) for part in (train, val, full))
    children = np.random.SeedSequence(seed).spawn(n_models)
    models, epochs, preds = [], [], []
    for child in children:
        seeds = child.generate_state(2)
        net, ep, pred = _train_one(
            cell,
            data,
            hidden=hidden,
            H=H,
            max_epochs=max_epochs,
            patience=patience,
            lr=lr,
            dtype=dtype,
            seeds=seeds,
        )
        models.append(net)
        epochs.append(ep)
        preds.append(pred)
    Yv, Mv = val[1], val[2]
    errors = (Yv - np.mean(preds, axis=0)) * Mv
    return EnsembleFit(models=models, epochs=epochs, val_errors=errors, val_mask=Mv)
