"""Variants of the anomaly autoencoder scored on the *calibration half* of anomaly_m3 only.

A study script (it writes nothing): the same injection as ``benchmarks/anomaly_m3.py``
(seed 0), the even-position M3 monthly training parts only (the half on which choices may
be made), every ``--step``-th of them. Each variant's threshold is the 95th percentile of its
own clean-month scores, so the recall column is "recall at 5% false flags" on that half.

Variants, all with the shipped networks (``forecast/data/anomaly_ae_m3``, pretrained on
the seasonally adjusted windows of the same half):

- ``median_norm``: a median seasonal profile taken out (per month of the year, the median
  of the history less its centred 13-month rolling median) and each month's error the mean
  of its window-normalised errors (the detector before this study);
- ``stl_norm``: the robust STL seasonal part taken out instead, errors as before;
- ``stl_units``: that, residuals in the history's units
  (:func:`forecast.anomaly_net.reconstruct`), no refining pass;
- ``shipped``: :class:`forecast.AutoencoderDetector` as it is (``stl_units`` plus one
  refining pass); ``refine2``: two passes; ``finetune50``: fine-tuned 50 Adam steps;
- ``stl``: the robust STL baseline.

Usage::

    nice python benchmarks/anomaly_ae_variants.py [--step 2] [--variants shipped,stl]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.anomaly_m3 import FPR, inject, m3_monthly_parts
from forecast import AutoencoderDetector, detect_anomalies
from forecast.anomaly_net import sliding_windows
from forecast.anomaly_pretrained import load_autoencoders
from forecast.anomaly_result import robust_z
from forecast.anomaly_stl import seasonal_adjust

ALL = "median_norm,stl_norm,stl_units,shipped,refine2,finetune50,stl"


def median_adjust(y: np.ndarray, period: int = 12) -> np.ndarray:
    """``y`` less a per-position median profile of ``y`` less its centred rolling median."""
    k = period + 1
    trend = pd.Series(y).rolling(k, center=True, min_periods=k // 2 + 1).median().to_numpy()
    pos = np.arange(y.size) % period
    profile = np.array([np.nanmedian((y - trend)[pos == j]) for j in range(period)])
    return y - (profile - profile.mean())[pos]


def window_of(n: int) -> int:
    fits = [w for w in (12, 24, 36) if n >= 2 * w]
    return fits[-1] if fits else 12


def normalised_errors(net: object, a: np.ndarray) -> np.ndarray:
    """Each month's mean window-normalised error (the scoring before this study)."""
    w = window_of(a.size)
    X = sliding_windows(a, w)[0]
    err = X - net[w].forward(X)  # type: ignore[index]
    total, count = np.zeros(a.size), np.zeros(a.size)
    for j in range(w):
        total[j : j + X.shape[0]] += err[:, j]
        count[j : j + X.shape[0]] += 1
    return np.abs(robust_z(total / count))


def variants() -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    nets = load_autoencoders("m3")

    def detector(**params: object) -> Callable[[np.ndarray], np.ndarray]:
        def score(y: np.ndarray) -> np.ndarray:
            s = pd.Series(y, index=pd.period_range("2000-01", periods=y.size, freq="M"))
            return AutoencoderDetector(**params).fit(s).result_.scores.to_numpy()  # type: ignore[arg-type]

        return score

    def stl(y: np.ndarray) -> np.ndarray:
        s = pd.Series(y, index=pd.period_range("2000-01", periods=y.size, freq="M"))
        return detect_anomalies(s, "stl").scores.to_numpy()

    return {
        "median_norm": lambda y: normalised_errors(nets, median_adjust(y)),
        "stl_norm": lambda y: normalised_errors(nets, seasonal_adjust(y, 12)),
        "stl_units": detector(refine=0), "shipped": detector(), "refine2": detector(refine=2),
        "finetune50": detector(epochs=50), "stl": stl,
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--step", type=int, default=1, help="every STEP-th calibration series")
    ap.add_argument("--variants", default=ALL)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    data = m3_monthly_parts()
    rng = np.random.default_rng(0)  # drawn over all series in order, as anomaly_m3 does
    injected = [(i, inject(x, rng)) for i, x in enumerate(data)]
    picked = [out for i, out in injected if out is not None and i % 2 == 0][:: args.step]
    label = np.concatenate([lab for _, lab in picked])
    table = variants()
    print("| variant | series | recall | spikes | shift months | threshold | CPU ms/series |")
    print("|---|---|---|---|---|---|---|")
    for name in args.variants.split(","):
        c0 = time.process_time()
        sc = np.concatenate([table[name](y) for y, _ in picked])
        thr = float(np.quantile(sc[label == 0], 1 - FPR))
        f = sc > thr
        ms = 1000 * (time.process_time() - c0) / len(picked)
        print(f"| {name} | {len(picked)} | {f[label > 0].mean():.3f} | {f[label == 1].mean():.3f} "
              f"| {f[label == 2].mean():.3f} | {thr:.2f} | {ms:.1f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
