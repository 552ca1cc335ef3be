"""Batch report: a scheduled rerun with the backtest cache vs the first run.

``riskcast report`` backtests every (series, method) and stores each backtest in the
history database under a key of everything it depends on. This measures, on one synthetic
portfolio (seasonal series with trend and noise, seed 12345), three kinds of run through
:func:`riskcast.report.run_report` exactly as the command makes them:

- **cold**: a fresh history database, every backtest computed;
- **cached**: the same inputs again, every backtest read from the database;
- **no backtest** (the peer): ``backtest = false``, the P(hit) runs alone.

Each kind is run ``--repeat`` times (a fresh database for each cold run); medians are
reported, and the results of the cold and cached runs are compared for equality.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._report import machine, write_section
from forecast import backtest_years
from riskcast.report import load_config, run_report


def write_project(folder: Path, n_series: int, *, paths: int, backtest: bool) -> Path:
    rng = np.random.default_rng(12345)
    idx = pd.period_range("2006-01", "2015-12", freq="M")
    season = 1 + 0.15 * np.sin(2 * np.pi * (idx.month.to_numpy() - 3) / 12)
    rows, targets = [], []
    for i in range(n_series):
        level = rng.uniform(5, 50)
        trend = 1 + rng.uniform(-0.002, 0.006) * np.arange(len(idx))
        y = level * season * trend * rng.lognormal(0, 0.05, len(idx))
        sid = f"s{i:04d}"
        rows += [(sid, str(p), v) for p, v in zip(idx, y, strict=True)]
        targets.append(f"{sid} = {float(y[-24:-12].sum() * rng.uniform(0.95, 1.10)):.2f}")
    pd.DataFrame(rows, columns=["series_id", "date", "value"]).to_csv(
        folder / "sales.csv", index=False
    )
    cfg = folder / "risk.toml"
    cfg.write_text(
        '[data]\npath = "sales.csv"\n\n[run]\nas_of = "2015-09"\n'
        'methods = ["iid-normal", "seasonal", "bootstrap"]\n'
        f"paths = {paths}\nseed = 1\nbacktest = {str(backtest).lower()}\n\n"
        "[targets]\n" + "\n".join(targets) + '\n\n[output]\ndir = "out"\n'
    )
    return cfg


def timed(cfg: Path) -> tuple[float, float, pd.DataFrame, tuple[int, int]]:
    """(whole run s, compute phase s, results, (backtests computed, from the cache))."""
    t0 = time.perf_counter()
    out = run_report(load_config(cfg))
    whole = time.perf_counter() - t0
    return whole, out.seconds["compute"], out.results, (
        out.backtests_computed, out.backtests_cached)  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--series", type=int, default=20)
    ap.add_argument("--paths", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="print only (smoke runs)")
    args = ap.parse_args()
    load_start = os.getloadavg()[0]
    kinds = ("cold", "cached", "no backtest")
    whole: dict[str, list[float]] = {k: [] for k in kinds}
    compute: dict[str, list[float]] = {k: [] for k in kinds}
    counts: dict[str, tuple[int, int]] = {}
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            folder, peer = Path(tmp) / f"r{r}", Path(tmp) / f"p{r}"
            folder.mkdir()
            peer.mkdir()
            cfg = write_project(folder, args.series, paths=args.paths, backtest=True)
            runs = {
                "cold": timed(cfg),
                "cached": timed(cfg),
                "no backtest": timed(
                    write_project(peer, args.series, paths=args.paths, backtest=False)
                ),
            }
            for kind, (w, c, _, n) in runs.items():
                whole[kind].append(w)
                compute[kind].append(c)
                counts[kind] = n
            same = same and runs["cold"][2].equals(runs["cached"][2])
            print(", ".join(f"{k} {compute[k][-1]:.1f} / {whole[k][-1]:.1f} s" for k in kinds))
    med_w = {k: statistics.median(v) for k, v in whole.items()}
    med_c = {k: statistics.median(v) for k, v in compute.items()}
    years = backtest_years(pd.Series(0.0, index=pd.period_range("2006-01", "2015-12", freq="M")),
                           "2015-09")  # fmt: skip
    lines = [
        "## Batch report: rerun with the backtest cache",
        "",
        f"Command: `python benchmarks/report_cache.py --series {args.series} --paths "
        f"{args.paths} --repeat {args.repeat}`  ",
        f"Machine: {machine()}  ",
        f"Portfolio: {args.series} synthetic seasonal series (2006-2015, seed 12345), methods "
        f"iid-normal, seasonal, bootstrap, {args.paths:,} paths each, backtest 4,000 paths per "
        f"method and year (years {years[0]}-{years[-1]}), as of 2015-09, in process. The three "
        f"kinds of run alternate; medians of {args.repeat} runs each. The compute phase is the "
        "answers and backtests of every series (`ReportOutcome.seconds['compute']`); the "
        "whole run adds reading the data, rendering the HTML (about the same for every kind) "
        f"and publishing. 1-minute load average {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end (shared machine).",
        "",
        "| run | backtests computed / from the cache | compute phase (s) | vs no backtest "
        "| whole run (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in kinds:
        c = counts.get(kind, (0, 0))
        ratio = med_c[kind] / med_c["no backtest"]
        lines.append(
            f"| {kind} | {c[0]} / {c[1]} | {med_c[kind]:.1f} | {ratio:.2f}x | {med_w[kind]:.1f} |"
        )
    lines += [
        "",
        f"The cached rerun's compute phase takes {med_c['cached'] / med_c['cold']:.2f}x the cold "
        f"run's; its results are {'identical' if same else 'NOT identical'} to the cold run's.",
    ]
    if not args.no_write:
        write_section("report_cache", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
