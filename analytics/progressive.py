"""Progressive validation: score an online model on a stream, predicting before learning.

Each sample (or mini-batch) is first predicted by the model as it stands, then learned.
Every prediction is therefore made on data the model has not seen, so the running error
is an honest out-of-sample estimate, with no hold-out set and no refitting.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

import numpy as np
import pandas as pd

from analytics._regression_checks import check_int, check_Xy
from analytics.errors import AnalyticsTypeError, AnalyticsValueError

__all__ = ["progressive_summary", "progressive_validation", "rolling_metrics"]

_FUNC = "progressive_validation"


class OnlineModel(Protocol):
    """What :func:`progressive_validation` needs: ``predict`` and ``partial_fit``."""

    def predict(self, X: Any) -> np.ndarray: ...

    def partial_fit(self, X: Any, y: Any) -> Any: ...


class _LinearModel(OnlineModel, Protocol):
    """What ``record_coef=True`` also reads, once the model has learned."""

    coef_: Any
    intercept_: Any


def progressive_validation(
    model: OnlineModel,
    X: Any,
    y: Any,
    *,
    window: int | None = None,
    batch_size: int = 1,
    warmup: int | None = None,
    progress: bool = False,
    record_coef: bool = False,
) -> pd.DataFrame:
    """Stream ``(X, y)`` through ``model``: predict each batch, then learn it.

    The model is updated in place; when the function returns it has learned the whole
    stream.

    Parameters
    ----------
    model : estimator with ``predict`` and ``partial_fit``
        E.g. :class:`~analytics.online_regression.OnlineLinearRegression`.
    X : array-like of shape (n_samples, n_features)
        Features in stream order (a DataFrame's index labels the output rows).
    y : array-like of shape (n_samples,)
        Targets.
    window : int, optional
        Length of the rolling window of ``mae`` and ``rmse``; by default they are
        cumulative over all scored samples.
    batch_size : int, default 1
        Samples predicted, then learned, together.
    warmup : int, optional
        Leading samples learned without being scored. Default: 0 for a model that is
        already fitted, else the first batch (an unfitted model cannot predict).
    progress : bool, default False
        Show a tqdm progress bar on stderr.
    record_coef : bool, default False
        Add the model's ``coef_`` (columns ``coef_<feature>``, named after the columns of
        a DataFrame ``X`` or numbered) and ``intercept_`` (column ``intercept``) as they
        stand right after each scored sample's batch was learned.

    Returns
    -------
    pandas.DataFrame
        One row per scored sample (``n_samples - warmup`` rows), indexed like ``X``, with
        columns ``n_seen`` (samples the model had learned before the prediction, including
        earlier learning if the model reports ``n_samples_seen_``), ``y``, ``y_pred``,
        ``error`` (``y - y_pred``), ``abs_error``, ``mae`` and ``rmse`` (rolling over
        ``window`` scored samples, or cumulative).

    Examples
    --------
    >>> from analytics import OnlineLinearRegression, load_ex1data1
    >>> df = load_ex1data1()
    >>> frame = progressive_validation(
    ...     OnlineLinearRegression(), df[["population_10k"]], df["profit_10k"], window=20
    ... )
    >>> len(frame), list(frame.columns)[:3]
    (96, ['n_seen', 'y', 'y_pred'])
    """
    if not all(callable(getattr(model, m, None)) for m in ("predict", "partial_fit")):
        raise AnalyticsTypeError(
            f"The 'model' parameter of {_FUNC} must have predict and partial_fit methods, "
            f"like OnlineLinearRegression. Got {type(model).__name__} instead."
        )
    batch_size = check_int(batch_size, name="batch_size", func=_FUNC, minimum=1)
    if window is not None:
        window = check_int(window, name="window", func=_FUNC, minimum=1)
    index = X.index if isinstance(X, pd.DataFrame | pd.Series) else None
    n_features = getattr(model, "n_features_in_", None)
    X_arr, y_arr = check_Xy(X, y, func=_FUNC, n_features=n_features)
    n = X_arr.shape[0]
    fitted = hasattr(model, "coef_") or n_features is not None
    if warmup is None:
        warmup = 0 if fitted else min(batch_size, n)
    warmup = check_int(warmup, name="warmup", func=_FUNC, minimum=0 if fitted else 1)
    if warmup >= n:
        raise AnalyticsValueError(
            f"The 'warmup' parameter of {_FUNC} must leave samples to score: the stream has "
            f"{n} samples. Got warmup={warmup}."
        )
    bounds = [(s, min(s + batch_size, warmup)) for s in range(0, warmup, batch_size)]
    bounds += [(s, min(s + batch_size, n)) for s in range(warmup, n, batch_size)]
    preds = np.empty(n - warmup)
    seen = np.empty(n - warmup, dtype=np.int64)
    coefs = np.empty((n - warmup, X_arr.shape[1] + 1)) if record_coef else None
    prior = getattr(model, "n_samples_seen_", 0) if fitted else 0
    prior = prior if isinstance(prior, int | np.integer) else 0
    bar = _progress_bar(n, progress)
    try:
        for start, stop in bounds:
            if start >= warmup:
                preds[start - warmup : stop - warmup] = model.predict(X_arr[start:stop])
                seen[start - warmup : stop - warmup] = prior + start
            try:
                model.partial_fit(X_arr[start:stop], y_arr[start:stop])
            except AnalyticsValueError as exc:
                where = f"sample {start}" if stop - start == 1 else f"samples {start}-{stop - 1}"
                raise AnalyticsValueError(f"{exc} (at stream {where})") from None
            if coefs is not None and start >= warmup:
                linear = cast(_LinearModel, model)
                coefs[start - warmup : stop - warmup, :-1] = np.asarray(linear.coef_)
                coefs[start - warmup : stop - warmup, -1] = float(linear.intercept_)
            if bar is not None:
                bar.update(stop - start)
    finally:
        if bar is not None:
            bar.close()
    y_scored = y_arr[warmup:]
    err = y_scored - preds
    frame = pd.DataFrame(
        {"n_seen": seen, "y": y_scored, "y_pred": preds, "error": err, "abs_error": np.abs(err)},
        index=None if index is None else index[warmup:],
    )
    metrics = rolling_metrics(err, window=window)
    frame["mae"], frame["rmse"] = metrics["mae"].to_numpy(), metrics["rmse"].to_numpy()
    if coefs is not None:
        names = list(X.columns) if isinstance(X, pd.DataFrame) else range(X_arr.shape[1])
        for j, name in enumerate(names):
            frame[f"coef_{name}"] = coefs[:, j]
        frame["intercept"] = coefs[:, -1]
    return frame


def rolling_metrics(errors: Any, *, window: int | None = None) -> pd.DataFrame:
    """MAE and RMSE of a stream of prediction errors, rolling over ``window`` or cumulative.

    Parameters
    ----------
    errors : array-like of shape (n,)
        Prediction errors ``y - y_pred`` in stream order.
    window : int, optional
        Rolling-window length (windows shorter at the start); cumulative if omitted.

    Returns
    -------
    pandas.DataFrame
        Columns ``mae`` and ``rmse``, one row per error.

    Examples
    --------
    >>> rolling_metrics([1.0, -3.0, 2.0], window=2)["mae"].tolist()
    [1.0, 2.0, 2.5]
    """
    err = np.asarray(errors, dtype=float)
    if window is not None:
        window = check_int(window, name="window", func="rolling_metrics", minimum=1)
    ab, sq = pd.Series(np.abs(err)), pd.Series(err**2)
    if window is None:
        mae, mse = ab.expanding().mean(), sq.expanding().mean()
    else:
        mae, mse = (
            ab.rolling(window, min_periods=1).mean(),
            sq.rolling(window, min_periods=1).mean(),
        )
    return pd.DataFrame({"mae": mae.to_numpy(), "rmse": np.sqrt(mse.to_numpy())})


def progressive_summary(frame: pd.DataFrame, *, window: int | None = None) -> dict[str, float]:
    """Summarise a :func:`progressive_validation` frame.

    Returns
    -------
    dict
        ``n_scored``, ``mae`` and ``rmse`` over all scored samples, and, if ``window`` is
        given, ``window_mae`` and ``window_rmse`` over the last ``window`` samples.
    """
    missing = {"error", "abs_error"} - set(frame.columns)
    if missing:
        raise AnalyticsValueError(
            f"The 'frame' parameter of progressive_summary must come from "
            f"progressive_validation; it lacks columns {sorted(missing)}."
        )
    err = frame["error"].to_numpy()
    if err.size == 0:
        raise AnalyticsValueError(
            "The 'frame' parameter of progressive_summary has no scored samples."
        )
    out = {
        "n_scored": int(err.size),
        "mae": float(np.mean(np.abs(err))),
        "rmse": float(np.sqrt(np.mean(err**2))),
    }
    if window is not None:
        window = check_int(window, name="window", func="progressive_summary", minimum=1)
        tail = err[-window:]
        out["window_mae"] = float(np.mean(np.abs(tail)))
        out["window_rmse"] = float(np.sqrt(np.mean(tail**2)))
    return out


def _progress_bar(total: int, enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="sample", desc="progressive validation", leave=False)
