"""Windows, scaling and the training loop of the N-BEATS forecaster.

Every window is scaled by the mean absolute value of its observed inputs, so one network
serves series of any level; the loss is the mean absolute error of the scaled targets
(a MASE-like loss with the window's mean as the scale), masked where a target lies past
the end of the data (a standardising network, ``NBeatsNet(standardize=True)``, further
standardises the scaled window inside and maps its output back, so the scaled space stays
the same for every network). Inputs shorter than the window are left-padded with zeros and the
mask input says which entries are real; in training, a share of the windows is cut to a
random length in ``[min_input, L]`` so the network learns short histories too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from forecast._nbeats_net import NBeatsNet
from nn import Adam

__all__ = [
    "AGGREGATES",
    "Panel",
    "TrainResult",
    "cut_window",
    "encode",
    "forecast_scaled",
    "make_panel",
    "mase_weights",
    "noise_levels",
    "rescale_pool",
    "train_net",
    "validation_windows",
]


def encode(inputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale windows ``(b, L)`` (NaN = missing) -> network input ``(b, 2L)`` and the scale
    ``(b,)`` (mean absolute observed input; 1 where it is 0 or there is none)."""
    mask = ~np.isnan(inputs)
    absval = np.where(mask, np.abs(np.nan_to_num(inputs)), 0.0)
    count = mask.sum(axis=1)
    scale = absval.sum(axis=1) / np.maximum(count, 1)
    scale = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
    values = np.where(mask, np.nan_to_num(inputs) / scale[:, None], 0.0)
    return np.concatenate([values, mask.astype(values.dtype)], axis=1), scale


@dataclass
class Panel:
    """Series right-aligned in one matrix, for vectorised window sampling.

    ``values`` has shape ``(S, L + n_max + H)``, NaN outside the data; a window whose
    first target is column ``c`` reads columns ``c - L .. c + H - 1``; ``lo`` and ``hi``
    bound the allowed ``c`` of every series (inclusive).
    """

    values: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    input_size: int
    horizon: int
    min_input: int


def make_panel(
    series: Sequence[np.ndarray],
    *,
    input_size: int,
    horizon: int,
    min_input: int,
    history_limit: int | None = None,
) -> Panel:
    """Panel of ``series`` (each at least ``min_input + 1`` long); cut points run from
    ``min_input`` observed inputs to one observed target, and not earlier than
    ``history_limit * horizon`` periods before the end (None: no limit)."""
    L, H = int(input_size), int(horizon)
    n_max = max(len(s) for s in series)
    width = L + n_max + H
    values = np.full((len(series), width), np.nan)
    lo, hi = np.empty(len(series), int), np.empty(len(series), int)
    end = L + n_max
    for i, s in enumerate(series):
        n = len(s)
        values[i, end - n : end] = s
        lo[i] = end - n + min_input
        hi[i] = end - 1
        if history_limit is not None:
            lo[i] = max(lo[i], end - history_limit * H)
        lo[i] = min(lo[i], hi[i])
    return Panel(values, lo, hi, L, H, int(min_input))


def _windows(panel: Panel, s: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    L, H = panel.input_size, panel.horizon
    cols = c[:, None] + np.arange(-L, H)[None, :]
    w = panel.values[s[:, None], cols]
    return w[:, :L], w[:, L:]


def sample_batch(
    panel: Panel, batch: int, rng: np.random.Generator, p_truncate: float = 0.3
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random batch: network input ``(b, 2L)``, scaled targets ``(b, H)``, target mask."""
    S = panel.values.shape[0]
    s = rng.integers(S, size=batch)
    span = panel.hi[s] - panel.lo[s] + 1
    c = panel.lo[s] + (rng.random(batch) * span).astype(int)
    inputs, targets = _windows(panel, s, c)
    return _encode_pair(inputs, targets, rng, panel, p_truncate)


def all_windows(
    panel: Panel, rng: np.random.Generator, p_truncate: float = 0.3
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every allowed window of the panel (full batch), encoded as :func:`sample_batch`."""
    spans = [np.arange(lo, h + 1) for lo, h in zip(panel.lo, panel.hi, strict=True)]
    s = np.concatenate([np.full(c.size, i) for i, c in enumerate(spans)])
    c = np.concatenate(spans)
    inputs, targets = _windows(panel, s, c)
    return _encode_pair(inputs, targets, rng, panel, p_truncate)


def _encode_pair(
    inputs: np.ndarray,
    targets: np.ndarray,
    rng: np.random.Generator,
    panel: Panel,
    p_truncate: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    L = panel.input_size
    b = inputs.shape[0]
    if p_truncate > 0 and panel.min_input < L:
        keep = np.asarray(rng.integers(panel.min_input, L + 1, size=b))
        cut = np.asarray(rng.random(b)) < p_truncate
        drop = (np.arange(L)[None, :] < (L - keep)[:, None]) & cut[:, None]
        inputs = np.where(drop, np.nan, inputs)
    x, scale = encode(inputs)
    mask = ~np.isnan(targets)
    y = np.where(mask, np.nan_to_num(targets) / scale[:, None], 0.0)
    return x, y, mask.astype(np.float64)


def validation_windows(
    series: Sequence[np.ndarray], *, input_size: int, horizon: int, holdout: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[np.ndarray]]:
    """The last window of every series: inputs end ``holdout`` periods before the end,
    targets are those ``holdout`` periods (masked beyond). Returns the network input, the
    scaled targets, the mask, the scales and the training parts (the series without their
    last ``holdout`` periods)."""
    L, H = input_size, horizon
    inputs = np.full((len(series), L), np.nan)
    targets = np.full((len(series), H), np.nan)
    heads = []
    for i, s in enumerate(series):
        head, tail = s[:-holdout], s[-holdout:][:H]
        heads.append(head)
        k = min(L, head.size)
        inputs[i, L - k :] = head[-k:]
        targets[i, : tail.size] = tail
    x, scale = encode(inputs)
    mask = ~np.isnan(targets)
    y = np.where(mask, np.nan_to_num(targets) / scale[:, None], 0.0)
    return x, y, mask.astype(np.float64), scale, heads


#: How the members of an ensemble are combined (see :func:`forecast_scaled`).
AGGREGATES = ("median", "mean", "net-mean")


def cut_window(x: np.ndarray, size: int, keep: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Encoded windows ``x`` ``(b, 2L)`` cut to the input of a network of ``size <= L``:
    its last ``size`` values and mask, of which only the last ``keep`` (default all) stay
    observed, rescaled by their own mean absolute value. Returns the input ``(b, 2 size)``
    and the factor ``r`` ``(b,)`` that brings the network's output back to ``x``'s scale
    (``size = keep = L``: ``x`` itself and 1)."""
    L = x.shape[1] // 2
    size = int(size)
    keep = size if keep is None else min(int(keep), size)
    if size == L and keep == L:
        return x, np.ones(x.shape[0])
    vals, mask = x[:, L - size : L], x[:, 2 * L - size :]
    if keep < size:
        on = np.arange(size) >= size - keep
        vals, mask = np.where(on, vals, 0.0), np.where(on, mask, 0.0)
    count = mask.sum(axis=1)
    r = np.abs(vals).sum(axis=1) / np.maximum(count, 1)
    r = np.where((r > 0) & np.isfinite(r), r, 1.0)
    return np.concatenate([vals / r[:, None], mask], axis=1), r


def forecast_scaled(
    nets: Sequence[NBeatsNet],
    x: np.ndarray,
    lookbacks: Sequence[int] | None = None,
    aggregate: str = "median",
    net_lookbacks: Sequence[Sequence[int]] | None = None,
) -> np.ndarray:
    """Ensemble forecast in the scaled space, ``(b, H)`` float64.

    ``x`` is encoded at a window ``L`` at least every network's input size; a network of
    a shorter input reads the last values of it (rescaled, see :func:`cut_window`). Every
    network runs on its input as it is and, for each ``lookback`` shorter than its input,
    on the input cut to its last ``lookback`` values (rescaled by their own mean absolute
    value, the output scaled back): the members are every (network, lookback) pair,
    combined by their ``aggregate``: ``"median"`` or ``"mean"`` of the members, or
    ``"net-mean"``, the mean over networks of each network's mean over its lookbacks
    (every network counts once, however many lookbacks it has). ``net_lookbacks`` gives
    each network its own lookbacks (``net_lookbacks[k]`` for ``nets[k]``); without it every
    network uses ``lookbacks`` (None: its full input only).
    """
    if net_lookbacks is not None and len(net_lookbacks) != len(nets):
        raise ValueError(f"net_lookbacks has {len(net_lookbacks)} entries for {len(nets)} nets")
    if aggregate not in AGGREGATES:
        raise ValueError(f"aggregate must be one of {AGGREGATES}; got {aggregate!r}")
    outs, per_net = [], []
    with threadpool_limits(1, user_api="blas"):
        for k, net in enumerate(nets):
            size = net.input_size
            lbs = net_lookbacks[k] if net_lookbacks is not None else lookbacks
            mine = []
            for lb in lbs or (size,):
                xi, r = cut_window(x, size, lb)
                mine.append(np.asarray(net.forward(xi), dtype=np.float64) * r[:, None])
            outs += mine
            per_net.append(np.mean(mine, axis=0))
    if len(outs) == 1:
        return outs[0]
    if aggregate == "net-mean":
        return np.mean(per_net, axis=0)
    return np.mean(outs, axis=0) if aggregate == "mean" else np.median(outs, axis=0)


def noise_levels(x: np.ndarray, season: int) -> np.ndarray:
    """Per window the mean absolute ``season``-lag difference of the observed scaled inputs
    of ``x`` ``(b, 2L)`` (lag 1 where fewer than two seasons are observed; NaN where not
    even two values are): a model-free noise level in units of the window's scale."""
    L = x.shape[1] // 2
    vals, mask = x[:, :L], x[:, L:]
    d = np.full(x.shape[0], np.nan)
    done = np.zeros(x.shape[0], bool)
    for lag in (int(season), 1):
        if lag < 1 or lag >= L:
            continue
        both = mask[:, lag:] * mask[:, :-lag]
        n = both.sum(axis=1)
        mad = (np.abs(vals[:, lag:] - vals[:, :-lag]) * both).sum(axis=1) / np.maximum(n, 1)
        use = ~done & (n >= max(lag, 2))
        d[use], done = mad[use], done | use
    return d


def mase_weights(x: np.ndarray, season: int) -> np.ndarray:
    """Per window ``1 / d``, ``d`` the noise level of :func:`noise_levels` (1 where it is
    undefined), so a window's error counts as its MASE; ``d`` is floored at 0.05 (a window
    whose inputs are nearly flat would otherwise dominate) and the weights are normalised
    to mean 1 over the batch."""
    d = np.nan_to_num(noise_levels(x, season), nan=1.0)
    w = 1.0 / np.maximum(d, 0.05)
    return w / w.mean()


def rescale_pool(pool: np.ndarray, pool_noise: np.ndarray, noise: float) -> np.ndarray:
    """The error pool ``(rows, H)`` for a window of noise level ``noise``: each row (the
    held-out errors of one series, in units of its window's scale) divided by its own
    window's noise level and multiplied by ``noise``, both floored at the 5% quantile of
    the rows' levels (a nearly flat window would otherwise give a zero or huge width).
    Rows of undefined level are left out; with no level at all the pool is returned as
    it is."""
    ok = np.isfinite(pool_noise)
    if not ok.any() or not np.isfinite(noise):
        return pool.copy()
    floor = max(float(np.quantile(pool_noise[ok], 0.05)), 1e-9)
    return pool[ok] * (max(noise, floor) / np.maximum(pool_noise[ok], floor))[:, None]


def masked_mae(pred: np.ndarray, y: np.ndarray, mask: np.ndarray) -> float:
    return float((np.abs(pred - y) * mask).sum() / max(mask.sum(), 1.0))


@dataclass
class TrainResult:
    """What :func:`train_net` did: losses per evaluation, best evaluation index, steps."""

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    at_step: list[int] = field(default_factory=list)
    best: int = 0
    steps: int = 0


def train_net(
    net: NBeatsNet,
    batches: Callable[[np.random.Generator], tuple[np.ndarray, np.ndarray, np.ndarray]],
    val: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    *,
    steps: int,
    eval_every: int,
    patience: int,
    lr: float,
    rng: np.random.Generator,
    clip: float = 1.0,
    loss: str = "mae",
    season: int = 1,
    schedule: str = "constant",
    callback: Callable[[int, float, float], Any] | None = None,
) -> TrainResult:
    """Adam on the masked MAE (``loss="smape"``: sMAPE; ``"mase"``: the MAE of each window
    divided by the mean absolute ``season``-lag difference of its observed inputs, see
    :func:`mase_weights`) of ``batches(rng)`` for up to ``steps`` steps (the reported
    losses are MAE either way). ``schedule="cosine"`` lowers the step size from ``lr`` to
    0 along a half cosine over the ``steps``; ``"constant"`` keeps it.

    Every ``eval_every`` steps the validation loss is measured (evaluation 0 is before any
    step, so the starting weights can win); training stops after ``patience``
    evaluations without improvement and the best weights are restored. ``callback(k,
    loss, val_loss)`` sees each evaluation. Without ``val`` the last weights are kept.
    """
    opt = Adam(lr=lr)
    result = TrainResult()
    best_state = {k: v.copy() for k, v in net.state().items()}
    best_val = np.inf
    since, running, count = 0, 0.0, 0
    with threadpool_limits(1, user_api="blas"):

        def evaluate(k: int) -> bool:
            nonlocal best_val, best_state, since, running, count
            tr = running / count if count else float("nan")
            running, count = 0.0, 0
            vl = masked_mae(np.asarray(net.forward(val[0]), float), val[1], val[2]) if val else tr
            result.loss.append(tr)
            result.val_loss.append(vl)
            result.at_step.append(k)
            if callback is not None:
                callback(k, tr, vl)
            if val is None or vl < best_val - 1e-7:
                best_val, since, result.best = vl, 0, len(result.val_loss) - 1
                best_state = {k2: v.copy() for k2, v in net.state().items()}
                return True
            since += 1
            return since <= patience

        if val is not None:
            evaluate(0)
        for step in range(1, steps + 1):
            if schedule == "cosine":
                opt.lr = lr * 0.5 * (1 + np.cos(np.pi * (step - 1) / steps))
            x, y, mask = batches(rng)
            pred = net.forward(x, training=True)
            diff = pred - y
            denom = max(float(mask.sum()), 1.0)
            running += float((np.abs(diff) * mask).sum() / denom)
            count += 1
            if loss == "smape":  # 2 |p - y| / (|p| + |y|), masked mean
                tot = np.abs(pred) + np.abs(y) + 1e-8
                g = 2 * (np.sign(diff) * tot - np.abs(diff) * np.sign(pred)) / tot**2
            else:
                g = np.sign(diff)
            if loss == "mase":
                g = g * mase_weights(x, season)[:, None]
            net.backward((g * mask / denom).astype(net.dtype))
            params = net.parameters()  # backward stores fresh gradient arrays
            grads = [g for _, g in params]
            norm = float(np.sqrt(sum(float((g.astype(np.float64) ** 2).sum()) for g in grads)))
            if norm > clip:
                for g in grads:
                    g *= clip / norm
            opt.step([p for p, _ in params], grads)
            result.steps = step
            if step % eval_every == 0 or step == steps:
                if not evaluate(step):
                    break
    net.set_state(best_state)
    return result
