"""``riskcast target``: how likely is the year to reach the target?

Fits the candidate distributions to the months up to ``--as-of`` (the fit table), runs
every method of :mod:`riskcast.methods` on the rest of the year, prints P(hit) with its
Monte Carlo standard error and the 95% interval of the year-end total, and with
``--backtest`` the calibration summary (which methods were honest in past years).
Without ``--data`` the bundled sample (monthly units 2000-2015) is used.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

import numpy as np
import pandas as pd

from montecarlo.engine import simulate_target
from montecarlo.gof import compare_fits
from montecarlo.seasonal import remaining_share
from montecarlo.sensitivity import tornado
from montecarlo.simulate import as_period
from montecarlo.target import TargetResult
from riskcast._data import add_data_arguments, load_series
from riskcast._json import clean
from riskcast._progress import progress_bar
from riskcast.errors import UsageError
from riskcast.methods import (
    METHODS,
    backtest_methods,
    backtest_years,
    make_simulator,
    method_rng,
    parse_methods,
)

__all__ = ["register", "run"]

_FIT_COLUMNS = ("rank", "params", "loglik", "aicc", "bic", "ks", "cvm", "ad", "flags")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``target`` sub-command."""
    p = subparsers.add_parser(
        "target",
        help="probability that the year reaches a target, per method, with error bars",
        description="Probability that the calendar year's total reaches --target, given "
        "the months up to --as-of, by several simulation methods; optional calibration "
        "backtest over past years. Without --data, uses the bundled monthly-units sample.",
    )
    add_data_arguments(p)
    p.add_argument("--as-of", required=True, metavar="YYYY-MM", help="last observed month")
    p.add_argument("--target", required=True, type=float, help="year-end target")
    p.add_argument(
        "--method",
        metavar="A,B",
        help=f"comma-separated methods (default: iid-normal,iid-johnson,seasonal,bootstrap; "
        f"'all'); known: {', '.join(METHODS)}",
    )
    p.add_argument("--paths", type=int, default=100_000, help="paths per method (100000)")
    p.add_argument(
        "--sampler", choices=("plain", "antithetic", "sobol"), default="plain", help="(plain)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (0)")
    p.add_argument(
        "--until-se",
        type=float,
        default=None,
        metavar="SE",
        help="grow paths until the standard error is below SE (e.g. 0.001)",
    )
    p.add_argument(
        "--tornado",
        action="store_true",
        help="also show which remaining month moves the total most (P10-P90 swings)",
    )
    p.add_argument("--backtest", action="store_true", help="also run the calibration backtest")
    p.add_argument(
        "--backtest-paths", type=int, default=4000, help="paths per method and year (4000)"
    )
    p.add_argument("--json", action="store_true", help="print a JSON document")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run the ``target`` command; return the exit code."""
    history, source = load_series(args)
    as_of = as_period(args.as_of, name="as-of", func="riskcast target")
    if as_of < history.index[0] or as_of > history.index[-1]:
        raise UsageError(
            f"The --as-of month must lie within the data ({history.index[0]} to "
            f"{history.index[-1]}). Got {as_of}."
        )
    if not math.isfinite(args.target):
        raise UsageError(f"The --target must be a finite number. Got {args.target!r}.")
    methods = parse_methods(args.method)
    show = (not args.json) and sys.stderr.isatty()
    upto = history.loc[:as_of]
    fits = compare_fits(upto.to_numpy())
    season = remaining_share(history, as_of)

    bar = progress_bar(len(methods) * args.paths, show)
    results: dict[str, TargetResult] = {}
    tornados: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    try:
        for i, name in enumerate(methods):
            sim = make_simulator(name)
            results[name] = simulate_target(
                sim, history, as_of=as_of, target=args.target, n_paths=args.paths,
                sampler=args.sampler, rng=method_rng(args.seed, i),
                until_se=args.until_se, method=name,
                progress=None if bar is None else bar.update,
            )  # fmt: skip
            notes += [f"{name}: {n}" for n in dict.fromkeys(getattr(sim, "notes_", []))]
            if args.tornado:
                r = results[name]
                paths = sim.paths(as_of, r.horizon, 20_000, np.random.default_rng([args.seed, 7]))
                labels = [str(as_of + j + 1) for j in range(r.horizon)]
                tornados[name] = tornado(paths, r.actual_to_date, labels=labels)
    finally:
        if bar is not None:
            bar.close()
    backtest = None
    if args.backtest:
        # one run per (method, year); method m draws from backtest_rng(seed, m) only
        steps = len(methods) * len(backtest_years(history, as_of))
        bar = progress_bar(steps, show, unit="run", desc="backtest")
        try:
            backtest = backtest_methods(
                history, as_of, methods, args.backtest_paths, args.seed,
                progress=None if bar is None else bar.update,
            )  # fmt: skip
        finally:
            if bar is not None:
                bar.close()
    if args.json:
        doc = _document(source, history, as_of, args, fits, season, results, notes, backtest)
        if tornados:
            doc["tornado"] = {
                m: clean(t.reset_index().to_dict("records")) for m, t in tornados.items()
            }
        print(json.dumps(doc, indent=2, allow_nan=False))
    else:
        _print_text(source, history, as_of, args, fits, season, results, notes, backtest)
        _print_tornado(tornados)
    return 0


def _document(
    source: str,
    history: pd.Series,
    as_of: pd.Period,
    args: argparse.Namespace,
    fits: pd.DataFrame,
    season: dict[str, Any],
    results: dict[str, TargetResult],
    notes: list[str],
    backtest: Any,
) -> dict[str, Any]:
    first = next(iter(results.values()))
    fit_rows = fits.reset_index()[["dist", *_FIT_COLUMNS]].to_dict("records")
    doc: dict[str, Any] = {
        "data": source, "start": str(history.index[0]), "end": str(history.index[-1]),
        "as_of": str(as_of), "target": args.target, "actual_to_date": first.actual_to_date,
        "gap": first.gap, "months_left": first.horizon, "seed": args.seed,
        "fits": fit_rows, "seasonality": season,
        "results": [r.to_dict() for r in results.values()], "notes": notes,
    }  # fmt: skip
    if backtest is not None:
        doc["backtest"] = {
            "summary": backtest.summary.to_dict("records"),
            "scores": backtest.scores.to_dict("records"),
            "skipped": backtest.skipped.to_dict("records"),
        }
    return clean(doc)


def _fmt_params(params: Any) -> str:
    if not isinstance(params, dict):
        return str(params)
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in
                     params.items())  # fmt: skip


def _print_text(
    source: str,
    history: pd.Series,
    as_of: pd.Period,
    args: argparse.Namespace,
    fits: pd.DataFrame,
    season: dict[str, Any],
    results: dict[str, TargetResult],
    notes: list[str],
    backtest: Any,
) -> None:
    first = next(iter(results.values()))
    n_upto = int((history.index <= as_of).sum())
    print(f"Data: {source}, {history.index[0]} to {history.index[-1]} ({len(history)} months)")
    print(
        f"As of {as_of}: {first.actual_to_date:.6g} so far in {as_of.year}, target "
        f"{args.target:g}, gap {first.gap:.6g} over the {first.horizon} months left."
    )
    print(f"\nFit of the {n_upto} monthly values up to {as_of} (ranked by AICc):")
    table = fits[list(_FIT_COLUMNS)].copy()
    table["params"] = table["params"].map(_fmt_params)
    table["rank"] = table["rank"].map(lambda r: "" if pd.isna(r) else f"{int(r)}")
    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        print(table.to_string(float_format=lambda v: f"{v:.4g}"))
    if season["mean_share"] is not None:
        months = ", ".join(f"{m}: {v:.2f}" for m, v in season["month_index"].items())
        print(
            f"\nSeasonality: in {season['n_years']} past years the {season['months_left']} "
            f"months after month {as_of.month} brought {100 * season['mean_share']:.1f}% of the "
            f"year (range {100 * season['min_share']:.1f}-{100 * season['max_share']:.1f}%); "
            f"iid months assume {100 * season['equal_share']:.1f}%.\n"
            f"  Month level relative to the average month: {months}."
        )
    print(f"\nP(year total >= {args.target:g}), seed {args.seed}:")
    width = max(len(m) for m in results)
    for name, r in results.items():
        lo, hi = r.interval(0.95)
        print(
            f"  {name:<{width}}  P(hit) = {100 * r.probability:5.1f}% ± {100 * r.std_error:.2f} pp"
            f"   95% interval of the total {lo:.2f} to {hi:.2f}, median "
            f"{r.quantiles[0.5]:.2f}   ({r.n_paths} paths, {r.sampler})"
        )
    for note in notes:
        print(f"  note: {note}")
    if backtest is not None:
        s = backtest.summary
        years = sorted(backtest.scores["year"].unique()) if len(backtest.scores) else []
        span = f"{years[0]}-{years[-1]}" if years else "none"
        print(f"\nCalibration backtest ({as_of.strftime('%b')} cutoffs, years {span}):")
        cols = ["method", "n_years", "mean_pit", "pit_ks_pvalue", "coverage50", "coverage80",
                "coverage95", "crps", "brier", "calibrated"]  # fmt: skip
        print(s[cols].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
        for _, row in s.iterrows():
            print(f"  {row['method']}: {row['reason']}")


def _print_tornado(tornados: dict[str, pd.DataFrame]) -> None:
    if not tornados:
        return
    print("\nWhich month moves the total most (one at a time, P10 to P90; 20000 paths):")
    for name, t in tornados.items():
        parts = [
            f"{m}: {row.total_low:.2f}-{row.total_high:.2f} (swing {row.swing:.2f}, "
            f"rank corr {row.spearman:.2f})"
            for m, row in t.iterrows()
        ]
        print(f"  {name}: " + "; ".join(parts))
