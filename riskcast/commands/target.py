"""``riskcast target``: how likely is the year to reach the target?

Asks :func:`forecast.answer_question` (the one question service) and prints what it
computed: the fit table of the months up to ``--as-of``, every method's P(hit) with its
Monte Carlo standard error and the interval of the year-end total, and with
``--backtest`` the calibration summary, each method's verdict and the recommended method.
Without ``--data`` the bundled sample (monthly units 2000-2015) is used.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import replace
from typing import Any

import pandas as pd

from forecast import ANOMALY_METHODS, Answer, answer_question, backtest_years, model_names
from kernel import check_positive_int
from montecarlo import MemoryBudgetError, as_period, format_params
from riskcast._data import add_data_arguments, load_series
from riskcast._json import clean
from riskcast._progress import progress_bar
from riskcast._words import cli_words
from riskcast.errors import UsageError
from riskcast.methods import parse_methods

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
        f"'all'); known: {', '.join(model_names())}",
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
    p.add_argument(
        "--level",
        type=float,
        default=0.9,
        metavar="L",
        help="central interval of the year-end total to show (0.9)",
    )
    p.add_argument(
        "--flag-anomalies",
        nargs="?",
        const="autoencoder",
        default=None,
        choices=sorted(ANOMALY_METHODS),
        metavar="DETECTOR",
        help="flag the unusual months up to --as-of (DETECTOR: autoencoder, the default, or "
        "stl, the robust baseline) and answer again with them excluded from the fits",
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
    if not 0 < args.level < 1:
        raise UsageError(f"The --level must be a number between 0 and 1. Got {args.level!r}.")
    for name in ("paths", "backtest_paths"):  # said as --paths / --backtest-paths
        check_positive_int(getattr(args, name), name=name, func="riskcast target",
                           error=UsageError, type_error=UsageError)  # fmt: skip
    methods = parse_methods(args.method)
    show = (not args.json) and sys.stderr.isatty()
    steps = len(methods) * args.paths
    if args.backtest:
        steps += len(methods) * len(backtest_years(history, as_of))
    bar = progress_bar(steps, show)
    try:
        answer = answer_question(
            history, as_of=as_of, target=args.target, methods=methods, n_paths=args.paths,
            sampler=args.sampler, until_se=args.until_se, seed=args.seed, level=args.level,
            tornado_chart=args.tornado, backtest=args.backtest,
            backtest_paths=args.backtest_paths, anomalies=args.flag_anomalies,
            progress=None if bar is None else (lambda stage, name, k: bar.update(k)),
        )  # fmt: skip
    except MemoryBudgetError:
        raise  # the CLI says it with --paths / --backtest-paths
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    answer = _in_cli_words(answer, args)
    if args.json:
        doc = {"data": source, "start": str(history.index[0]), "end": str(history.index[-1]),
               **answer.to_dict()}  # fmt: skip
        print(json.dumps(clean(doc), indent=2, allow_nan=False))
    else:
        _print_text(source, history, answer)
    return 0


def _in_cli_words(a: Answer, args: argparse.Namespace) -> Answer:
    """The methods' refusals and notes (with the anomaly flags' too) with this command's
    flags and files."""

    def words(text: str) -> str:
        return cli_words(text, "target", args)

    return replace(
        a,
        errors={name: words(msg) for name, msg in a.errors.items()},
        notes=[words(n) for n in a.notes],
        backtest_error=None if a.backtest_error is None else words(a.backtest_error),
        excluded_errors={name: words(msg) for name, msg in a.excluded_errors.items()},
        anomaly_error=None if a.anomaly_error is None else words(a.anomaly_error),
    )


def _print_text(source: str, history: pd.Series, a: Answer) -> None:
    as_of = a.as_of
    n_upto = int((history.index <= as_of).sum())
    print(f"Data: {source}, {history.index[0]} to {history.index[-1]} ({len(history)} months)")
    print(
        f"As of {as_of}: {a.actual_to_date:.6g} so far in {as_of.year}, target "
        f"{a.target:g}, gap {a.gap:.6g} over the {a.horizon} months left."
    )
    if a.target_reached:
        print(
            f"The target {a.target:g} is already reached: the year to date "
            f"({a.actual_to_date:.6g}) is at or above it, so every method says 100%."
        )
    if a.fits is not None:
        print(f"\nFit of the {n_upto} monthly values up to {as_of} (ranked by AICc):")
        table = a.fits[list(_FIT_COLUMNS)].copy()
        table["params"] = table["params"].map(format_params)
        table["rank"] = table["rank"].map(lambda r: "" if pd.isna(r) else f"{int(r)}")
        with pd.option_context("display.width", 200, "display.max_colwidth", 60):
            print(table.to_string(float_format=lambda v: f"{v:.4g}"))
    season = a.seasonality
    if season is not None and season["mean_share"] is not None:
        months = ", ".join(f"{m}: {v:.2f}" for m, v in season["month_index"].items())
        print(
            f"\nSeasonality: in {season['n_years']} past years the {season['months_left']} "
            f"months after month {as_of.month} brought {100 * season['mean_share']:.1f}% of the "
            f"year (range {100 * season['min_share']:.1f}-{100 * season['max_share']:.1f}%); "
            f"iid months assume {100 * season['equal_share']:.1f}%.\n"
            f"  Month level relative to the average month: {months}."
        )
    pct = f"{100 * a.level:g}%"
    print(f"\nP(year total >= {a.target:g}), seed {a.seed}, series {a.series!r}:")
    width = max(len(m) for m in a.results)
    verdicts = a.verdicts()
    for name, r in a.results.items():
        lo, hi = r.interval(a.level)
        print(
            f"  {name:<{width}}  P(hit) = {100 * r.probability:5.1f}% ± {100 * r.std_error:.2f} pp"
            f"   {pct} interval of the total {lo:.2f} to {hi:.2f}, median "
            f"{r.quantiles[0.5]:.2f}   ({r.n_paths} paths, {r.sampler}; {verdicts[name]})"
        )
    for name, msg in a.errors.items():
        print(f"  {name:<{width}}  could not run: {msg}")
    for note in a.notes:
        print(f"  note: {note}")
    _print_anomalies(history, a, width)
    if a.backtest is not None:
        s = a.backtest.summary
        years = sorted(a.backtest.scores["year"].unique()) if len(a.backtest.scores) else []
        span = f"{years[0]}-{years[-1]}" if years else "none"
        print(f"\nCalibration backtest ({as_of.strftime('%b')} cutoffs, years {span}):")
        cols = ["method", "n_years", "mean_pit", "pit_ks_pvalue", "coverage50", "coverage80",
                "coverage95", "crps", "brier", "calibrated"]  # fmt: skip
        print(s[cols].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
        for _, row in s.iterrows():
            print(f"  {row['method']}: {row['reason']}")
    if a.backtest_error is not None:
        print(f"\nCalibration backtest not possible: {a.backtest_error}")
    if a.recommendation is not None and a.headline is not None:
        r = a.results[a.headline]
        honest = "" if a.recommendation.calibrated else " (no method passed the backtest)"
        print(
            f"\nHeadline{honest}: {a.headline} says P(hit) = {100 * r.probability:.1f}% "
            f"± {100 * r.std_error:.2f} pp. {a.recommendation.reason}"
        )
    _print_tornado(a)


def _print_anomalies(history: pd.Series, a: Answer, width: int) -> None:
    """The unusual months and every method's answer with them excluded (when asked)."""
    if a.anomalies is None and a.anomaly_error is None:
        return
    notes = a.anomaly_notes()
    if a.anomalies is None:
        print(f"\n{notes[0]}")
        return
    flags = a.anomalies
    print(f"\nUnusual months up to {a.as_of}: {flags.n_flagged} of {len(flags.flags)} by "
          f"{flags.method} (score > {flags.threshold:g}, robust z)")  # fmt: skip
    if not flags.n_flagged:
        print("  none: the answers above stand")
    for month in flags.flagged:
        print(f"  {month}  value {history.loc[month]:.6g}  score {flags.scores.loc[month]:.2f}")
    if a.excluded or a.excluded_errors:
        print(f"P(year total >= {a.target:g}) with them excluded from the fits:")
        for name, r in a.excluded.items():
            print(
                f"  {name:<{width}}  P(hit) = {100 * r.probability:5.1f}% "
                f"± {100 * r.std_error:.2f} pp (was {100 * a.results[name].probability:.1f}%), "
                f"median {r.quantiles[0.5]:.2f}"
            )
    for note in notes[1:]:
        print(f"  note: {note}")


def _print_tornado(a: Answer) -> None:
    if not a.tornados:
        return
    n = next(iter(a.results.values())).n_paths
    print(f"\nWhich month moves the total most (one at a time, P10 to P90; {n} paths):")
    for name, t in a.tornados.items():
        parts = [
            f"{m}: {row.total_low:.2f}-{row.total_high:.2f} (swing {row.swing:.2f}, "
            f"rank corr {row.spearman:.2f})"
            for m, row in t.iterrows()
        ]
        print(f"  {name}: " + "; ".join(parts))
