"""Compare forecast.ARIMA with R's auto.arima on M3 monthly series (dev tool, not a test).

Runs R's ``auto.arima`` (default arguments, ``forecast(fit, h = 18)``) through
``tools/r/auto_arima_m3.R`` on the same evenly spaced series as
``benchmarks/m3_monthly.py --limit N``, then our ``ARIMA`` on each, and prints the order
agreement (p, d, q)(P, D, Q) + constant, the sMAPE of both and the series where they differ
most. R's results are cached in a CSV (``--r-csv``) so reruns only refit ours.

Usage::

    python tools/arima_vs_r.py --limit 200                     # R (cached) + ours
    python tools/arima_vs_r.py --limit 200 --r-csv /tmp/r.csv --refresh-r
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.m3_monthly import H, load_series  # noqa: E402
from forecast.arima import ARIMA  # noqa: E402
from forecast.metrics import smape  # noqa: E402


def run_r(series: list[tuple[str, np.ndarray, np.ndarray]], out: Path) -> pd.DataFrame:
    """R's auto.arima on every training part; one row per series."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.csv"
        pd.concat([pd.DataFrame({"series": sn, "value": x}) for sn, x, _ in series]).to_csv(
            src, index=False
        )
        subprocess.run(
            ["Rscript", str(ROOT / "tools" / "r" / "auto_arima_m3.R"), str(src), str(out), str(H)],
            check=True,
        )
    return pd.read_csv(out)


def run_ours(series: list[tuple[str, np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """Our ARIMA on every training part, same columns as run_r."""
    rows = []
    for sn, x, _ in series:
        y = pd.Series(x, index=pd.period_range("2000-01", periods=x.size, freq="M"))
        c0 = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ARIMA().fit(y)
            fc = model.predict(H, None)["mean"].to_numpy()
        p, d, q = model.order_
        P, D, Q, _ = model.seasonal_order_
        row = {"series": sn, "p": p, "d": d, "q": q, "P": P, "D": D, "Q": Q}
        row |= {"constant": int(model.constant_), "aicc": model.aicc_}
        row |= {"cpu": time.process_time() - c0, "n_models": model.n_models_}
        row |= {f"f{i + 1}": v for i, v in enumerate(fc)}
        rows.append(row)
    return pd.DataFrame(rows)


def compare(r: pd.DataFrame, ours: pd.DataFrame, series: list) -> pd.DataFrame:
    """Per-series table: both orders, both sMAPEs."""
    test = {sn: xx for sn, _, xx in series}
    fcols = [f"f{i + 1}" for i in range(H)]
    keys = ["p", "d", "q", "P", "D", "Q", "constant"]
    df = r.merge(ours, on="series", suffixes=("_r", "_py")).set_index("series")
    df["smape_r"] = [smape(test[s], df.loc[s, [c + "_r" for c in fcols]].to_numpy(float))
                     for s in df.index]  # fmt: skip
    df["smape_py"] = [smape(test[s], df.loc[s, [c + "_py" for c in fcols]].to_numpy(float))
                      for s in df.index]  # fmt: skip
    for k in keys:
        df[k + "_eq"] = df[k + "_r"] == df[k + "_py"]
    df["all_eq"] = df[[k + "_eq" for k in keys]].all(axis=1)
    df["order_r"] = [_label(df.loc[s], "_r") for s in df.index]
    df["order_py"] = [_label(df.loc[s], "_py") for s in df.index]
    return df


def _label(row: pd.Series, sfx: str) -> str:
    g = [int(row[k + sfx]) for k in ("p", "d", "q", "P", "D", "Q", "constant")]
    return f"({g[0]},{g[1]},{g[2]})({g[3]},{g[4]},{g[5]}){'c' if g[6] else ''}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=200)
    ap.add_argument("--r-csv", default=None, help="cache of R's results (default /tmp/...)")
    ap.add_argument("--refresh-r", action="store_true", help="rerun R even if cached")
    ap.add_argument("--show", type=int, default=15, help="worst disagreements to list")
    ap.add_argument("--save", default=None, help="write the per-series table to this CSV")
    args = ap.parse_args(argv)
    series, _ = load_series(args.limit)
    r_csv = Path(args.r_csv or f"/tmp/auto_arima_r_m3_{args.limit}.csv")
    if args.refresh_r or not r_csv.exists():
        t0 = time.perf_counter()
        r = run_r(series, r_csv)
        print(f"R: {time.perf_counter() - t0:.0f} s", flush=True)
    else:
        r = pd.read_csv(r_csv)
    ours = run_ours(series)
    df = compare(r, ours, series)
    n = len(df)
    print(f"series: {n}")
    for k in ("d", "D", "p", "q", "P", "Q", "constant"):
        print(f"  {k:8s} agree {df[k + '_eq'].mean():6.1%}")
    print(f"  all orders + constant agree: {df['all_eq'].mean():.1%}")
    print(f"sMAPE R {df['smape_r'].mean():.3f}  ours {df['smape_py'].mean():.3f}")
    same = df["all_eq"]
    print(
        f"  where orders agree ({same.sum()}): R {df.loc[same, 'smape_r'].mean():.3f} ours "
        f"{df.loc[same, 'smape_py'].mean():.3f}; differ ({(~same).sum()}): R "
        f"{df.loc[~same, 'smape_r'].mean():.3f} ours {df.loc[~same, 'smape_py'].mean():.3f}"
    )
    print(f"CPU s/series: R {df['cpu_r'].mean():.3f} ours {df['cpu_py'].mean():.3f}")
    print(f"AICc ours - R where orders agree: median "
          f"{(df.loc[same, 'aicc_py'] - df.loc[same, 'aicc_r']).median():.4f}")  # fmt: skip
    gap = (df["smape_py"] - df["smape_r"]).sort_values(ascending=False)
    cols = ["order_r", "order_py", "aicc_r", "aicc_py", "smape_r", "smape_py"]
    print(df.loc[gap.index[: args.show], cols].to_string(float_format=lambda v: f"{v:.2f}"))
    if args.save:
        df.to_csv(args.save)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
