"""Memory budget of a simulation: estimated before anything is drawn, refused above the limit."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest

from montecarlo import (
    DEFAULT_MEMORY_LIMIT,
    AntitheticSampler,
    BootstrapSimulator,
    IIDSimulator,
    MemoryBudgetError,
    MonteCarloValueError,
    SeasonalSimulator,
    SobolSampler,
    calibration_backtest,
    check_memory,
    format_bytes,
    load_monthly_units,
    simulate_target,
    simulation_memory,
)
from montecarlo.budget import GROUP_BYTES, TOTAL_BYTES, WORK_BYTES_PER_VALUE, largest_fit

UNITS = load_monthly_units()


def test_estimate_adds_kept_bytes_per_path_and_the_chunks_in_flight() -> None:
    est = simulation_memory(3_000_000, 11, chunk_size=1_000_000)
    assert est.kept == 3_000_000 * TOTAL_BYTES
    assert est.working == 1_000_000 * 11 * WORK_BYTES_PER_VALUE
    anti = simulation_memory(3_000_000, 11, sampler=AntitheticSampler(), n_jobs=2)
    assert anti.kept == 3_000_000 * (TOTAL_BYTES + GROUP_BYTES)
    assert anti.working == 2 * 1_000_000 * 11 * WORK_BYTES_PER_VALUE  # two chunks at once
    kept = simulation_memory(1000, 11, keep_paths=True)
    assert kept.kept == 1000 * (TOTAL_BYTES + 8 * 11)
    # one Sobol call draws whole scrambles: 2**24 paths in 16 scrambles -> 2**20 rows at once
    sobol = simulation_memory(2**24, 3, sampler=SobolSampler(), chunk_size=1000)
    assert sobol.working == 2**20 * 3 * WORK_BYTES_PER_VALUE
    assert format_bytes(3 * 2**30) == "3.0 GiB" and format_bytes(512) == "512 bytes"


@pytest.mark.parametrize(
    ("sim", "sampler"),
    [
        # the heaviest montecarlo simulator per path (Johnson quantiles, antithetic groups)
        (IIDSimulator(dist="johnson", truncate=None, guard="ignore"), "antithetic"),
        (IIDSimulator(), "sobol"),
        (SeasonalSimulator(), "plain"),
        (BootstrapSimulator(), "plain"),
    ],
)
def test_estimate_bounds_the_measured_peak(sim: object, sampler: str) -> None:
    sim.fit(UNITS.loc[:"2015-01"])  # type: ignore[attr-defined]
    kw = {"n_paths": 64_000, "chunk_size": 16_000, "sampler": sampler}
    tracemalloc.start()
    try:
        r = simulate_target(sim, UNITS, as_of="2015-01", target=186, rng=0, fit=False, **kw)  # type: ignore[arg-type]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    smp = {"antithetic": AntitheticSampler(), "sobol": SobolSampler()}.get(sampler)
    est = simulation_memory(r.n_paths, 11, sampler=smp, chunk_size=16_000)
    assert peak <= est.total, (peak, est)
    assert peak >= est.total / 10  # an estimate, not a blanket


def test_huge_n_paths_is_refused_at_once_with_the_numbers() -> None:
    sim = IIDSimulator()
    t0 = time.perf_counter()
    with pytest.raises(MemoryBudgetError) as info:
        simulate_target(sim, UNITS, as_of="2015-09", target=186, n_paths=10_000_000_000)
    assert time.perf_counter() - t0 < 5  # refused before anything is fitted or drawn
    assert not hasattr(sim, "history_")  # nothing was fitted
    err = info.value
    assert err.n_paths == 10_000_000_000 and err.limit == DEFAULT_MEMORY_LIMIT
    assert err.needed == simulation_memory(10_000_000_000, 3).total
    assert err.parameter == "n_paths" and 0 < err.max_paths < err.n_paths
    msg = str(err)
    assert "The 'n_paths' parameter of simulate_target asks for 10000000000 paths" in msg
    assert "74.8 GiB" in msg and "2.0 GiB" in msg
    assert f"At most {err.max_paths} paths fit" in msg
    assert "until_se=" in msg and "sampler='sobol'" in msg
    assert isinstance(err, MonteCarloValueError) and isinstance(err, ValueError)


def test_the_suggested_count_runs_within_the_limit() -> None:
    limit = 8 * 2**20
    with pytest.raises(MemoryBudgetError) as info:
        simulate_target(IIDSimulator(), UNITS, as_of="2015-01", target=186, n_paths=10**6,
                        memory_limit=limit, rng=0)  # fmt: skip
    n = info.value.max_paths
    assert n == largest_fit(limit, 11)
    tracemalloc.start()
    try:
        r = simulate_target(IIDSimulator(), UNITS, as_of="2015-01", target=186, n_paths=n,
                            memory_limit=limit, rng=0)  # fmt: skip
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert r.n_paths == n and peak <= limit
    with pytest.raises(MemoryBudgetError):
        check_memory(n + 1, 11, memory_limit=limit)


def test_until_se_growth_stops_at_the_budget() -> None:
    limit = 16 * 2**20
    r = simulate_target(IIDSimulator(), UNITS, as_of="2015-09", target=186, n_paths=1000,
                        until_se=1e-6, memory_limit=limit, rng=0)  # fmt: skip
    assert r.extra["converged"] is False and r.extra["stopped_by"] == "memory_limit"
    assert r.n_paths == largest_fit(limit, 3)
    plain = simulate_target(IIDSimulator(), UNITS, as_of="2015-09", target=186, n_paths=1000,
                            until_se=1e-6, max_paths=20_000, rng=0)  # fmt: skip
    assert plain.extra["stopped_by"] == "max_paths" and plain.n_paths == 20_000
    met = simulate_target(IIDSimulator(), UNITS, as_of="2015-09", target=186, n_paths=1000,
                          until_se=0.01, rng=0)  # fmt: skip
    assert met.extra["converged"] is True and met.extra["stopped_by"] is None


def test_no_limit_and_bad_limits() -> None:
    assert check_memory(10**12, 11, memory_limit=None).total > 10**12
    for bad in (0, -1, 2.5, True, "2GiB"):
        with pytest.raises(MonteCarloValueError, match="'memory_limit' parameter"):
            simulate_target(IIDSimulator(), UNITS, as_of="2015-09", target=186, n_paths=100,
                            memory_limit=bad)  # type: ignore[arg-type]  # fmt: skip


def test_calibration_backtest_checks_its_paths_first() -> None:
    with pytest.raises(MemoryBudgetError, match="'n_paths' parameter of calibration_backtest"):
        calibration_backtest(UNITS, {"iid": IIDSimulator()}, n_paths=10**9)
    res = calibration_backtest(UNITS, {"iid": IIDSimulator()}, n_paths=200, rng=0)
    assert np.isfinite(res.summary["crps"]).all()


def test_kept_paths_of_every_method_count_together() -> None:
    one = simulation_memory(1000, 11, keep_paths=True)
    four = simulation_memory(1000, 11, keep_paths=True, runs=4)
    assert four.kept - one.kept == 3 * 1000 * 11 * 8 and four.working == one.working
    assert simulation_memory(1000, 11, runs=4) == simulation_memory(1000, 11)  # nothing kept
    from forecast import answer_question  # the question service keeps each method's paths

    with pytest.raises(MemoryBudgetError, match="'n_paths' parameter of answer_question"):
        answer_question(UNITS, as_of="2015-01", target=186, n_paths=5_000_000,
                        tornado_chart=True, fits=False)  # fmt: skip
