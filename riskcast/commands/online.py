"""``riskcast online``: stream a CSV through an online linear regression.

Each row is predicted by the model as it stands, then learned (progressive validation),
so the reported errors are out-of-sample. Without ``--data`` the bundled classic exercise
(``ex1data1``: food-truck profit against city population) is used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analytics import (
    OnlineLinearRegression,
    load_ex1data1,
    progressive_summary,
    progressive_validation,
)
from kernel import is_number, read_table
from riskcast.errors import UsageError

__all__ = ["register", "run"]

_DEFAULT_TARGET = "profit_10k"
#: Hyperparameter flags (dest names); they cannot be combined with --load.
_HYPER = ("method", "l2", "learning_rate", "forgetting", "fit_intercept")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``online`` sub-command."""
    p = subparsers.add_parser(
        "online",
        help="stream a CSV through an online linear regression (predict, then learn)",
        description="Stream a CSV through an online linear regression: each row is "
        "predicted, then learned (progressive validation). Prints the progressive errors "
        "and the final coefficients. Without --data, uses the bundled ex1data1 sample "
        "(target profit_10k).",
    )
    p.add_argument("--data", metavar="CSV", help="CSV file, rows in stream order")
    p.add_argument("--target", metavar="COL", help="target column (required with --data)")
    p.add_argument(
        "--features", metavar="A,B", help="comma-separated feature columns (default: all others)"
    )
    p.add_argument("--method", choices=("rls", "sgd"), default=None, help="default: rls")
    p.add_argument("--l2", type=float, default=None, help="ridge penalty (default 0)")
    p.add_argument("--learning-rate", type=float, default=None, help="SGD step size (default 0.01)")
    p.add_argument("--forgetting", type=float, default=None, help="RLS forgetting factor in (0, 1]")
    p.add_argument(
        "--no-intercept",
        dest="fit_intercept",
        action="store_const",
        const=False,
        default=None,
        help="fit without an intercept",
    )
    p.add_argument("--window", type=int, default=None, help="rolling window of the errors")
    p.add_argument("--batch-size", type=int, default=1, help="rows predicted, then learned")
    p.add_argument("--json", action="store_true", help="print a JSON document")
    p.add_argument("--save", metavar="PATH", help="save the final model (.npz)")
    p.add_argument("--load", metavar="PATH", help="start from a model saved with --save")
    p.set_defaults(func=run)
    return p


def _read(args: argparse.Namespace) -> tuple[pd.DataFrame, str, str]:
    if args.data is None:
        return load_ex1data1(), args.target or _DEFAULT_TARGET, "ex1data1 (bundled sample)"
    path = Path(args.data)
    if not path.is_file():
        raise UsageError(f"The --data file {str(path)!r} does not exist.")
    if args.target is None:
        raise UsageError("--target COL is required with --data.")
    df = read_table(path, name=str(path), what="--data file", error=UsageError)
    return df, args.target, str(path)


def _columns(df: pd.DataFrame, target: str, features: str | None, source: str) -> list[str]:
    cols = [str(c) for c in df.columns]
    if target not in cols:
        raise UsageError(f"The --target column {target!r} is not in {source}. Columns: {cols}.")
    names = [f.strip() for f in features.split(",")] if features else None
    if names is None:
        names = [c for c in cols if c != target]
    if not names or any(not n for n in names):
        raise UsageError(f"--features must name at least one column of {source}. Got {features!r}.")
    for name in [*names, target]:
        if name not in cols:
            raise UsageError(f"The column {name!r} is not in {source}. Columns: {cols}.")
        col = df[name]
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            bad = next((v for v in col if not is_number(v)), col.iloc[0] if len(col) else None)
            raise UsageError(
                f"The column {name!r} of {source} must be numeric. Got {bad!r}; choose numeric "
                f"columns with --features."
            )
        missing = ~np.isfinite(col.to_numpy(dtype=np.float64))
        if missing.any():
            row = int(np.flatnonzero(missing)[0])
            raise UsageError(
                f"The column {name!r} of {source} has {int(missing.sum())} missing or "
                f"non-finite values (first at data row {row + 1})."
            )
    if target in names:
        raise UsageError(f"The target {target!r} cannot also be a feature.")
    return names


def _model(args: argparse.Namespace) -> OnlineLinearRegression:
    if args.load is not None:
        given = [f"--{h.replace('_', '-')}" for h in _HYPER if getattr(args, h) is not None]
        if given:
            raise UsageError(
                f"{', '.join(given)} cannot be combined with --load: the loaded model keeps "
                f"its own settings."
            )
        return OnlineLinearRegression.load(args.load)
    params = {h: getattr(args, h) for h in _HYPER if getattr(args, h) is not None}
    return OnlineLinearRegression(**params)


def run(args: argparse.Namespace) -> int:
    """Run ``riskcast online``; returns the exit code."""
    df, target, source = _read(args)
    if len(df) < 2:
        raise UsageError(f"{source} needs at least 2 data rows to stream. Got {len(df)}.")
    features = _columns(df, target, args.features, source)
    model = _model(args)
    progress = (not args.json) and sys.stderr.isatty()
    frame = progressive_validation(
        model,
        df[features].astype(np.float64),
        df[target].astype(np.float64),
        window=args.window,
        batch_size=args.batch_size,
        progress=progress,
    )
    summary = progressive_summary(frame, window=args.window)
    if args.save is not None:
        model.save(args.save)
    checkpoints = np.unique(np.linspace(0, len(frame) - 1, min(len(frame), 8)).round().astype(int))
    timeline = [
        {
            "n_seen": int(frame["n_seen"].iloc[i]),
            "mae": float(frame["mae"].iloc[i]),
            "rmse": float(frame["rmse"].iloc[i]),
        }
        for i in checkpoints
    ]
    coef = {name: float(c) for name, c in zip(features, model.coef_, strict=True)}
    if args.json:
        doc = {
            "data": source,
            "rows": len(df),
            "target": target,
            "features": features,
            "model": model.get_params(),
            "warmup": len(df) - summary["n_scored"],
            "window": args.window,
            "metrics": summary,
            "timeline": timeline,
            "intercept": model.intercept_,
            "coef": coef,
            "saved": args.save,
        }
        print(json.dumps(doc, indent=2))
        return 0
    _print_text(source, df, target, features, model, summary, timeline, args)
    return 0


def _print_text(
    source: str,
    df: pd.DataFrame,
    target: str,
    features: list[str],
    model: OnlineLinearRegression,
    summary: dict[str, float],
    timeline: list[dict[str, float]],
    args: argparse.Namespace,
) -> None:
    kind = f"rolling over {args.window} rows" if args.window else "cumulative"
    print(f"Online regression on {source}: {len(df)} rows, target {target!r}")
    print(f"Features: {', '.join(features)}")
    print(f"Model: {model!r}")
    print(
        f"Progressive validation (predict each row, then learn it): {summary['n_scored']} rows "
        f"scored, {len(df) - summary['n_scored']} warm-up"
    )
    print(f"\n  {'rows learned':>12}  {'MAE':>12}  {'RMSE':>12}   ({kind})")
    for t in timeline:
        print(f"  {t['n_seen']:>12d}  {t['mae']:>12.6g}  {t['rmse']:>12.6g}")
    print(f"\n  MAE  over all scored rows   {summary['mae']:.6g}")
    print(f"  RMSE over all scored rows   {summary['rmse']:.6g}")
    if args.window:
        print(f"  MAE  over the last {args.window:<6d}   {summary['window_mae']:.6g}")
        print(f"  RMSE over the last {args.window:<6d}   {summary['window_rmse']:.6g}")
    print(f"\nFinal coefficients (after {model.n_samples_seen_} rows):")
    width = max(len("intercept"), *(len(f) for f in features))
    print(f"  {'intercept':<{width}}  {model.intercept_: .6f}")
    for name, c in zip(features, model.coef_, strict=True):
        print(f"  {name:<{width}}  {c: .6f}")
    if args.save:
        print(f"\nSaved the model to {args.save}")
