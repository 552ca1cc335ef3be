"""Benchmark: online linear regression (QR-form RLS) against its peers.

Run from the repository root::

    python benchmarks/online_regression.py

Writes the ``online_regression`` section of BENCHMARKS.md. Three questions:

1. Speed of keeping the coefficients current over a stream (coefficients after every
   sample): our ``partial_fit`` one sample at a time, against refitting ``numpy.linalg.lstsq``
   on all rows seen after every sample, and against statsmodels ``RecursiveLS`` (a batch
   Kalman-filter computation of the same recursive coefficients; it needs the whole sample
   up front, so it cannot be resumed as data arrives).
2. Accuracy on an ill-conditioned design (polynomial features, cond ~ 1e5), against
   lstsq on all data: ours, statsmodels RecursiveLS, and textbook covariance-form RLS
   (``P = delta * I`` start, Sherman-Morrison updates).
3. The classic ex1data1 numbers.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import OnlineLinearRegression, load_ex1data1
from benchmarks._report import machine, median_time, write_section

REPEAT = 3


def _stream(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    model = OnlineLinearRegression()
    path = np.empty((len(y), X.shape[1] + 1))
    for i in range(len(y)):
        model.partial_fit(X[i : i + 1], y[i : i + 1])
        path[i, 0] = model.intercept_
        path[i, 1:] = model.coef_
    return path


def _refit(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    A = np.hstack([np.ones((len(y), 1)), X])
    path = np.empty((len(y), A.shape[1]))
    for i in range(len(y)):
        path[i] = np.linalg.lstsq(A[: i + 1], y[: i + 1], rcond=None)[0]
    return path


def _statsmodels(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    import statsmodels.api as sm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sm.RecursiveLS(y, sm.add_constant(X, has_constant="add")).fit()
    return np.asarray(res.recursive_coefficients.filtered).T


def _covariance_rls(X: np.ndarray, y: np.ndarray, delta: float = 1e8) -> np.ndarray:
    """Textbook RLS: P = delta * I, gain k = P x / (1 + x' P x), P -= k x' P."""
    A = np.hstack([np.ones((len(y), 1)), X])
    k = A.shape[1]
    P = delta * np.eye(k)
    theta = np.zeros(k)
    for a, t in zip(A, y, strict=True):
        Pa = P @ a
        gain = Pa / (1.0 + a @ Pa)
        theta = theta + gain * (t - a @ theta)
        P = P - np.outer(gain, Pa)
    return theta


def speed_rows() -> list[str]:
    rows = []
    for n in (1000, 5000, 20000):
        rng = np.random.default_rng(n)
        X = rng.normal(size=(n, 5))
        y = X @ rng.normal(size=5) + 1.0 + rng.normal(size=n)
        ours = _stream(X, y)
        ref = _refit(X, y)
        sm_path = _statsmodels(X, y)
        t_ours = median_time(lambda X=X, y=y: _stream(X, y), repeat=REPEAT)
        t_refit = median_time(lambda X=X, y=y: _refit(X, y), repeat=REPEAT)
        t_sm = median_time(lambda X=X, y=y: _statsmodels(X, y), repeat=REPEAT)
        err = np.abs(ours[10:] - ref[10:]).max()
        err_sm = np.abs(sm_path[10:] - ref[10:]).max()
        rows.append(
            f"| {n} | {t_ours:.3f} s ({t_ours / n * 1e6:.0f} µs/sample) | {t_refit:.3f} s "
            f"| **{t_refit / t_ours:.1f}x** | {t_sm:.3f} s | {t_sm / t_ours:.2f}x "
            f"| {err:.1e} | {err_sm:.1e} |"
        )
        print(rows[-1], flush=True)
    return rows


def accuracy_rows() -> list[str]:
    t = np.linspace(0.0, 1.0, 300)
    X = np.vander(t, 8, increasing=True)[:, 1:]
    y = X @ np.arange(1.0, 8.0) + 0.01 * np.random.default_rng(3).normal(size=t.size)
    A = np.hstack([np.ones((t.size, 1)), X])
    ref = np.linalg.lstsq(A, y, rcond=None)[0]
    results = {
        "ours (QR-form RLS, one sample at a time)": _stream(X, y)[-1],
        "statsmodels RecursiveLS": _statsmodels(X, y)[-1],
        "covariance-form RLS (delta = 1e8)": _covariance_rls(X, y),
        "normal equations (solve X'X, batch)": np.linalg.solve(A.T @ A, A.T @ y),
    }
    rows = [f"| {name} | {np.abs(c - ref).max():.1e} |" for name, c in results.items()]
    rows.insert(0, f"| (condition number of X: {np.linalg.cond(A):.1e}) | |")
    for r in rows:
        print(r, flush=True)
    return rows


def ex1_rows() -> list[str]:
    df = load_ex1data1()
    X, y = df[["population_10k"]], df["profit_10k"]
    gd = OnlineLinearRegression(method="sgd", learning_rate=0.01).fit(X, y, iterations=1500)
    rls = OnlineLinearRegression().fit(X, y)
    pred = gd.predict([3.5, 7.0]) * 10_000
    return [
        f"| J at theta = 0 | 32.07 | {gd.cost_history_[0]:.4f} |",
        f"| gradient descent, alpha 0.01, 1500 iterations | (-3.6303, 1.1664) "
        f"| ({gd.intercept_:.4f}, {gd.coef_[0]:.4f}) |",
        f"| predicted profit, population 35,000 / 70,000 | 4,520 / 45,342 "
        f"| {pred[0]:,.0f} / {pred[1]:,.0f} |",
        f"| RLS (= OLS) | (-3.8958, 1.1930) | ({rls.intercept_:.4f}, {rls.coef_[0]:.4f}) |",
    ]


def main() -> None:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        speed = speed_rows()
        accuracy = accuracy_rows()
    ex1 = ex1_rows()
    md = "\n".join(
        [
            "## Online linear regression (`analytics.OnlineLinearRegression`)",
            "",
            "Command: `python benchmarks/online_regression.py` (BLAS limited to 1 thread).",
            f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end "
            "(shared machine).",
            f"Times are medians of {REPEAT} runs, all peers measured in the same run.",
            "",
            "**Keeping the coefficients current over a stream** (5 features + intercept, "
            "coefficients after every sample). Error columns: largest difference to refitting "
            "lstsq, from sample 10 on.",
            "",
            "| samples | ours: partial_fit per sample | refit lstsq every sample "
            "| refit / ours | statsmodels RecursiveLS (batch) | statsmodels / ours "
            "| ours vs lstsq | statsmodels vs lstsq |",
            "|---|---|---|---|---|---|---|---|",
            *speed,
            "",
            "statsmodels computes the same recursive coefficients faster, but as one batch "
            "over the whole sample: it cannot take new rows without starting over. Ours is "
            "a resumable stream (and saves/loads its state).",
            "",
            "**Accuracy on an ill-conditioned design** (degree-7 polynomial features on "
            "[0, 1], 300 rows streamed one at a time): largest coefficient error against "
            "lstsq on all rows.",
            "",
            "| method | max abs coefficient error |",
            "|---|---|",
            *accuracy,
            "",
            "**ex1data1** (published numbers of the classic exercise against ours):",
            "",
            "| quantity | published | ours |",
            "|---|---|---|",
            *ex1,
        ]
    )
    write_section("online_regression", md)
    print(md)


if __name__ == "__main__":
    main()
