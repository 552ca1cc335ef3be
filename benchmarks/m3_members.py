"""Per-series forecasts of AutoForecaster's candidate members on M3 monthly, cached.

AutoForecaster's combination rule was chosen from these caches: for every one of the 1,428
M3 monthly series and every member it stores the 18-month forecast from the whole training
part (mean, 10% and 90% quantiles) and the forecast of a fresh fit at a validation origin
``n - 18`` (mean), so combination rules can be scored in seconds instead of refitting.
Choosing the rule on the M3 test months is a selection on the benchmark data itself, and
BENCHMARKS.md says so.

Usage::

    python benchmarks/m3_members.py compute --members theta,ets,lstm --workers 1
    python benchmarks/m3_members.py score --members ets,theta,lstm

Caches go to ``artifacts/m3_members/<member>.npz`` (git-ignored).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.m3_monthly import H, load_series

CACHE = Path(__file__).resolve().parent.parent / "artifacts" / "m3_members"


def _init_worker() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    warnings.filterwarnings("ignore")


def _forecast(name: str, x: np.ndarray) -> tuple[np.ndarray, float]:
    from forecast.auto import make_member

    y = pd.Series(x, index=pd.period_range("2000-01", periods=x.size, freq="M"))
    c0 = time.process_time()
    try:
        fc = make_member(name).fit(y).predict(H, quantiles=(0.1, 0.9)).to_numpy().T
    except Exception:  # a failed member is recorded as NaN (Auto leaves it out)
        fc = np.full((3, H), np.nan)
    return fc, time.process_time() - c0


def _job(args: tuple[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, float]:
    name, x = args
    full, cpu = _forecast(name, x)
    val = np.full((3, H), np.nan)
    if x.size - H >= 24:
        val, cpu2 = _forecast(name, x[: x.size - H])
        cpu += cpu2
    return full, val, cpu


def compute(members: list[str], workers: int) -> None:
    series, _ = load_series(None)
    CACHE.mkdir(parents=True, exist_ok=True)
    for name in members:
        t0 = time.perf_counter()
        jobs = [(name, x) for _, x, _ in series]
        with ProcessPoolExecutor(workers, initializer=_init_worker) as pool:
            out = list(pool.map(_job, jobs, chunksize=8))
        full = np.stack([o[0] for o in out])
        val = np.stack([o[1] for o in out])
        cpu = np.array([o[2] for o in out])
        np.savez(CACHE / f"{name}.npz", full=full, val=val, cpu=cpu)
        print(f"{name}: {time.perf_counter() - t0:.0f} s wall, {cpu.mean():.3f} s CPU/series")


def _smape(a: np.ndarray, f: np.ndarray) -> np.ndarray:
    return np.mean(200 * np.abs(a - f) / (np.abs(a) + np.abs(f)), axis=-1)


def score(members: list[str]) -> None:
    from forecast.metrics import mase

    series, _ = load_series(None)
    test = np.stack([xx for _, _, xx in series])
    val_actual = [x[x.size - H :] for _, x, _ in series]
    data = {m: np.load(CACHE / f"{m}.npz") for m in members}
    full = np.stack([data[m]["full"][:, 0] for m in members])  # (k, n, h)
    val = np.stack([data[m]["val"][:, 0] for m in members])
    verr = np.stack([_smape(np.stack(val_actual), val[k]) for k in range(len(members))])
    for k, m in enumerate(members):
        print(f"{m:8s} sMAPE {np.nanmean(_smape(test, full[k])):6.3f}")

    def report(label: str, fc: np.ndarray) -> None:
        s = _smape(test, fc)
        ms = np.mean([mase(xx, f, x, 12) for (_, x, xx), f in zip(series, fc, strict=True)])
        print(f"{label:28s} sMAPE {np.mean(s):6.3f}  MASE {ms:.4f}")

    report("mean", np.nanmean(full, axis=0))
    report("median", np.nanmedian(full, axis=0))
    ok = np.isfinite(verr)
    inv = np.where(ok, 1 / np.maximum(np.where(ok, verr, 1), 1e-6), 0)
    nov = ~ok.any(axis=0)
    inv[:, nov] = 1
    w = inv / inv.sum(axis=0)
    report("inverse", np.einsum("kn,knh->nh", w, np.nan_to_num(full)))
    for power in (2, 0.5):
        wp = inv**power / (inv**power).sum(axis=0)
        report(f"inverse^{power}", np.einsum("kn,knh->nh", wp, np.nan_to_num(full)))
    best = np.argmin(np.where(ok, verr, np.inf), axis=0)
    report("select", full[best, np.arange(full.shape[1])])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("compute", "score"))
    ap.add_argument("--members", default="ets,theta,lstm")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    members = [m.strip() for m in args.members.split(",") if m.strip()]
    if args.action == "compute":
        compute(members, args.workers)
    else:
        score(members)


if __name__ == "__main__":
    main()
