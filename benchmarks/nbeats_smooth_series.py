"""Study: where does the pretrained N-BEATS lose to Theta - on smooth or on noisy series?

A study script on validation windows only (``benchmarks/collections.py --holdout``: the
last ``h`` values of every training part held out, the test parts ``xx`` never read).
Every series of the chosen collections is forecast by ``NBeats(pretrained=...)`` zero-shot
and by ``Theta()``; the series are cut into quintiles of their noise level (mean absolute
first difference of the fitted values over their mean absolute value) and each quintile
shows the mean MASE of both and their ratio (N-BEATS over Theta, < 1: N-BEATS better).

With only mean-scaled networks (the file before session 28) the smoothest quintiles were
N-BEATS's worst (ratio 1.12 on M3 monthly against 0.96 on the noisiest): a window scaled
by its mean absolute value varies by a percent around 1 and the networks' error at that
level (a few percent) swamps it. The standardising networks (``NBeatsNet(standardize=
True)``) read such a window at the size of its own variation. BENCHMARKS.md, section
``nbeats_m3``, has the numbers of both files.

``--co2`` instead forecasts a smooth weekly series, statsmodels' Mauna Loa CO2 record
(2,284 weeks, gaps interpolated; weekly series use the "other" group), 13 weeks ahead from
three origins, by N-BEATS zero-shot and fine-tuned (``fine_tune=20``), Theta and seasonal
naive (lag 52), and prints the mean absolute error of each.

Usage::

    nice python benchmarks/nbeats_smooth_series.py --workers 2 \
        --collections m3-monthly,m1-monthly,m3-quarterly,m3-other [--pretrained FILE]
    python benchmarks/nbeats_smooth_series.py --co2 [--pretrained FILE]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.collections import COLLECTIONS, load_collection

#: Quintiles of the noise level.
BINS = 5


def _job(args: tuple[str, str | None, str, np.ndarray, np.ndarray, int, int]) -> dict[str, Any]:
    from forecast import NBeats, Theta
    from forecast.metrics import mase

    warnings.filterwarnings("ignore")
    coll, pretrained, _, x, xx, h, m = args
    spec = COLLECTIONS[coll]
    y = pd.Series(x, index=pd.period_range(spec.start, periods=x.size, freq=spec.freq))
    extra = {"group": spec.group} if spec.group else {}
    nbeats = NBeats(pretrained=pretrained, **extra) if pretrained else NBeats(**extra)
    out: dict[str, Any] = {"collection": coll}
    out["noise"] = float(np.mean(np.abs(np.diff(x))) / np.mean(np.abs(x)))
    for name, model in (("nbeats", nbeats), ("theta", Theta())):
        try:
            fc = model.fit(y).predict(h, quantiles=None)["mean"].to_numpy()
            out[name] = mase(xx, fc, x, m)
        except Exception:  # measured, not asserted: the series is left out
            out[name] = np.nan
    return out


def co2_check(pretrained: str | None) -> None:
    """MAE of 13-week forecasts of the weekly CO2 record from three origins."""
    import statsmodels.api as sm

    from forecast import NBeats, SeasonalNaive, Theta

    raw = sm.datasets.co2.load_pandas().data["co2"].interpolate()
    y = pd.Series(raw.to_numpy(), index=pd.PeriodIndex(raw.index, freq="W"))
    extra = {"pretrained": pretrained} if pretrained else {}
    models = {
        "nbeats": lambda: NBeats(**extra),
        "nbeats fine_tune=20": lambda: NBeats(fine_tune=20, **extra),
        "theta": Theta,
        "snaive": SeasonalNaive,
    }
    h = 13
    print(f"pretrained: {pretrained or 'shipped'}; weekly CO2, {h} weeks ahead, MAE (ppm)")
    for origin in (1500, 1800, 2100):
        train, test = y.iloc[:origin], y.iloc[origin : origin + h].to_numpy()
        maes = {}
        for name, make in models.items():
            fc = make().fit(train).predict(h, quantiles=None)["mean"].to_numpy()
            maes[name] = float(np.mean(np.abs(fc - test)))
        print(f"origin {train.index[-1]}: " + ", ".join(f"{k} {v:.3f}" for k, v in maes.items()))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collections", default="m3-monthly,m1-monthly,m3-quarterly,m3-other")
    ap.add_argument("--pretrained", default=None, help="a pretrained file (default: shipped)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--co2", action="store_true", help="the weekly CO2 check instead")
    args = ap.parse_args(argv)
    if args.co2:
        co2_check(args.pretrained)
        return 0
    names = [c.strip() for c in args.collections.split(",") if c.strip()]
    unknown = sorted(set(names) - set(COLLECTIONS))
    if unknown:
        ap.error(f"--collections: unknown {unknown}; known {sorted(COLLECTIONS)}")
    jobs = [(c, args.pretrained, *s) for c in names for s in load_collection(c, None, holdout=True)]
    with ProcessPoolExecutor(args.workers) as ex:
        rows = pd.DataFrame(list(ex.map(_job, jobs, chunksize=8))).dropna()
    print(f"pretrained: {args.pretrained or 'shipped'}")
    for coll in names:
        g = rows[rows.collection == coll]
        q = pd.qcut(g.noise, BINS, labels=False)
        t = g.groupby(q).agg(
            noise=("noise", "median"), nbeats=("nbeats", "mean"), theta=("theta", "mean")
        )
        t["ratio"] = t.nbeats / t.theta
        t.index.name = "quintile"
        print(f"{coll} ({len(g)} series)")
        print(t.round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
