"""Global training of N-BEATS networks across many series, and their pretrained files.

:func:`pretrain_nbeats` trains one frequency group (e.g. all monthly series) at once:
windows are drawn from every series (a series uniformly, then a cut point among its last
``history_limit * horizon`` periods), scaled by the mean absolute value of their inputs,
and fitted with Adam on the masked MAE of the scaled targets. The last ``horizon``
periods of every series are held out: early stopping watches their loss, and the errors
of the kept networks on them form the bootstrap pool of the forecaster's paths (errors
no training step has seen; early stopping picked one number, the stopping step, on
them). :func:`save_pretrained` writes the groups as ``.npz`` + ``.json``
(see :class:`forecast.NBeats` for loading).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> series = [100 + np.cumsum(rng.normal(size=40)) for _ in range(20)]
>>> g = pretrain_nbeats(series, name="other", horizon=4, input_size=8, width=16,
...                     n_blocks=1, n_layers=2, steps=20, batch_size=32, random_state=0)
>>> g.pool.shape, g.nets[0].horizon
((20, 4), 4)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from forecast._nbeats_io import GroupModel, load_bundle, round_to_storage, save_bundle
from forecast._nbeats_net import STACK_TYPES, NBeatsNet
from forecast._nbeats_train import (
    AGGREGATES,
    Panel,
    forecast_scaled,
    make_panel,
    noise_levels,
    sample_batch,
    train_net,
    validation_windows,
)
from forecast.errors import ForecastTypeError, ForecastValueError

__all__ = [
    "add_pool_noise",
    "load_pretrained",
    "pretrain_nbeats",
    "refit_nbeats",
    "save_pretrained",
]


def _int(value: Any, name: str, low: int, func: str = "pretrain_nbeats") -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ForecastValueError(
            f"The '{name}' parameter of {func} must be an integer >= {low}. Got {value!r} instead."
        )
    return int(value)


def pretrain_nbeats(
    series: Sequence[np.ndarray],
    *,
    name: str,
    horizon: int,
    input_size: int,
    min_input: int | None = None,
    season_length: int = 1,
    stacks: Sequence[str] = ("generic",),
    width: int = 128,
    n_blocks: int = 3,
    n_layers: int = 4,
    n_models: int = 1,
    steps: int = 2000,
    batch_size: int = 512,
    learning_rate: float = 1e-3,
    eval_every: int = 100,
    patience: int = 5,
    history_limit: int = 10,
    p_truncate: float = 0.3,
    losses: Sequence[str] = ("mae",),
    schedule: str = "constant",
    standardize: bool = False,
    random_state: int = 0,
    first_member: int = 0,
    extend: GroupModel | None = None,
    lookbacks: Sequence[int] = (),
    aggregate: str = "median",
    callback: Callable[[int, int, float, float], Any] | None = None,
) -> GroupModel:
    """Train an ensemble of N-BEATS networks across ``series`` (one frequency group).

    Parameters
    ----------
    series : sequence of 1-D ndarray
        The training series (finite values). Each needs ``min_input + horizon + 1``
        observations: its last ``horizon`` are held out for early stopping and the pool.
    name : str
        Group name recorded in the file (``"monthly"``, ``"quarterly"``, ...).
    horizon, input_size : int
        Outputs ``H`` and input window ``L`` of the networks.
    min_input : int or None
        Shortest input the network is trained on (None: ``L // 2``, at least 2).
    season_length : int
        Recorded for the forecaster (the MASE scale of the data).
    stacks, width, n_blocks, n_layers : architecture of every network.
    n_models : int
        Ensemble members (seeds ``random_state + k``).
    steps, batch_size, learning_rate, eval_every, patience : Adam schedule; early
        stopping after ``patience`` evaluations without a better held-out loss.
    history_limit : int
        Cut points are drawn among the last ``history_limit * horizon`` periods.
    p_truncate : float
        Share of training windows cut to a random length in ``[min_input, L]``.
    losses : sequence of {"mae", "smape", "mase"}
        Training loss of the members, cycled (``("mae", "smape")``: every other member
        minimises the sMAPE of the scaled values; ``"mase"``: each window's MAE over the
        mean absolute ``season_length``-lag difference of its inputs).
    schedule : {"constant", "cosine"}
        Adam's step size: ``learning_rate`` throughout, or lowered to 0 along a half
        cosine over ``steps``.
    standardize : bool
        New networks standardise each window by its own mean and standard deviation
        (affine-equivariant, see :class:`forecast._nbeats_net.NBeatsNet`) on top of the
        mean-absolute scaling.
    random_state : int
    first_member : int
        Index of the first member trained (member ``k`` draws from the seed
        ``[random_state, k]``), so an ensemble can be grown in several runs.
    extend : GroupModel or None
        Networks trained before (same horizon, any input size and stacks) that join the
        ensemble; the pool and the scores are computed for the whole ensemble at the
        longest input of its networks (``n_models=0`` only recomputes them, e.g. for other
        ``lookbacks``).
    lookbacks : sequence of int
        Input lengths every network of input size ``input_size`` (new or extended) also
        runs on at prediction (empty: its full input only); networks of other sizes keep
        theirs. The members are every (network, lookback) pair.
    aggregate : {"median", "mean", "net-mean"}
        How those members are combined (``"net-mean"``: the mean over networks of each
        network's mean over its lookbacks).
    callback : callable or None
        ``callback(member, step, loss, val_loss)`` at every evaluation (progress).

    Returns
    -------
    GroupModel
        Networks (weights rounded to float16, the storage type of pretrained files, before
        the pool is computed), error pool (held-out errors of the ensemble, ``(n_series, horizon)``)
        and ``info`` (held-out MAE and sMAPE of the ensemble, held-out sMAPE of each
        member, losses, steps, series count).
    """
    H = _int(horizon, "horizon", 1)
    L = _int(input_size, "input_size", 2)
    m_in = max(2, L // 2) if min_input is None else _int(min_input, "min_input", 1)
    if m_in > L:
        raise ForecastValueError(
            f"The 'min_input' parameter of pretrain_nbeats must be <= input_size={L}. "
            f"Got {m_in} instead."
        )
    if not losses or any(v not in ("mae", "smape", "mase") for v in losses):
        raise ForecastValueError(
            f"The 'losses' parameter of pretrain_nbeats must hold 'mae', 'smape' or 'mase'. "
            f"Got {list(losses)!r} instead."
        )
    if schedule not in ("constant", "cosine"):
        raise ForecastValueError(
            f"The 'schedule' parameter of pretrain_nbeats must be 'constant' or 'cosine'. "
            f"Got {schedule!r} instead."
        )
    if any(s not in STACK_TYPES for s in stacks):
        raise ForecastValueError(
            f"The 'stacks' parameter of pretrain_nbeats must hold names of {STACK_TYPES}. "
            f"Got {list(stacks)!r} instead."
        )
    if isinstance(series, np.ndarray) or not isinstance(series, Sequence) or not series:
        raise ForecastTypeError(
            "The 'series' parameter of pretrain_nbeats must be a non-empty list of 1-D arrays."
        )
    arrays = [np.asarray(s, dtype=np.float64).ravel() for s in series]
    short = [i for i, s in enumerate(arrays) if s.size < m_in + H + 1]
    if short:
        raise ForecastValueError(
            f"The 'series' parameter of pretrain_nbeats needs at least {m_in + H + 1} "
            f"observations per series (min_input + horizon + 1). Series {short[:5]} are shorter."
        )
    bad = [i for i, s in enumerate(arrays) if not np.isfinite(s).all()]
    if bad:
        raise ForecastValueError(
            f"The 'series' parameter of pretrain_nbeats must hold finite values. "
            f"Series {bad[:5]} do not."
        )
    xv, yv, mv, scale, heads = validation_windows(arrays, input_size=L, horizon=H, holdout=H)
    panel = make_panel(heads, input_size=L, horizon=H, min_input=m_in, history_limit=history_limit)
    nets, results = [], []
    first = _int(first_member, "first_member", 0)
    ks = range(first, first + _int(n_models, "n_models", 0 if extend is not None else 1))
    for k in ks:
        rng = np.random.default_rng([random_state, k])
        net = NBeatsNet(
            input_size=L, horizon=H, stacks=stacks, width=width, n_blocks=n_blocks,
            n_layers=n_layers, standardize=standardize, rng=rng,
        )  # fmt: skip

        def progress(step: int, loss: float, val: float, k: int = k) -> None:
            if callback is not None:
                callback(k, step, loss, val)

        res = train_net(
            net,
            lambda g: sample_batch(panel, batch_size, g, p_truncate),
            (xv, yv, mv),
            steps=_int(steps, "steps", 1),
            eval_every=_int(eval_every, "eval_every", 1),
            patience=_int(patience, "patience", 0),
            lr=float(learning_rate),
            rng=rng,
            loss=losses[k % len(losses)],
            season=int(season_length),
            schedule=schedule,
            callback=progress,
        )
        round_to_storage(net)
        nets.append(net)
        results.append(res)
    if extend is not None and extend.horizon != H:
        raise ForecastValueError(
            f"The 'extend' parameter of pretrain_nbeats must have horizon={H}. "
            f"Got {extend.horizon} instead."
        )
    lbs = tuple(int(v) for v in lookbacks)
    if any(not 1 <= v <= L for v in lbs) or aggregate not in AGGREGATES:
        raise ForecastValueError(
            f"The 'lookbacks' and 'aggregate' parameters of pretrain_nbeats must be integers in "
            f"1..{L} and one of {AGGREGATES}. Got {list(lbs)!r} and {aggregate!r} instead."
        )
    own = lbs or (L,)
    old = list(zip(extend.nets, extend.member_lookbacks(), strict=True)) if extend else []
    # ``lookbacks`` set every network of input size L, the extended ones included
    members = [(n, own if n.input_size == L else lb) for n, lb in old] + [(n, own) for n in nets]
    window = max([L, *(n.input_size for n, _ in members)])
    if window != L:  # the held-out windows at the group's (longest) input
        xv, yv, mv, scale, _ = validation_windows(arrays, input_size=window, horizon=H, holdout=H)
    group = GroupModel(
        name, window, H, max(m_in, extend.min_input if extend else 0), int(season_length),
        [n for n, _ in members], np.zeros((0, H)), {}, (), aggregate,
        tuple(lb for _, lb in members),
    )  # fmt: skip
    scores = [
        _holdout_smape(forecast_scaled([n], xv, None, aggregate, [lb]), xv, yv, mv, scale)[1]
        for n, lb in members
    ]
    pool, ens = _holdout_smape(group.forecast(xv), xv, yv, mv, scale)
    prior = extend.info if extend is not None else {}
    n_old = len(extend.nets) if extend is not None else 0
    info = {
        "series": len(arrays),
        "holdout_mae_scaled": float(np.nanmean(np.abs(pool))),
        "holdout_smape": ens,
        "member_holdout_smape": scores,
        "losses": [
            *prior.get("losses", ["mae"] * n_old),
            *(losses[k % len(losses)] for k in ks),
        ],
        "steps": [*prior.get("steps", []), *(r.steps for r in results)],
        "best_step": [*prior.get("best_step", []), *(r.at_step[r.best] for r in results)],
    }
    group.pool, group.info = pool, info
    group.pool_noise = noise_levels(xv, int(season_length))
    return group


def _holdout_smape(
    pred: np.ndarray, xv: np.ndarray, yv: np.ndarray, mv: np.ndarray, scale: np.ndarray
) -> tuple[np.ndarray, float]:
    """Scaled held-out errors ``(S, H)`` of the scaled forecast ``pred`` (NaN where no
    target) and the mean sMAPE."""
    pool = np.where(mv > 0, yv - pred, np.nan)
    actual, fc = yv * scale[:, None], pred * scale[:, None]
    smape = 200 * np.abs(actual - fc) / np.maximum(np.abs(actual) + np.abs(fc), 1e-12)
    return pool, float(np.mean(np.nanmean(np.where(mv > 0, smape, np.nan), axis=1)))


def refit_nbeats(
    group: GroupModel,
    series: Sequence[np.ndarray],
    *,
    steps: int = 400,
    learning_rate: float = 3e-4,
    batch_size: int = 1024,
    history_limit: int = 10,
    p_truncate: float = 0.3,
    random_state: int = 0,
    callback: Callable[[int, int, float, float], Any] | None = None,
) -> GroupModel:
    """A copy of ``group`` whose networks went on training on windows that reach the end
    of ``series``, so the last ``horizon`` periods, which early stopping and the pool held
    out, are trained on too.

    Every network continues for ``steps`` Adam steps at ``learning_rate`` on windows of
    its own input size cut from the whole series (as :func:`pretrain_nbeats` cuts them
    from all but the held-out end), without early stopping, and is rounded to float16
    again. The pool and its noise levels are kept: they are the held-out errors of the
    networks before this step, a proxy for the errors of the refitted ones on new data.

    Parameters
    ----------
    group : GroupModel
        A trained group (from :func:`pretrain_nbeats` or :func:`load_pretrained`).
    series : sequence of 1-D ndarray
        The series ``group`` was trained on, with their held-out ends.
    steps, learning_rate, batch_size, history_limit, p_truncate : int or float
        The continued training (see :func:`pretrain_nbeats`).
    random_state : int
        Network ``k`` draws its batches from the seed ``[random_state, 99, k]``.
    callback : callable or None
        ``callback(network, step, loss, loss)`` every 100 steps (progress).

    Returns
    -------
    GroupModel
        ``info["refit"]`` records the settings.
    """
    steps = _int(steps, "steps", 1, "refit_nbeats")
    arrays = [np.asarray(s, dtype=np.float64).ravel() for s in series]
    if not arrays or any(s.size < group.min_input + 1 for s in arrays):
        raise ForecastValueError(
            f"The 'series' parameter of refit_nbeats must be a non-empty list of series of at "
            f"least min_input + 1 = {group.min_input + 1} observations."
        )
    out = group.copy()
    for k, net in enumerate(out.nets):
        panel = make_panel(arrays, input_size=net.input_size, horizon=group.horizon,
                           min_input=group.min_input, history_limit=history_limit)  # fmt: skip

        def progress(step: int, loss: float, val: float, k: int = k) -> None:
            if callback is not None:
                callback(k, step, loss, val)

        def batches(
            g: np.random.Generator, panel: Panel = panel
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            return sample_batch(panel, batch_size, g, p_truncate)

        train_net(
            net,
            batches,
            None,
            steps=steps,
            eval_every=100,
            patience=0,
            lr=float(learning_rate),
            rng=np.random.default_rng([random_state, 99, k]),
            callback=progress,
        )
        round_to_storage(net)
    out.info["refit"] = {"steps": steps, "learning_rate": float(learning_rate),
                         "history_limit": history_limit, "p_truncate": p_truncate,
                         "random_state": random_state}  # fmt: skip
    return out


def add_pool_noise(group: GroupModel, series: Sequence[np.ndarray]) -> GroupModel:
    """A copy of ``group`` with the noise level of each pool row's window, computed from
    the series the group was trained on (the same list, in the same order: row ``i`` of
    the pool is the held-out window of ``series[i]``), as :func:`pretrain_nbeats` stores
    it; for files written before the levels existed (format 2).

    Raises
    ------
    ForecastValueError
        If ``series`` does not hold one series per pool row.
    """
    arrays = [np.asarray(s, dtype=np.float64).ravel() for s in series]
    if len(arrays) != group.pool.shape[0]:
        raise ForecastValueError(
            f"The 'series' parameter of add_pool_noise must hold the {group.pool.shape[0]} "
            f"series behind the pool of group {group.name!r}. Got {len(arrays)} instead."
        )
    H = group.horizon
    xv = validation_windows(arrays, input_size=group.input_size, horizon=H, holdout=H)[0]
    out = group.copy()
    out.pool_noise = noise_levels(xv, group.season_length)
    return out


def save_pretrained(
    path: str | Path, groups: Sequence[GroupModel], training: dict[str, Any] | None = None
) -> Path:
    """Write ``groups`` to ``path`` (``.json``) and its ``.npz`` beside it, atomically.

    ``training`` (JSON-serialisable) records how they were trained.
    """
    path = Path(path)
    if path.suffix != ".json":
        raise ForecastValueError(
            f"The 'path' parameter of save_pretrained must end in .json. Got {str(path)!r}."
        )
    return save_bundle(path, {g.name: g for g in groups}, dict(training or {}))


def load_pretrained(path: str | Path) -> dict[str, GroupModel]:
    """The checked groups of a pretrained ``.json`` (copies, safe to extend or train)."""
    return {name: g.copy() for name, g in load_bundle(Path(path)).items()}
