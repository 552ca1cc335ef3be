"""Portfolio scale: per-series target-risk work in process vs on a 2-worker Dask LocalCluster.

Usage::

    python benchmarks/portfolio_dask.py                 # 100, 1,000 and 10,000 series
    python benchmarks/portfolio_dask.py --sizes 100 1000 --paths 100000

Synthetic monthly series (10 years, trend + seasonality + noise, one target each) go
through :func:`riskcast.report.engine.run_tasks` exactly as ``riskcast report`` runs them.
Writes the ``portfolio_dask`` section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._report import machine, write_section
from riskcast.report.engine import SeriesTask, run_tasks


def make_tasks(n_series: int, *, paths: int, methods: tuple[str, ...]) -> list[SeriesTask]:
    rng = np.random.default_rng(12345)
    idx = pd.period_range("2006-01", "2015-12", freq="M")
    season = 1 + 0.15 * np.sin(2 * np.pi * (idx.month.to_numpy() - 3) / 12)
    tasks = []
    for i in range(n_series):
        level = rng.uniform(5, 50)
        trend = 1 + rng.uniform(-0.002, 0.006) * np.arange(len(idx))
        y = level * season * trend * rng.lognormal(0, 0.05, len(idx))
        s = pd.Series(y, index=idx)
        target = float(s["2014"].sum() * rng.uniform(0.95, 1.10))
        tasks.append(
            SeriesTask.from_series(
                f"s{i:05d}", s, target=target, as_of="2015-09",
                methods=methods, n_paths=paths, seed=1, sampler="plain",
            )
        )  # fmt: skip
    return tasks


def timed(tasks: list[SeriesTask], client: object | None) -> tuple[float, list]:
    t0 = time.perf_counter()
    out = run_tasks(tasks, client=client)
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--paths", type=int, default=100_000)
    ap.add_argument("--methods", default="iid-normal,seasonal")
    ap.add_argument("--compare-at", type=int, default=1000, help="size run both ways")
    args = ap.parse_args()
    methods = tuple(args.methods.split(","))
    load_start = os.getloadavg()[0]
    from dask.distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    startup = time.perf_counter() - t0
    print(f"LocalCluster start: {startup:.1f} s (not in the times below)")
    rows = []
    for n in args.sizes:
        tasks = make_tasks(n, paths=args.paths, methods=methods)
        modes: list[int | None] = [None, 2] if n == args.compare_at else [2]
        results = {}
        for workers in modes:
            secs, out = timed(tasks, None if workers is None else client)
            results[workers] = out
            label = "in-process" if workers is None else f"LocalCluster {workers} workers"
            rows.append((n, label, secs, secs / n * 1000))
            print(f"{n:>6} series  {label:<24} {secs:8.1f} s  {secs / n * 1000:7.1f} ms/series")
        if len(results) == 2:
            same = results[None] == results[2]
            print(f"identical results in-process vs cluster: {same}")
            rows.append((n, "identical results in-process vs cluster", float(same), np.nan))
    lines = [
        "## Portfolio scale: in process vs Dask LocalCluster",
        "",
        f"Command: `python benchmarks/portfolio_dask.py --sizes {' '.join(map(str, args.sizes))}"
        f" --paths {args.paths}`  ",
        f"Machine: {machine()}  ",
        f"Methods per series: {', '.join(methods)}; {args.paths:,} paths each; one run each "
        "(single timings: the whole run is the unit).",
        "",
        f"LocalCluster start-up ({startup:.1f} s) is excluded from the cluster times. "
        f"1-minute load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the "
        "end (shared machine).",
        "",
        "| series | mode | wall time (s) | ms per series |",
        "|---:|---|---:|---:|",
    ]
    base = {r[0]: r[2] for r in rows if r[1].startswith("in-process")}
    for n, label, secs, per in rows:
        if label.startswith("identical"):
            lines.append(f"| {n} | results identical in-process vs cluster | {bool(secs)} | |")
        else:
            lines.append(f"| {n} | {label} | {secs:.1f} | {per:.1f} |")
    cl = {r[0]: r[2] for r in rows if r[1].startswith("LocalCluster")}
    if args.compare_at in base and args.compare_at in cl:
        lines += ["", f"Speed-up of the 2-worker cluster at {args.compare_at} series: "
                  f"{base[args.compare_at] / cl[args.compare_at]:.2f}x."]  # fmt: skip
    sizes = sorted(cl)
    if len(sizes) >= 2:
        per = [cl[n] / n * 1000 for n in sizes]
        lines += ["", "Growth (cluster): " + ", ".join(
            f"{n:,} series {p:.1f} ms/series" for n, p in zip(sizes, per, strict=True)
        ) + " (constant ms/series = linear)."]  # fmt: skip
    client.close()
    cluster.close()
    write_section("portfolio_dask", "\n".join(lines))


if __name__ == "__main__":
    main()
