"""``riskcast forecast --id-col COL``: every series of a long table in one run.

A long table holds many series stacked, one row per (series, date): an id column
(``--id-col``), a date column (``--date``, default ``ds`` if present, else the first
other column) and a value column (``--value``, default ``y`` if present, else the next
one). :func:`forecast.forecast_many` forecasts them all with ``--model``, in this process,
on ``--workers N`` local processes or on the Dask scheduler at ``--scheduler``; the
result is a long table (id, period, model, mean, ``lo-L``/``hi-L`` for each of ``--intervals``,
error) printed or written with ``--output``. A series the model cannot forecast gets its
message in the ``error`` column and on stderr; the run goes on (exit 1 only if no series
could be forecast).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from kernel import read_table, write_text_atomic
from riskcast._json import clean
from riskcast.errors import UsageError

__all__ = ["add_arguments", "run_long"]

#: Rows of the forecast table printed as text before "... more rows".
SHOWN_ROWS = 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--id-col``, ``--intervals``, ``--workers`` and ``--scheduler``."""
    group = parser.add_argument_group("many series (long table)")
    group.add_argument(
        "--id-col",
        metavar="COL",
        help="--data is a long table of many series, one row per (series, date); COL names "
        "the series (e.g. unique_id); every series is forecast",
    )
    group.add_argument(
        "--intervals",
        default="80,95",
        metavar="L,L",
        help="with --id-col: central intervals in percent, columns lo-L and hi-L (80,95)",
    )
    group.add_argument(
        "--workers", type=int, default=1, metavar="N", help="with --id-col: local processes (1)"
    )
    group.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --id-col: run on this Dask scheduler (e.g. tcp://host:8786)",
    )


def _parse_levels(text: str) -> tuple[float, ...]:
    parts = [t.strip() for t in text.split(",")] if text.strip() else []
    try:
        levels = tuple(float(p) for p in parts)
    except ValueError:
        raise UsageError(
            f"The --intervals must be comma-separated percentages between 0 and 100 (e.g. 80,95). "
            f"Got {text!r}."
        ) from None
    if any(not 0 < lv < 100 for lv in levels):
        raise UsageError(
            f"The --intervals must be comma-separated percentages between 0 and 100 (e.g. 80,95). "
            f"Got {text!r}."
        )
    return levels


def _columns(frame: pd.DataFrame, args: argparse.Namespace, source: str) -> tuple[str, str]:
    """The date and value columns: --date/--value, else ds/y, else the first other two."""
    if args.id_col not in frame.columns:
        raise UsageError(
            f"The --id-col {args.id_col!r} is not a column of the --data file {source!r}. "
            f"Columns: {', '.join(map(str, frame.columns))}."
        )
    others = [c for c in frame.columns if c != args.id_col]
    date = args.date or ("ds" if "ds" in others else (others[0] if others else None))
    rest = [c for c in others if c != date]
    value = args.value or ("y" if "y" in rest else (rest[0] if rest else None))
    for flag, col in (("--date", date), ("--value", value)):
        if col is None or col not in frame.columns:
            raise UsageError(
                f"The {flag} column {col!r} is not in the --data file {source!r}. "
                f"Columns: {', '.join(map(str, frame.columns))}."
            )
    return str(date), str(value)


def _in_flags(message: str, source: str) -> str:
    """The library's message in the command line's words (flags and the file)."""
    message = message.replace("the 'df' parameter of forecast_many", f"the --data file {source!r}")
    message = message.replace("The 'df' parameter of forecast_many", f"The --data file {source!r}")
    for param, flag in (
        ("id_col", "--id-col"), ("time_col", "--date"), ("value_col", "--value"),
        ("n_jobs", "--workers"), ("horizon", "--horizon"), ("scheduler", "--scheduler"),
    ):  # fmt: skip
        message = message.replace(f"the '{param}' parameter", flag)
        message = message.replace(f"The '{param}' parameter of forecast_many", f"The {flag}")
    return message.replace("forecast_many", "riskcast forecast")


def _label(p: Any) -> str:
    if pd.isna(p):
        return ""
    if p.freqstr.upper().startswith("W"):
        return str(p.end_time.strftime("%Y-%m-%d"))
    return str(p)


def run_long(args: argparse.Namespace, horizon: int) -> int:
    """Run ``riskcast forecast --id-col``; return the exit code."""
    from forecast import ForecastError, forecast_many

    if args.data is None:
        raise UsageError("--id-col needs --data (a long table of many series).")
    for flag, used in (("--backtest", args.backtest is not None), ("--fill-gaps", args.fill_gaps)):
        if used:
            raise UsageError(f"{flag} does not work with --id-col yet: forecast one series.")
    levels = _parse_levels(args.intervals)
    output = None if args.output is None else Path(args.output)
    if output is not None and not output.parent.is_dir():
        raise UsageError(f"The folder of --output {str(output)!r} does not exist.")
    source = Path(args.data).name
    frame = read_table(args.data, name=str(args.data), what="--data file", error=UsageError)
    date, value = _columns(frame, args, source)
    show = not args.json and sys.stderr.isatty()
    try:
        fc = forecast_many(
            frame, models=[args.model], horizon=horizon, level=levels or None,
            id_col=args.id_col, time_col=date, value_col=value, seed=args.seed,
            n_jobs=args.workers, scheduler=args.scheduler, progress=True if show else None,
        )  # fmt: skip
    except ForecastError as exc:
        raise UsageError(_in_flags(str(exc), source)) from None
    fc[date] = [_label(p) for p in fc[date]]
    failed = fc[fc["error"].notna()]
    n_series = fc[args.id_col].nunique()
    if output is not None:
        write_text_atomic(output, fc.to_csv(index=False))
    if args.json:
        doc = {
            "data": str(args.data), "id_col": args.id_col, "date": date, "value": value,
            "model": args.model, "horizon": horizon, "intervals": list(levels), "seed": args.seed,
            "n_series": int(n_series), "failed": dict(zip(failed[args.id_col].astype(str),
                                                           failed["error"], strict=True)),
            "output": args.output, "forecast": fc.to_dict("records"),
        }  # fmt: skip
        print(json.dumps(clean(doc), indent=2, allow_nan=False))
    else:
        print(
            f"Data: {args.data}, {n_series} series (--id-col {args.id_col}, dates {date}, "
            f"values {value}); model {args.model}, {horizon} periods ahead; "
            f"{n_series - len(failed)} forecast, {len(failed)} failed"
        )
        body = fc.drop(columns="error") if failed.empty else fc
        text = body.head(SHOWN_ROWS).to_string(index=False, float_format=lambda v: f"{v:.4f}")
        print(text)
        if len(fc) > SHOWN_ROWS:
            more = len(fc) - SHOWN_ROWS
            print(f"... {more} more rows" + ("" if output else "; --output FILE.csv writes all"))
        if output is not None:
            print(f"\nWrote {args.output}", file=sys.stderr)
    for uid, err in zip(failed[args.id_col], failed["error"], strict=True):
        print(f"riskcast forecast: series {uid!r} failed: {err}", file=sys.stderr)
    return 1 if len(failed) == n_series else 0
