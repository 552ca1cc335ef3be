"""The whole target question with one simulator: ``simulate_target``.

Fit, draw the rest of the year in memory-bounded chunks with the chosen sampler (plain,
antithetic, Sobol; optionally on several threads), grow the number of paths until the
standard error is small enough (``until_se=``, like @RISK's convergence monitoring), and
score with :func:`montecarlo.target.target_probability`'s rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from montecarlo.base import Simulator
from montecarlo.budget import DEFAULT_MEMORY_LIMIT, check_memory, largest_fit
from montecarlo.checks import (
    as_monthly_series,
    as_rng,
    check_bool,
    check_finite_number,
    check_positive_int,
    check_quantiles,
)
from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError
from montecarlo.samplers import PlainSampler, Sampler, SobolSampler, as_sampler
from montecarlo.simulate import as_period
from montecarlo.target import (
    DEFAULT_QUANTILES,
    TargetResult,
    result_from_totals,
    row_sums,
)

__all__ = ["check_simulator", "simulate_target", "year_to_date"]


def check_simulator(simulator: Any, *, func: str) -> Simulator:
    """``simulator`` if it implements the contract of :class:`montecarlo.base.Simulator`."""
    if not isinstance(simulator, Simulator):
        raise MonteCarloTypeError(
            f"The 'simulator' parameter of {func} must be a montecarlo.Simulator (a "
            f"simulator or a forecaster). Got {type(simulator).__name__} instead."
        )
    return simulator


def year_to_date(history: pd.Series, as_of: pd.Period, *, func: str) -> tuple[float, int]:
    """Total of the calendar year of ``as_of`` up to ``as_of``, and months left in it."""
    start = pd.Period(year=as_of.year, month=1, freq="M")
    if history.index[0] > start:
        raise MonteCarloValueError(
            f"The 'history' of {func} must cover the whole year to date: the months "
            f"{start} to {as_of}. It starts at {history.index[0]}."
        )
    left = 12 - as_of.month
    if left == 0:
        raise MonteCarloValueError(
            f"The 'as_of' parameter of {func} is December ({as_of}): the year is complete "
            f"and nothing is left to simulate. Use a month from January to November."
        )
    return float(history.loc[start:as_of].sum()), left


def _draw_totals(
    simulator: Simulator,
    as_of: pd.Period,
    horizon: int,
    n: int,
    rng: np.random.Generator,
    smp: Sampler,
    chunk_size: int,
    progress: Callable[[int], Any] | None,
    n_jobs: int = 1,
    keep: bool = False,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Sum of the future months for ``n`` paths, drawn in chunks; plus the SE groups.

    Returns ``totals`` of shape (n,), group ids of shape (n,) (or None for plain) and,
    with ``keep``, the paths themselves of shape (n, horizon) in row order (else None).
    """
    calls: list[tuple[int, Sampler]]
    groups: np.ndarray | None
    if isinstance(smp, SobolSampler):
        m = n // smp.n_scrambles
        per = max(1, min(smp.n_scrambles, chunk_size // m))
        sizes = [per] * (smp.n_scrambles // per) + [smp.n_scrambles % per]
        calls = [(r * m, SobolSampler(r)) for r in sizes if r]
        groups = smp.groups(n)
    else:
        step = max(2, chunk_size - chunk_size % 2)
        calls = [(min(step, n - i), smp) for i in range(0, n, step)]
        groups = None
        if not isinstance(smp, PlainSampler):  # antithetic pairs per chunk
            parts = [np.asarray(smp.groups(c)) + i // 2 for i, (c, _) in _offsets(calls)]
            groups = np.concatenate(parts)
    totals = np.empty(n)
    blocks: list[np.ndarray | None] = [None] * len(calls)
    sobol = isinstance(smp, SobolSampler)
    # plain/antithetic: one child generator per chunk, so results do not depend on n_jobs
    gens = [rng] * len(calls) if sobol else rng.spawn(len(calls))

    def work(k: int) -> int:
        i, (c, sub) = offsets[k]
        block = simulator.paths(as_of, horizon, c, gens[k], sampler=sub)
        block = np.asarray(block)
        if block.dtype != np.float32:
            block = block.astype(np.float64, copy=False)
        if block.shape != (c, horizon) or not np.isfinite(block).all():
            finite = bool(np.isfinite(block).all())
            raise MonteCarloValueError(
                f"The simulator {type(simulator).__name__} returned paths of shape "
                f"{block.shape} (finite: {finite}); expected finite values of shape "
                f"({c}, {horizon})."
                + ("" if finite else " Its draws overflow on this 'history' (ratios of "
                   "nearly-zero months?): rescale it or use another method.")
            )  # fmt: skip
        totals[i : i + c] = row_sums(block)
        if keep:
            blocks[k] = block
        return c

    offsets = _offsets(calls)
    if n_jobs > 1 and not sobol and len(calls) > 1:
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            for c in pool.map(work, range(len(calls))):
                if progress is not None:
                    progress(c)
    else:
        for k in range(len(calls)):
            c = work(k)
            if progress is not None:
                progress(c)
    if not keep:
        return totals, groups, None
    done = [b for b in blocks if b is not None]
    kept = done[0] if len(done) == 1 else np.concatenate(done, axis=0)
    return totals, groups, kept


def _offsets(calls: list[tuple[int, Any]]) -> list[tuple[int, tuple[int, Any]]]:
    """Pair each (size, sampler) call with the row offset where it starts."""
    out, i = [], 0
    for call in calls:
        out.append((i, call))
        i += call[0]
    return out


def simulate_target(
    simulator: Simulator,
    history: pd.Series,
    *,
    as_of: Any,
    target: float,
    n_paths: int = 100_000,
    sampler: str | Sampler = "plain",
    rng: np.random.Generator | int | None = None,
    until_se: float | None = None,
    max_paths: int = 10_000_000,
    chunk_size: int = 1_000_000,
    method: str | None = None,
    fit: bool = True,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
    progress: Callable[[int], Any] | None = None,
    n_jobs: int = 1,
    keep_paths: bool = False,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
) -> TargetResult:
    """Answer the target question end to end with one simulator.

    Parameters
    ----------
    simulator : montecarlo.base.Simulator
        Any simulator or forecaster (the one contract of :mod:`montecarlo.base`). A
        ``sampler`` it does not support (``simulator.samplers``; forecasters draw their
        own paths and take ``"plain"`` only) is refused before anything is fitted.
    history : pandas.Series
        Monthly history; the months from January of ``as_of``'s year to ``as_of`` give the
        actual to date.
    as_of : str or pandas.Period
        Last observed month; the rest of its calendar year is simulated.
    target : float
        Year-end target.
    n_paths : int, default 100_000
        Paths to draw (rounded up to what the sampler needs: even for antithetic,
        scrambles x power of two for Sobol). With ``until_se`` it is the first batch.
    sampler : {"plain", "antithetic", "sobol"} or Sampler
    rng : numpy.random.Generator or int, optional
    until_se : float, optional
        Grow the number of paths until the standard error of the probability is at most
        this (e.g. 0.001 for 0.1 percentage point), or ``max_paths`` is reached.
    max_paths : int, default 10_000_000
    chunk_size : int, default 1_000_000
        Paths held in memory at once. With the plain and antithetic samplers each chunk
        draws from its own child generator, so a given ``(rng, n_paths, chunk_size)``
        always gives the same answer; the Sobol answer does not depend on it.
    method : str, optional
        Label of the result (default: the simulator's class name).
    fit : bool, default True
        Call ``simulator.fit(history.loc[:as_of])`` first (the months after ``as_of``
        are never shown to the simulator).
    quantiles : sequence of float
    progress : callable, optional
        Called with the number of paths just drawn (e.g. ``tqdm.update``).
    n_jobs : int, default 1
        Threads drawing chunks at once (plain and antithetic samplers; NumPy releases the
        GIL while filling arrays). Every chunk has its own child generator spawned from
        ``rng``, so the result is the same for any ``n_jobs``. The simulator's ``paths``
        must be thread-safe for ``n_jobs > 1`` (the montecarlo simulators are).
    keep_paths : bool, default False
        Return the simulated paths in ``TargetResult.paths``: the very draws the
        probability, standard error and quantiles came from (with ``until_se``, every
        chunk of the final round, in row order), in the simulator's dtype. They take
        ``n_paths x horizon`` values of memory, so by default only the totals are kept
        while drawing.
    memory_limit : int or None, default 2 GiB (``montecarlo.budget.DEFAULT_MEMORY_LIMIT``)
        Memory budget in bytes. The peak memory of the run is estimated before anything
        is fitted or drawn (:func:`montecarlo.budget.simulation_memory`: the totals, group
        ids and kept paths of every path plus the chunks in flight); a run that would
        exceed it is refused with :class:`montecarlo.errors.MemoryBudgetError`, which
        names the largest ``n_paths`` that fits. With ``until_se`` the growth of the
        number of paths also stops at the budget (``extra["stopped_by"]`` says
        ``"memory_limit"``). None: no limit.

    Returns
    -------
    TargetResult
        ``extra["converged"]`` tells whether ``until_se`` was met; ``paths`` is an
        ndarray of shape (n_paths, horizon) with ``keep_paths=True``, else None.

    Examples
    --------
    >>> from montecarlo import IIDSimulator, load_monthly_units, target_probability
    >>> units = load_monthly_units()
    >>> r = simulate_target(IIDSimulator(), units, as_of="2015-09", target=186,
    ...                     n_paths=5000, rng=0, keep_paths=True)
    >>> r.paths.shape
    (5000, 3)
    >>> target_probability(r.paths, r.actual_to_date, 186).probability == r.probability
    True
    """
    func = "simulate_target"
    check_simulator(simulator, func=func)
    hist = as_monthly_series(history, name="history", func=func)
    period = as_period(as_of, func=func)
    if period < hist.index[0] or period > hist.index[-1]:
        raise MonteCarloValueError(
            f"The 'as_of' parameter of {func} must lie within the history "
            f"({hist.index[0]} to {hist.index[-1]}). Got {period} instead."
        )
    tgt = check_finite_number(target, name="target", func=func)
    n = check_positive_int(n_paths, name="n_paths", func=func)
    cap = check_positive_int(max_paths, name="max_paths", func=func)
    chunk = check_positive_int(chunk_size, name="chunk_size", func=func, minimum=2)
    jobs = check_positive_int(n_jobs, name="n_jobs", func=func)
    keep = check_bool(keep_paths, name="keep_paths", func=func)
    qs = check_quantiles(quantiles, func=func)
    smp = as_sampler(sampler, func=func)
    if isinstance(smp, SobolSampler) and smp.n_scrambles < 2:
        raise MonteCarloValueError(
            f"The 'sampler' parameter of {func} needs at least 2 Sobol scrambles for a "
            f"standard error. Got n_scrambles={smp.n_scrambles}."
        )
    tol = None
    if until_se is not None:
        tol = check_finite_number(until_se, name="until_se", func=func)
        if tol <= 0:
            raise MonteCarloValueError(
                f"The 'until_se' parameter of {func} must be > 0. Got {tol!r} instead."
            )
    smp = simulator.check_sampler(smp, func=func)
    actual, horizon = year_to_date(hist, period, func=func)
    check_memory(
        smp.valid_n(n), horizon, memory_limit=memory_limit, sampler=smp, chunk_size=chunk,
        n_jobs=jobs, keep_paths=keep, func=func,
    )  # fmt: skip
    room = None  # with until_se: the most paths the growth may reach within the budget
    if tol is not None and memory_limit is not None:
        room = largest_fit(memory_limit, horizon, sampler=smp, chunk_size=chunk, n_jobs=jobs,
                           keep_paths=keep)  # fmt: skip
    gen = as_rng(rng)
    if fit:  # the months after as_of are never shown to the simulator
        simulator.fit(hist.loc[:period])
    label = method or type(simulator).__name__
    n = smp.valid_n(n)
    while True:
        totals, groups, kept = _draw_totals(
            simulator, period, horizon, n, gen, smp, chunk, progress, jobs, keep
        )
        totals += actual
        result = result_from_totals(
            totals, actual, tgt, groups=groups, method=label, sampler=smp.name,
            horizon=horizon, quantiles=qs, as_of=str(period),
        )  # fmt: skip
        full = n >= cap or (room is not None and n >= room)
        if tol is None or result.std_error <= tol or full:
            break
        kept = None  # free this round's paths before the bigger round draws
        # SE ~ n^-1/2 (plain/antithetic) or faster (Sobol): aim with a 10% margin
        want = int(n * (result.std_error / tol) ** 2 * 1.1) + 1
        n = min(smp.valid_n(max(2 * n, want)), max(smp.valid_n(cap), n))
        if room is not None and n > room:  # the budget stops the growth before max_paths
            n = max(room, result.n_paths)
    converged = tol is None or result.std_error <= tol
    stopped = None
    if not converged:
        stopped = "max_paths" if n >= cap else "memory_limit"
    result.extra.update({"converged": bool(converged), "until_se": tol, "stopped_by": stopped})
    if keep:
        result = replace(result, paths=kept)
    return result
