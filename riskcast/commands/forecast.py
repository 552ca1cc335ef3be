"""``riskcast forecast``: forecast a series with quantiles, optionally backtested.

Fits one forecaster of :mod:`forecast` (``--model``: ``auto``, the validation-weighted
combination, or a member name of :func:`forecast.auto.make_member`) to the whole series
and prints the next ``--horizon`` periods: the mean and the ``--quantiles``. With
``--backtest W`` the same model is also refitted at ``W`` rolling origins (the last window
ends at the last observation) and the accuracy of each window is shown. ``--output`` writes
the forecast table as CSV (atomically: a failed run leaves an existing file untouched).

Monthly, quarterly, weekly and daily series are accepted (the frequency is inferred).
Without ``--data`` the bundled sample (monthly units 2000-2015) is used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from forecast import model_names
from kernel import check_positive_int, check_quantiles, write_text_atomic
from riskcast._data import add_data_arguments, load_series
from riskcast._json import clean
from riskcast._progress import progress_bar
from riskcast.commands._forecast_long import add_arguments as add_long_arguments
from riskcast.commands._forecast_long import run_long
from riskcast.errors import UsageError

__all__ = ["MODELS", "register", "run"]

#: The registered forecasters (:mod:`forecast.registry`), ``auto`` first.
MODELS: tuple[str, ...] = (
    "auto",
    *(n for n in model_names(forecaster=True) if n != "auto"),
)

_FREQUENCIES = {"M": "monthly", "Q": "quarterly", "W": "weekly", "D": "daily", "Y": "yearly"}


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``forecast`` sub-command."""
    p = subparsers.add_parser(
        "forecast",
        help="forecast a series with quantiles, optionally with a rolling-origin backtest",
        description="Forecast the next --horizon periods of a monthly, quarterly, weekly or "
        "daily series with one model of the forecast package: the mean and the --quantiles. "
        "--backtest W also refits the model at W rolling origins and shows its accuracy. "
        "Without --data, uses the bundled monthly-units sample.",
    )
    add_data_arguments(p)
    p.add_argument(
        "--model",
        choices=MODELS,
        default="auto",
        metavar="NAME",
        help=f"forecaster: {', '.join(MODELS)} (auto: validation-weighted pretrained "
        f"N-BEATS, Theta and ARIMA)",
    )
    p.add_argument("--horizon", type=int, default=12, metavar="H", help="periods ahead (12)")
    p.add_argument(
        "--quantiles",
        default="0.1,0.5,0.9",
        metavar="Q,Q",
        help="comma-separated levels in (0, 1) (0.1,0.5,0.9); '' for the mean only",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="random_state of the neural models and auto (0)"
    )
    p.add_argument(
        "--backtest",
        type=int,
        default=None,
        metavar="WINDOWS",
        help="also backtest the model on WINDOWS rolling origins, H periods each",
    )
    p.add_argument("--output", metavar="FILE.csv", help="write the forecast table as CSV")
    p.add_argument(
        "--fill-gaps",
        action="store_true",
        help="interpolate missing values and missing periods linearly instead of refusing them",
    )
    p.add_argument("--json", action="store_true", help="print a JSON document")
    add_long_arguments(p)  # --id-col: many series of a long table (_forecast_long.py)
    p.set_defaults(func=run)
    return p


def _levels(text: str) -> tuple[float, ...]:
    """Parse ``--quantiles`` and check the levels with the forecast package's rules."""
    parts = [t.strip() for t in text.split(",")] if text.strip() else []
    levels = []
    for part in parts:
        try:
            levels.append(float(part))
        except ValueError:
            raise UsageError(
                f"The --quantiles must be comma-separated numbers in (0, 1). Got {text!r}."
            ) from None
    checked = check_quantiles(
        levels, func="riskcast forecast", error=UsageError, type_error=UsageError
    )
    return tuple(sorted(set(checked)))


def _check_count(value: Any, name: str) -> int:
    """``--horizon`` and ``--backtest``: an integer >= 1 (the forecasters' rule)."""
    return check_positive_int(
        value, name=name, func="riskcast forecast", error=UsageError, type_error=UsageError
    )


def _model(name: str, seed: int) -> Any:
    from forecast import AutoForecaster, make_member

    if name == "auto":
        return AutoForecaster(random_state=seed)
    return make_member(name, random_state=seed)


def _fitted_form(model: Any) -> dict[str, Any]:
    """What the fit chose, where the model says it: ETS form, ARIMA orders, Auto weights."""
    out: dict[str, Any] = {"season_length": model.season_length_}
    if hasattr(model, "model_"):
        out["form"] = model.model_
        out["params"] = dict(model.params_)
    if hasattr(model, "order_"):
        out["order"] = list(model.order_)
        out["seasonal_order"] = list(model.seasonal_order_)
        out["constant"] = bool(model.constant_)
    if hasattr(model, "alpha_") and hasattr(model, "drift_"):
        out["alpha"], out["drift"] = model.alpha_, model.drift_
    if hasattr(model, "weights_"):
        out.update(model.summary())
        out["members"] = {k: _fitted_form(m) for k, m in model.members_.items()}
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``riskcast forecast``; return the exit code."""
    from forecast import backtest, summarize

    horizon = _check_count(args.horizon, "horizon")
    if args.id_col is not None:
        return run_long(args, horizon)
    levels = _levels(args.quantiles)
    if args.backtest is not None:
        _check_count(args.backtest, "backtest")
    output = None if args.output is None else Path(args.output)
    if output is not None and not output.parent.is_dir():
        raise UsageError(f"The folder of --output {str(output)!r} does not exist.")
    y, source = load_series(args, monthly=False, fill_gaps=args.fill_gaps)
    if args.fill_gaps:
        print(f"--fill-gaps: {y.attrs.get('filled', 0)} of {len(y)} values interpolated",
              file=sys.stderr)  # fmt: skip

    model = _model(args.model, args.seed)
    # before the fit: the horizon this model and history support (Forecaster.max_horizon)
    model.check_horizon(horizon, y, func=f"{type(model).__name__}.predict")
    if not args.json and sys.stderr.isatty():  # the fit of auto takes a while: say so
        print(f"fitting {args.model} on {len(y)} observations ...", file=sys.stderr, flush=True)
    model = model.fit(y)
    table = model.predict(horizon, quantiles=levels)
    metrics = None
    if args.backtest is not None:
        show = not args.json and sys.stderr.isatty()
        bar = progress_bar(args.backtest, show, unit="window", desc="backtest")
        try:
            result = backtest(model, y, h=horizon, windows=args.backtest, quantiles=levels,
                              progress=None if bar is None else bar.update)  # fmt: skip
        finally:
            if bar is not None:
                bar.close()
        metrics = summarize(result, y)
        cutoffs = _labels(pd.PeriodIndex(result.groupby("window", sort=True)["cutoff"].first()))
        metrics.insert(0, "cutoff", [*cutoffs, None])
    frame = table.rename_axis("period").reset_index()
    frame["period"] = _labels(table.index)
    if output is not None:
        _write_csv(output, frame)
    if args.json:
        doc = _document(_Run(source, y, args, model, frame, metrics))
        print(json.dumps(doc, indent=2, allow_nan=False))
    else:
        _print_text(_Run(source, y, args, model, frame, metrics))
    return 0


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` to ``path`` through a temporary file in the same folder."""
    write_text_atomic(path, frame.to_csv(index=False))


def _labels(index: pd.PeriodIndex) -> list[str]:
    """Period labels; a week is named by its last day (pandas' anchor, e.g. a Sunday)."""
    if index.freqstr.upper().startswith("W"):
        return [p.end_time.strftime("%Y-%m-%d") for p in index]
    return [str(p) for p in index]


def _frequency(y: pd.Series) -> str:
    code = y.index.freqstr.split("-")[0].upper()
    return _FREQUENCIES.get(code, code)


class _Run(NamedTuple):
    """What one ``riskcast forecast`` run shows, as text or JSON."""

    source: str
    y: pd.Series
    args: argparse.Namespace
    model: Any
    frame: pd.DataFrame
    metrics: pd.DataFrame | None


def _document(run: _Run) -> dict[str, Any]:
    source, y, args, model, frame, metrics = run
    first, last = _labels(y.index[[0, -1]])
    doc: dict[str, Any] = {
        "data": source, "n": len(y), "frequency": _frequency(y), "start": first, "end": last,
        "model": args.model, "params": model.get_params(), "fitted": _fitted_form(model),
        "horizon": len(frame), "seed": args.seed, "forecast": frame.to_dict("records"),
        "output": args.output, "filled": y.attrs.get("filled", 0) if args.fill_gaps else None,
    }  # fmt: skip
    if metrics is not None:
        doc["backtest"] = {
            "windows": args.backtest,
            "metrics": metrics.reset_index().to_dict("records"),
        }
    return clean(doc)


def _describe(model: Any) -> str:
    form = _fitted_form(model)
    if "form" in form:
        return f"ETS({form['form']})"
    if "order" in form:
        p, d, q = form["order"]
        sp, sd, sq, m = form["seasonal_order"]
        seasonal = f"({sp},{sd},{sq})[{m}]" if m else ""
        return f"ARIMA({p},{d},{q}){seasonal}{' with constant' if form['constant'] else ''}"
    if "weights" in form:
        weights = ", ".join(f"{k} {w:.2f}" for k, w in form["weights"].items())
        failed = f"; failed: {', '.join(form['failed'])}" if form["failed"] else ""
        return f"weights {weights}{failed}"
    if "drift" in form:
        return f"Theta, alpha {form['alpha']:.4g}, drift {form['drift']:.4g}"
    return f"{type(model).__name__}, season length {form['season_length']}"


def _print_text(run: _Run) -> None:
    source, y, args, model, frame, metrics = run
    first, last = _labels(y.index[[0, -1]])
    print(
        f"Data: {source}, {len(y)} {_frequency(y)} observations, {first} to {last}; "
        f"model {args.model}: {_describe(model)}"
    )
    print(f"\nForecast of the next {len(frame)} periods:")
    print(frame.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    if metrics is not None:
        h = len(frame)
        print(f"\nBacktest: {args.backtest} rolling origins, {h} periods each:")
        table = metrics.reset_index().fillna({"cutoff": ""})
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if args.output is not None:
        print(f"\nWrote {args.output}", file=sys.stderr)
