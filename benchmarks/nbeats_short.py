"""Short histories: the pretrained N-BEATS zero-shot and fine-tuned vs a local LSTM, ETS
and seasonal naive on M3 monthly series cut to their last 24 training months.

For every series (all 1,428, or ``--limit N`` evenly spaced): keep the last ``--months``
values of the training part ``x``, fit, forecast the 18 test months ``xx`` and score
sMAPE and MASE (scale: the seasonal naive errors of the cut history, m = 12); seconds =
wall time of fit + predict per series in a worker. The pretrained networks never saw
``xx`` (tools/train_nbeats_m3.py trains on ``x`` only), but they did see these series'
training months - the zero-shot row is "new origin of known series", not "unseen series".

Usage::

    nice python benchmarks/nbeats_short.py --limit 300 --workers 2
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._report import machine, write_section
from benchmarks.m3_monthly import load_series

H = 18
MODELS = ("nbeats", "nbeats-tuned", "lstm", "ets", "snaive")


def _init_worker() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    warnings.filterwarnings("ignore")


def evaluate(job: tuple[str, str, np.ndarray, np.ndarray]) -> dict[str, Any]:
    from forecast import make_model
    from forecast.metrics import mase, smape

    name, sn, x, xx = job
    y = pd.Series(x, index=pd.period_range("2000-01", periods=x.size, freq="M"))
    t0 = time.perf_counter()
    mean = make_model(name).fit(y).predict(H, quantiles=None)["mean"].to_numpy()
    wall = time.perf_counter() - t0
    return {"model": name, "series": sn, "smape": smape(xx, mean), "mase": mase(xx, mean, x, 12),
            "wall": wall}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    names = [m.strip() for m in args.models.split(",") if m.strip()]
    series, _ = load_series(args.limit)
    series = [(sn, x[-args.months :], xx) for sn, x, xx in series]
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    rows = []
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_init_worker) as pool:
        for name in names:
            t0 = time.perf_counter()
            jobs = [(name, sn, x, xx) for sn, x, xx in series]
            rows += list(pool.map(evaluate, jobs, chunksize=4))
            print(f"{name}: {time.perf_counter() - t0:.0f} s", flush=True)
    df = pd.DataFrame(rows)
    table = df.groupby("model", sort=False).agg(
        series=("series", "size"), smape=("smape", "mean"), mase=("mase", "mean"),
        wall_s=("wall", "mean"),
    )  # fmt: skip
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    if args.no_write:
        return 0
    lines = [
        f"## Short histories ({args.months} months): N-BEATS zero-shot and fine-tuned vs local "
        "models",
        "",
        f"Command: `nice python benchmarks/nbeats_short.py --limit {args.limit} "
        f"--workers {args.workers}` ({stamp}). M3 monthly series "
        f"({len(series)} evenly spaced of 1,428) cut to the last {args.months} months of their "
        "training part, 18-month forecasts scored on the test part; MASE scaled by the seasonal "
        "naive errors of the cut history; seconds = wall time of fit + predict per series in "
        "a worker (2 workers, machine shared with other helpers). nbeats-tuned = "
        "`NBeats(fine_tune=30)`: early stopping on the last 6 of the 24 months.",
        "",
        "| model | series | sMAPE | MASE | s/series wall |",
        "|---|---|---|---|---|",
    ]
    for name, r in table.iterrows():
        lines.append(
            f"| {name} | {int(r['series'])} | {r['smape']:.2f} | {r['mase']:.3f} | "
            f"{r['wall_s']:.3f} |"
        )
    lines += [
        "",
        "The pretrained networks saw these series' training months (not their test months), "
        "so the zero-shot row measures a new forecast origin of known series.",
        "",
        f"Machine: {machine()}",
    ]
    write_section("nbeats_short", "\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
