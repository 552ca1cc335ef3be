"""Per-series forecasts of AutoForecaster's candidate members on M3 monthly, cached.

Two modes:

* ``--validation`` (how AutoForecaster's default was chosen): the test months ``xx`` are
  never used. Each monthly training part ``x`` is cut into ``t = x[:-18]`` and the
  validation window ``v = x[-18:]``. For every series and candidate, ``AutoForecaster``
  with that one member is fitted on ``t`` exactly as the combination fits it (the member
  on ``t``, its inner validation refit at ``len(t) - vh``), so the cache holds what a
  combination rule needs: the member's 18-month mean forecast of ``v``, the inner
  validation sMAPE the weights are made from, the PIT of each actual of ``v`` under the
  member's sample paths (mixture coverage is ``sum_k w_k * PIT_k`` in [0.1, 0.9]) and the
  CPU seconds of fit + validation + predict. ``score --validation`` then scores every
  subset of the candidates under every combination rule on ``v`` and applies the
  selection rule stated in :func:`choose`.
* without it (kept for reference): the forecast of the test months from the whole
  training part, and a fresh fit at ``n - 18``; choosing on these is a selection on the
  benchmark itself (what the previous default did, BENCHMARKS.md says so).

Usage::

    python benchmarks/m3_members.py compute --validation --members ets,theta,nbeats --workers 2
    python benchmarks/m3_members.py score --validation --members ets,theta,arima,nbeats
    python benchmarks/m3_members.py compute --members theta,ets,lstm --workers 1  # test mode
    python benchmarks/m3_members.py weights --members nbeats,theta,arima,ets  # a study
    python benchmarks/m3_members.py compute --validation --members nbeats-nested \
        --limit 714 --nested /tmp/nest/n.json   # N-BEATS at a nested origin, see NESTED

``weights`` (validation caches only) checks whether one weight per member for all series
would beat the per-series weights: see :func:`fixed_weights`.

Caches go to ``artifacts/m3_members/<member>.npz`` and
``artifacts/m3_members/validation/<member>.npz`` (git-ignored); ``score --validation``
writes its table to ``artifacts/m3_members/validation/choice.json``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

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


def _job(args: tuple[str, np.ndarray]) -> dict[str, Any]:
    name, x = args
    full, cpu = _forecast(name, x)
    val = np.full((3, H), np.nan)
    if x.size - H >= 24:
        val, cpu2 = _forecast(name, x[: x.size - H])
        cpu += cpu2
    return {"full": full, "val": val, "cpu": cpu}


def _cache_member(
    name: str, job: Any, series: list[Any], dest: Path, workers: int, **extra: np.ndarray
) -> dict[str, np.ndarray]:
    """Run ``job`` on every series for one member in ``workers`` processes and write the
    stacked outputs (and ``extra``) to ``dest/<name>.npz`` atomically; prints the time."""
    t0 = time.perf_counter()
    jobs = [(name, x) for _, x, _ in series]
    with ProcessPoolExecutor(workers, initializer=_init_worker) as pool:
        out = list(pool.map(job, jobs, chunksize=8))
    arrays = {k: np.stack([np.asarray(o[k], float) for o in out]) for k in out[0]}
    arrays.update(extra)
    dest.mkdir(parents=True, exist_ok=True)
    tmp = dest / f".{name}.tmp.npz"
    np.savez(tmp, **arrays)
    tmp.replace(dest / f"{name}.npz")
    print(
        f"{name}: {time.perf_counter() - t0:.0f} s wall, {arrays['cpu'].mean():.3f} s CPU/"
        f"series, load {os.getloadavg()[0]:.1f}",
        end="",
        flush=True,
    )
    return arrays


def compute(members: list[str], workers: int) -> None:
    series, _ = load_series(None)
    for name in members:
        _cache_member(name, _job, series, CACHE, workers)
        print()


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


# --------------------------------------------------------------------- validation mode
VCACHE = CACHE / "validation"
#: Sample paths per member and series for the PIT of the validation actuals.
PATHS = 500
#: Combination rules of AutoForecaster scored by ``score --validation``.
RULES = ("mean", "inverse", "trimmed", "select")
#: The previous default's members: an eligible combination costs at most their cached CPU
#: seconds per series, measured in the same run (issue 12: the whole Auto run no slower
#: than the previous default's 7.5 min on 2 cores).
REFERENCE = ("ets", "arima", "theta", "gru")
#: Validation 80% coverage an eligible combination must reach (issue 12's band).
COVERAGE = (0.78, 0.85)
#: Among eligible combinations within this many sMAPE points of the best one, the one with
#: the fewest members (then the least CPU) is chosen: the differences are within selection
#: noise, and fewer members cost less.
TOLERANCE = 0.03


def _val_job(args: tuple[str, np.ndarray]) -> dict[str, Any]:
    """AutoForecaster with the one member ``name`` fitted on ``x[:-18]``, scored on ``x[-18:]``."""
    from forecast.auto import AutoForecaster

    name, x = args
    train, actual = x[: x.size - H], x[x.size - H :]
    y = pd.Series(train, index=pd.period_range("2000-01", periods=train.size, freq="M"))
    nan = np.full(H, np.nan)
    c0 = time.process_time()
    try:
        auto = AutoForecaster(members=[_member(name)]).fit(y)
        (key,) = auto.members_
        member = auto.members_[key]
        mean = member.predict(H, quantiles=None)["mean"].to_numpy()
        paths = member.sample_paths(H, PATHS, np.random.default_rng(0))
        inner = float(auto.validation_.get(key, np.nan))
    except Exception:  # a member that cannot fit the series is left out, as in Auto
        return {
            "mean": nan,
            "pit": nan,
            "lo": nan,
            "hi": nan,
            "inner": np.nan,
            "cpu": time.process_time() - c0,
        }
    cpu = time.process_time() - c0
    pit = np.mean(paths < actual, axis=0) + 0.5 * np.mean(paths == actual, axis=0)
    lo, hi = np.quantile(paths, (0.1, 0.9), axis=0)
    return {"mean": mean, "pit": pit, "lo": lo, "hi": hi, "inner": inner, "cpu": cpu}


#: N-BEATS from networks trained at a nested origin: without the last 36 months of every
#: training part, early-stopped on the 18 before them (``tools/train_nbeats_m3.py
#: --drop-last 18``, the file named by ``--nested``). For the shipped networks the inner
#: window of these validation fits (``x[-36:-18]``) was training data and ``x[-18:]`` their
#: early-stopping window, so their validation weights and scores are optimistic; the nested
#: networks stand to ``x[-36:-18]`` and ``x[-18:]`` as the shipped ones stand, at the test
#: origin, to Auto's inner window ``x[-18:]`` and the test months.
NESTED = "nbeats-nested"


def _member(name: str) -> Any:
    """The name, or for :data:`NESTED` an ``NBeats`` on the file of ``--nested``."""
    if name != NESTED:
        return name
    from forecast import NBeats

    return NBeats(pretrained=os.environ["RISKCAST_NESTED_NBEATS"])


def compute_validation(members: list[str], workers: int, limit: int | None) -> None:
    """Cache every candidate's validation forecasts (the test parts are never used);
    ``limit`` takes that many evenly spaced series (their positions are stored)."""
    series, picks = load_series(limit)
    for name in members:
        arrays = _cache_member(name, _val_job, series, VCACHE, workers, picks=np.asarray(picks))
        print(f", {int(np.isnan(arrays['mean'][:, 0]).sum())} failed", flush=True)


def _weights(rule: str, fitted: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """AutoForecaster's weights, vectorised: ``fitted`` (n, k) bool, ``inner`` (n, k)
    validation sMAPE (NaN where not validated)."""
    equal = fitted / np.maximum(fitted.sum(axis=1, keepdims=True), 1)
    scored = np.isfinite(inner) & fitted
    if rule == "mean":
        return equal
    val = np.where(scored, inner, np.inf)
    if rule == "inverse":
        w = np.where(scored, 1.0 / np.maximum(np.where(scored, inner, 1.0), 1e-6), 0.0)
    elif rule == "select":
        w = np.zeros_like(equal)
        w[np.arange(w.shape[0]), np.argmin(val, axis=1)] = 1.0
    else:  # trimmed: drop the worst validated member when at least three were validated
        w = scored.astype(float)
        three = scored.sum(axis=1) >= 3
        worst = np.argmax(np.where(scored, inner, -np.inf), axis=1)
        w[np.flatnonzero(three), worst[three]] = 0.0
    w = np.where(scored.any(axis=1, keepdims=True), w, equal)
    return w / np.maximum(w.sum(axis=1, keepdims=True), 1e-300)


def choose(rows: list[dict[str, Any]], budget: float) -> dict[str, Any]:
    """The selection rule, fixed before the scores were seen: among the combinations whose
    cached CPU per series is at most ``budget`` (that of ``REFERENCE``) and whose
    validation 80% coverage lies in ``COVERAGE``, take those within ``TOLERANCE`` sMAPE of
    the best; of these the one with the fewest members, then the least CPU, then the
    lowest sMAPE."""
    lo, hi = COVERAGE
    ok = [r for r in rows if r["cpu"] <= budget and lo <= r["coverage80"] <= hi]
    if not ok:
        raise SystemExit("no combination meets the CPU budget and the coverage band")
    best = min(r["smape"] for r in ok)
    near = [r for r in ok if r["smape"] <= best + TOLERANCE]
    return min(near, key=lambda r: (len(r["members"]), r["cpu"], r["smape"]))


def _validation_arrays(members: list[str]) -> dict[str, Any]:
    """The cached validation forecasts of ``members`` on the series they all cover:
    ``actual`` (n, h), ``scale`` (n,) seasonal-naive MAE, ``mean`` and ``pit`` (n, k, h),
    ``inner`` (n, k) validation sMAPE inside Auto, ``cpu`` (k,) seconds per series."""
    data = {m: dict(np.load(VCACHE / f"{m}.npz")) for m in members}
    common = sorted(set.intersection(*(set(d["picks"].tolist()) for d in data.values())))
    for d in data.values():  # every member on the same series (a --limit run covers fewer)
        pos = {int(p): i for i, p in enumerate(d["picks"])}
        rows_of = [pos[p] for p in common]
        for key in ("mean", "pit", "inner", "cpu"):
            d[key] = d[key][rows_of]
    everything, _ = load_series(None)
    series = [everything[i] for i in common]
    print(f"{len(series)} series")
    actual = np.stack([x[x.size - H :] for _, x, _ in series])
    scale = np.array(
        [np.mean(np.abs(t[12:] - t[:-12])) for t in (x[: x.size - H] for _, x, _ in series)]
    )
    mean = np.stack([data[m]["mean"] for m in members], axis=1)  # (n, k, h)
    pit = np.stack([data[m]["pit"] for m in members], axis=1)
    inner = np.stack([data[m]["inner"] for m in members], axis=1)  # (n, k)
    cpu = np.array([data[m]["cpu"].mean() for m in members])
    return {"actual": actual, "scale": scale, "mean": mean, "pit": pit, "inner": inner, "cpu": cpu}


def score_validation(members: list[str], top: int) -> None:
    """Score every subset x rule on the validation windows; print and store the choice."""
    import itertools
    import json

    v = _validation_arrays(members)
    actual, scale, mean, pit = v["actual"], v["scale"], v["mean"], v["pit"]
    inner, cpu = v["inner"], v["cpu"]
    fitted_all = np.isfinite(mean[:, :, 0])
    mean, pit = np.nan_to_num(mean), np.nan_to_num(pit)

    def metrics(fc: np.ndarray, p: np.ndarray) -> tuple[float, float, float]:
        s = np.mean(200 * np.abs(actual - fc) / (np.abs(actual) + np.abs(fc)), axis=1)
        ms = np.mean(np.abs(actual - fc), axis=1) / scale
        return float(s.mean()), float(ms.mean()), float(np.mean((p >= 0.1) & (p <= 0.9)))

    rows: list[dict[str, Any]] = []
    for size in range(1, len(members) + 1):
        for combo in itertools.combinations(range(len(members)), size):
            idx = list(combo)
            fitted = fitted_all[:, idx]
            for rule in RULES if size > 1 else ("mean",):
                w = _weights(rule, fitted, inner[:, idx])
                fc = np.einsum("nk,nkh->nh", w, mean[:, idx])
                p = np.einsum("nk,nkh->nh", w, pit[:, idx])
                s, ms, cov = metrics(fc, p)
                rows.append(
                    {
                        "members": [members[i] for i in idx],
                        "rule": rule,
                        "smape": s,
                        "mase": ms,
                        "coverage80": cov,
                        "cpu": float(cpu[idx].sum()),
                    }
                )
    rows.sort(key=lambda r: r["smape"])
    missing = [m for m in REFERENCE if m not in members]
    if missing:
        raise SystemExit(f"the CPU budget needs the previous default's members: add {missing}")
    budget = float(sum(cpu[members.index(m)] for m in REFERENCE))
    print(f"CPU budget {budget:.3f} s per series ({'+'.join(REFERENCE)} in these caches)")
    chosen = choose(rows, budget)

    def line(r: dict[str, Any]) -> str:
        cov = 100 * r["coverage80"]
        return (
            f"{'+'.join(r['members']):40s} {r['rule']:8s} sMAPE {r['smape']:6.3f}  MASE "
            f"{r['mase']:.4f}  cov80 {cov:5.1f}%  CPU {r['cpu']:.3f} s"
        )

    print("single members (validation windows x[-18:]):")
    for r in rows:
        if len(r["members"]) == 1:
            print("  " + line(r))
    print(f"best {top} of {len(rows)} combinations:")
    for r in rows[:top]:
        print("  " + line(r))
    print("chosen:\n  " + line(chosen))
    out = {
        "members": members,
        "chosen": chosen,
        "rows": rows,
        "cpu_budget": budget,
        "coverage": COVERAGE,
        "tolerance": TOLERANCE,
    }
    (VCACHE / "choice.json").write_text(json.dumps(out, indent=1))


def fixed_weights(members: list[str], step: float) -> None:
    """Study: one weight per member for every series (a grid of ``step`` on the simplex),
    alone or times the per-series inverse validation sMAPE (``power`` 1, 2), fitted on one
    half of the series and scored on the other (2-fold), against the shipped rule."""
    import itertools

    v = _validation_arrays(members)
    keep = np.isfinite(v["mean"][:, :, 0]).all(axis=1) & np.isfinite(v["inner"]).all(axis=1)
    actual, mean, inner = v["actual"][keep], v["mean"][keep], v["inner"][keep]
    print(f"{keep.sum()} series with every member validated")
    ticks = np.arange(0, 1 + 1e-9, step)
    grid = [w for w in itertools.product(ticks, repeat=len(members)) if abs(sum(w) - 1) < 1e-9]

    def smape(w: Any, rows: np.ndarray, power: float) -> float:
        ww = np.asarray(w)[None, :] / np.maximum(inner[rows], 1e-6) ** power
        fc = np.einsum("nk,nkh->nh", ww / ww.sum(axis=1, keepdims=True), mean[rows])
        a = actual[rows]
        return float(np.mean(200 * np.abs(a - fc) / (np.abs(a) + np.abs(fc))))

    halves = [np.arange(len(actual)) % 2 == k for k in (0, 1)]
    everything = np.ones(len(actual), bool)
    shipped = ("nbeats", "theta", "arima")  # AutoForecaster's default members
    if set(shipped) <= set(members):
        prior = np.array([float(m in shipped) for m in members])
        base = smape(prior, everything, 1.0)
        print(f"default (N-BEATS + Theta + ARIMA, inverse sMAPE): {base:.3f}")
    for power in (0.0, 1.0, 2.0):
        scores, picked = [], []
        for fit, test in (halves, halves[::-1]):
            best = min(grid, key=lambda w: smape(w, fit, power))
            scores.append(smape(best, test, power))
            picked.append("/".join(f"{x:.2f}" for x in best))
        print(f"fixed weights x inverse sMAPE^{power:g}: 2-fold sMAPE {np.mean(scores):.3f} "
              f"(weights {' and '.join(picked)} for {'/'.join(members)})")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("compute", "score", "weights"))
    ap.add_argument("--members", default="ets,theta,lstm")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument(
        "--validation",
        action="store_true",
        help="fit on x[:-18], score on x[-18:] (the test parts are never used)",
    )
    ap.add_argument("--limit", type=int, default=None, help="N evenly spaced series")
    ap.add_argument("--top", type=int, default=25, help="rows printed by score --validation")
    ap.add_argument(
        "--nested",
        type=Path,
        default=None,
        help=f"the nested-origin N-BEATS file of member {NESTED} (compute --validation)",
    )
    args = ap.parse_args()
    members = [m.strip() for m in args.members.split(",") if m.strip()]
    if args.action == "compute" and NESTED in members:
        if args.nested is None or not args.nested.is_file():
            ap.error(f"member {NESTED} needs --nested FILE (an N-BEATS .json); got {args.nested}")
        os.environ["RISKCAST_NESTED_NBEATS"] = str(args.nested.resolve())
    if args.action == "weights":
        fixed_weights(members, 0.05)
    elif args.validation:
        if args.action == "compute":
            compute_validation(members, args.workers, args.limit)
        else:
            score_validation(members, args.top)
    elif args.action == "compute":
        compute(members, args.workers)
    else:
        score(members)


if __name__ == "__main__":
    main()
