"""How much memory a simulation takes, estimated before it starts, and the budget it must fit.

:func:`simulate_target` draws the months still to come in chunks of ``chunk_size`` paths and
keeps, for every path, only its year-end total (plus its group id for the antithetic and
Sobol standard errors, plus the path itself with ``keep_paths=True``). Its peak memory is
therefore about::

    n_paths x (8 bytes per total [+ 24 bytes of group ids] [+ 8 x horizon kept values])
    + rows in flight x horizon x WORK_BYTES_PER_VALUE

where the rows in flight are ``n_jobs`` chunks of at most ``chunk_size`` paths (one Sobol
call draws whole scrambles, so its chunk is at least ``n_paths / n_scrambles`` rows). The
constants are measured with ``tracemalloc`` over every registered simulator (the ARIMA
simulator is the heaviest at about 96 bytes per simulated value while drawing; the iid
Johnson fit with antithetic pairs needs about 24 bytes per path for its totals and groups).

:func:`check_memory` refuses a run whose estimate exceeds the budget *before* anything is
fitted or drawn, with a :class:`MemoryBudgetError` that says how much it would take, the
largest ``n_paths`` that fits, and what to do instead. The default budget is a fixed
:data:`DEFAULT_MEMORY_LIMIT` of 2 GiB, the same on every machine (so a run that works on
one machine is not refused on another); pass ``memory_limit=`` to raise it or ``None`` to
switch the check off.
"""

from __future__ import annotations

from dataclasses import dataclass

from montecarlo.errors import MemoryBudgetError, MonteCarloValueError
from montecarlo.samplers import PlainSampler, Sampler, SobolSampler

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "MemoryEstimate",
    "check_memory",
    "format_bytes",
    "largest_fit",
    "simulation_memory",
]

#: Default memory budget of one simulation: 2 GiB (fixed, machine-independent).
DEFAULT_MEMORY_LIMIT = 2 * 1024**3

#: Bytes per simulated value while a chunk is drawn (the draws and the simulator's
#: temporaries; measured worst case over the registered simulators: ARIMA).
WORK_BYTES_PER_VALUE = 96

#: Bytes kept per path: its year-end total (float64).
TOTAL_BYTES = 8

#: Extra bytes per path for the antithetic/Sobol group ids and their standard error.
GROUP_BYTES = 24


@dataclass(frozen=True)
class MemoryEstimate:
    """Peak memory of one simulation, in bytes, and its parts."""

    n_paths: int
    horizon: int
    kept: int
    working: int

    @property
    def total(self) -> int:
        """Peak bytes: what is kept per path plus the chunks being drawn."""
        return self.kept + self.working


def format_bytes(n: float) -> str:
    """``n`` bytes in binary units: ``format_bytes(3 * 2**30) == '3.0 GiB'``."""
    value = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _rows_in_flight(n: int, sampler: Sampler, chunk_size: int, n_jobs: int) -> int:
    """Rows drawn at once by ``simulate_target``'s chunking (see ``engine._draw_totals``)."""
    if isinstance(sampler, SobolSampler):
        m = n // sampler.n_scrambles
        per = max(1, min(sampler.n_scrambles, chunk_size // max(m, 1)))
        return min(n, per * m)
    step = max(2, chunk_size - chunk_size % 2)
    return min(n, step) * max(1, min(n_jobs, -(-n // step)))


def simulation_memory(
    n_paths: int,
    horizon: int,
    *,
    sampler: Sampler | None = None,
    chunk_size: int = 1_000_000,
    n_jobs: int = 1,
    keep_paths: bool = False,
    runs: int = 1,
) -> MemoryEstimate:
    """Estimated peak memory of :func:`simulate_target` drawing ``n_paths`` paths.

    Parameters
    ----------
    n_paths : int
        Paths, already rounded to what the sampler needs (``sampler.valid_n``).
    horizon : int
        Months simulated per path.
    sampler : Sampler, optional
        Default: plain.
    chunk_size, n_jobs, keep_paths
        As in :func:`simulate_target`.
    runs : int, default 1
        Runs (methods) whose kept paths stay in memory together, as
        :func:`forecast.answer_question` keeps every method's paths for its charts.

    Returns
    -------
    MemoryEstimate
        ``total`` is the estimated peak in bytes.

    Examples
    --------
    >>> est = simulation_memory(10_000_000_000, 3)
    >>> format_bytes(est.total)
    '74.8 GiB'
    """
    smp = sampler if sampler is not None else PlainSampler()
    n, h = int(n_paths), int(horizon)
    per_path = TOTAL_BYTES + (0 if isinstance(smp, PlainSampler) else GROUP_BYTES)
    if keep_paths:
        per_path += 8 * h * max(1, int(runs))
    working = _rows_in_flight(n, smp, int(chunk_size), int(n_jobs)) * h * WORK_BYTES_PER_VALUE
    return MemoryEstimate(n_paths=n, horizon=h, kept=n * per_path, working=working)


def largest_fit(
    limit: int,
    horizon: int,
    *,
    sampler: Sampler | None = None,
    chunk_size: int = 1_000_000,
    n_jobs: int = 1,
    keep_paths: bool = False,
    runs: int = 1,
) -> int:
    """Largest admissible ``n_paths`` whose estimate fits ``limit`` bytes (0 if none does).

    The estimate grows with ``n``, so a bisection over ``n`` finds the largest ``n`` whose
    admissible count ``sampler.valid_n(n)`` (the top of its bucket) still fits.
    """
    smp = sampler if sampler is not None else PlainSampler()

    def fits(n: int) -> bool:
        est = simulation_memory(
            smp.valid_n(n), horizon, sampler=smp, chunk_size=chunk_size, n_jobs=n_jobs,
            keep_paths=keep_paths, runs=runs,
        )  # fmt: skip
        return est.total <= limit

    if not fits(1):
        return 0
    lo, hi = 1, 2
    while fits(hi):
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return smp.valid_n(lo)


def check_memory(
    n_paths: int,
    horizon: int,
    *,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    sampler: Sampler | None = None,
    chunk_size: int = 1_000_000,
    n_jobs: int = 1,
    keep_paths: bool = False,
    runs: int = 1,
    func: str = "simulate_target",
    name: str = "n_paths",
) -> MemoryEstimate:
    """The estimate of :func:`simulation_memory`, or :class:`MemoryBudgetError` if it
    exceeds ``memory_limit`` bytes (None: no limit).

    Examples
    --------
    >>> check_memory(100_000, 3).total < DEFAULT_MEMORY_LIMIT
    True
    >>> check_memory(10_000_000_000, 3)
    Traceback (most recent call last):
    ...
    montecarlo.errors.MemoryBudgetError: The 'n_paths' parameter of simulate_target asks for \
10000000000 paths of 3 months, which would take about 74.8 GiB of memory; the limit is \
2.0 GiB (memory_limit=2147483648). At most 232435456 paths fit. Use fewer paths, until_se= \
to draw only as many as the standard error needs, sampler='sobol' (a smaller standard \
error for the same paths), or a larger memory_limit.
    """
    est = simulation_memory(
        n_paths, horizon, sampler=sampler, chunk_size=chunk_size, n_jobs=n_jobs,
        keep_paths=keep_paths, runs=runs,
    )  # fmt: skip
    if memory_limit is None:
        return est
    if isinstance(memory_limit, bool) or not isinstance(memory_limit, int) or memory_limit < 1:
        raise MonteCarloValueError(
            f"The 'memory_limit' parameter of {func} must be None or a number of bytes >= 1. "
            f"Got {memory_limit!r} instead."
        )
    if est.total <= memory_limit:
        return est
    fit = largest_fit(
        memory_limit, horizon, sampler=sampler, chunk_size=chunk_size, n_jobs=n_jobs,
        keep_paths=keep_paths, runs=runs,
    )  # fmt: skip
    raise MemoryBudgetError(
        f"The '{name}' parameter of {func} asks for {est.n_paths} paths of {est.horizon} "
        f"months, which would take about {format_bytes(est.total)} of memory; the limit is "
        f"{format_bytes(memory_limit)} (memory_limit={memory_limit}). At most {fit} paths "
        f"fit. Use fewer paths, until_se= to draw only as many as the standard error "
        f"needs, sampler='sobol' (a smaller standard error for the same paths), or a "
        f"larger memory_limit.",
        needed=est.total,
        limit=memory_limit,
        n_paths=est.n_paths,
        max_paths=fit,
        parameter=name,
    )
