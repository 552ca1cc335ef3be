"""The anomaly autoencoder's parts: per-window normalisation, the network, its corruption,
its training and the per-month reconstruction (used by :mod:`forecast.anomaly_ae` and
:mod:`forecast.anomaly_pretrained`)."""

from __future__ import annotations

import numpy as np

import nn
from forecast.anomaly_result import MAD_TO_SD, MEAN_DEV_TO_SD

__all__ = [
    "corrupt_windows",
    "network",
    "reconstruct",
    "sliding_windows",
    "train_autoencoder",
]


def sliding_windows(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every window of ``window`` values, normalised per window.

    Returns
    -------
    X : ndarray of shape (n - window + 1, window)
        ``(window - median) / robust scale`` of each window.
    centers, scales : ndarray of shape (n - window + 1,)
    """
    raw = np.lib.stride_tricks.sliding_window_view(values, window)
    centers = np.median(raw, axis=1)
    dev = np.abs(raw - centers[:, None])
    scales = MAD_TO_SD * np.median(dev, axis=1)
    fallback = MEAN_DEV_TO_SD * dev.mean(axis=1)
    scales = np.where(scales > 0, scales, np.where(fallback > 0, fallback, 1.0))
    return (raw - centers[:, None]) / scales[:, None], centers, scales


def network(window: int, hidden: int, code: int, rng: np.random.Generator) -> nn.Sequential:
    seeds = rng.integers(0, 2**31, size=4)
    return nn.Sequential([
        nn.Dense(window, hidden, activation="tanh", rng=int(seeds[0])),
        nn.Dense(hidden, code, activation="tanh", rng=int(seeds[1])),
        nn.Dense(code, hidden, activation="tanh", rng=int(seeds[2])),
        nn.Dense(hidden, window, rng=int(seeds[3])),
    ])  # fmt: skip


def corrupt_windows(
    X: np.ndarray, noise: float, spike_rate: float, shift_rate: float, rng: np.random.Generator
) -> np.ndarray:
    """Noisy copies of the windows: Gaussian noise, spikes and shifted blocks."""
    out = X + rng.normal(0.0, noise, size=X.shape)
    if spike_rate > 0:
        hit = rng.random(X.shape) < spike_rate
        size = rng.uniform(3.0, 6.0, size=X.shape) * rng.choice([-1.0, 1.0], size=X.shape)
        out = np.where(hit, out + size, out)
    if shift_rate > 0:
        n, w = X.shape
        rows = np.flatnonzero(rng.random(n) < shift_rate)
        length = rng.integers(2, max(3, min(7, w // 2 + 1)), size=rows.size)
        start = rng.integers(0, w - length + 1)
        size = rng.uniform(2.0, 5.0, size=rows.size) * rng.choice([-1.0, 1.0], size=rows.size)
        cols = np.arange(w)
        block = (cols >= start[:, None]) & (cols < (start + length)[:, None])
        out[rows] += block * size[:, None]
    return out


def train_autoencoder(
    X: np.ndarray,
    *,
    hidden: int,
    code_size: int,
    noise: float,
    spike_rate: float,
    shift_rate: float = 0.0,
    epochs: int,
    learning_rate: float,
    rng: np.random.Generator,
    model: nn.Sequential | None = None,
) -> nn.Sequential:
    """Train (or go on training ``model``) to map corrupted windows back to ``X``.

    Full-batch Adam on the Huber loss (delta 1), a fresh corruption every epoch.
    """
    net = model if model is not None else network(X.shape[1], hidden, code_size, rng)
    loss = nn.HuberLoss(delta=1.0)
    opt = nn.Adam(lr=learning_rate)
    for _ in range(epochs):
        out = net.forward(corrupt_windows(X, noise, spike_rate, shift_rate, rng), training=True)
        loss.forward(out, X)
        net.backward(loss.backward())
        pairs = net.parameters()
        nn.clip_grad_norm([g for _, g in pairs], 5.0)
        opt.step([p for p, _ in pairs], [g for _, g in pairs])
    return net


def reconstruct(net: nn.Sequential, values: np.ndarray, window: int) -> np.ndarray:
    """Each month's reconstruction in the history's units, shape ``values.shape``.

    Every window is normalised (:func:`sliding_windows`), passed through ``net``, mapped back
    (times its scale, plus its centre), and a month's value is the mean over the windows that
    hold it. In the history's units a month's residual means the same in every window; the
    mean of window-normalised errors, which weighs a window by one over its own scale,
    recalled fewer months (``benchmarks/anomaly_ae_variants.py``).
    """
    X, centers, scales = sliding_windows(values, window)
    out = net.forward(X) * scales[:, None] + centers[:, None]
    total = np.zeros(values.size)
    count = np.zeros(values.size)
    for j in range(window):  # window k holds month k + j at position j
        total[j : j + X.shape[0]] += out[:, j]
        count[j : j + X.shape[0]] += 1
    return total / count
