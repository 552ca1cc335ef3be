"""Random nasty series for the fuzz tests of every public entry point (issue 14).

Each fuzz test draws its series from a :class:`numpy.random.Generator` with a fixed seed
(:func:`fuzz_rng`), so a failure names the draw (``case``) and reruns identically; no
hypothesis shrinking is involved (the loops must stay within a fixed time budget).

:func:`nasty_series` mixes the cases users and probes hand in: ordinary, seasonal and
random-walk series, denormals (5e-324) beside zeros and negatives or beside positive
values only, huge (1e300) and tiny
(1e-300) magnitudes, zeros, constants, negative values, NaN or inf inserted, spikes,
trailing zeros, intermittent counts, integer and object dtypes (numbers, and numbers with
a stray string), lengths 0 to 30 and long ones (up to 240), and now and then another
frequency or a DatetimeIndex.

:class:`Outcomes` runs one call and classifies it: a finite answer, or the package's own
error (a subclass of the package's error base whose message names a parameter in quotes).
Anything else (a foreign exception, a package error that names nothing, a NaN/inf answer)
fails the test with the case number and the series. The counts are printed (shown by
``pytest -rA``) and merged into ``$TMPDIR/riskcast-fuzz-counts.json``.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import warnings
import zlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

KINDS = (
    "normal", "seasonal", "walk", "denormal", "denormal-positive", "huge", "tiny", "zeros",
    "constant", "negative", "nan", "inf", "spike", "trailing-zeros", "counts", "ints",
    "object", "object-text",
)  # fmt: skip

#: A package error must name what was wrong: a quoted parameter or value (``'history'``).
NAMES_PARAMETER = re.compile(r"'[^']+'")

COUNTS_FILE = os.path.join(tempfile.gettempdir(), "riskcast-fuzz-counts.json")


def fuzz_rng(name: str) -> np.random.Generator:
    """The fixed-seed Generator of one fuzz test (seeded by a CRC of its name)."""
    return np.random.default_rng(zlib.crc32(name.encode()))


def _length(rng: np.random.Generator, max_long: int) -> int:
    u = rng.random()
    if u < 0.6:
        return int(rng.integers(0, 31))
    if u < 0.85:
        return int(rng.integers(31, 73))
    return int(rng.integers(73, max_long + 1))


def _values(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n)
    level = float(rng.choice([1.0, 10.0, 100.0, 1e4]))
    base = level * (1 + 0.1 * rng.standard_normal(n))
    if kind == "seasonal":
        return level * (1 + 0.3 * np.sin(2 * np.pi * t / 12) + 0.05 * rng.standard_normal(n))
    if kind == "walk":
        return level + np.cumsum(rng.standard_normal(n)) * level * 0.05
    if kind == "denormal":
        pool = np.array([5e-324, -5e-324, 1e-310, 0.0, -0.0, 1e-12, -1e-12, -3.0, 2.0, 1.0])
        return rng.choice(pool, size=n)
    if kind == "denormal-positive":
        pool = np.array([5e-324, 1e-310, 1e-300, 1e-12, 1.0, 2.0, 3.0])
        return rng.choice(pool, size=n)
    if kind == "huge":
        return float(rng.choice([1e300, -1e300, 1e306, 1e140, -1e140])) * (
            1 + 0.1 * rng.standard_normal(n)
        )
    if kind == "tiny":
        return float(rng.choice([1e-300, 1e-320, 1e-140])) * (1 + 0.1 * rng.standard_normal(n))
    if kind == "zeros":
        return np.zeros(n)
    if kind == "constant":
        return np.full(n, float(rng.choice([0.5, 7.0, -2.0, 1e5])))
    if kind == "negative":
        return -base
    if kind in ("nan", "inf"):
        bad = {"nan": np.nan, "inf": float(rng.choice([np.inf, -np.inf]))}[kind]
        if n:
            base[rng.integers(0, n, size=int(rng.integers(1, 3)))] = bad
        return base
    if kind == "spike":
        if n:
            base[rng.integers(0, n)] *= float(rng.choice([1e3, 1e6, -1e6]))
        return base
    if kind == "trailing-zeros":
        base[n - int(rng.integers(1, max(n, 1) + 1)) :] = 0.0
        return base
    if kind == "counts":
        return rng.poisson(0.3, size=n).astype(float)
    return base  # normal, ints, object, object-text


def nasty_series(
    rng: np.random.Generator, *, max_long: int = 240, freqs: tuple[str, ...] = ("M",)
) -> tuple[str, pd.Series]:
    """One random series and its kind; mostly monthly PeriodIndex (``freqs`` adds others)."""
    kind = str(rng.choice(KINDS))
    n = _length(rng, max_long)
    v = _values(kind, n, rng)
    freq = str(rng.choice(freqs)) if rng.random() < 0.2 else freqs[0]
    start = pd.Period("2001-01", freq="M") + int(rng.integers(0, 12))
    index: pd.Index = pd.period_range(start.asfreq(freq), periods=n, freq=freq)
    if rng.random() < 0.1 and freq == "M":
        index = index.to_timestamp()
    if kind == "ints":
        return kind, pd.Series(np.round(v).astype(np.int64), index=index)
    if kind in ("object", "object-text"):
        obj = pd.Series(list(v), index=index, dtype=object)
        if kind == "object-text" and n:
            obj.iloc[int(rng.integers(0, n))] = str(rng.choice(["n/a", "12,5", "", "x"]))
        return kind, obj
    return kind, pd.Series(v, index=index)


def nasty_question(
    rng: np.random.Generator, *, max_long: int = 240
) -> tuple[pd.Series, Any, float, str]:
    """One random target question: a :func:`nasty_series`, an ``as_of`` up to 11 months
    before its end, a target near the last 12 months' sum (5% NaN, inf or negative) and
    a sampler."""
    _, y = nasty_series(rng, max_long=max_long)
    back = int(rng.integers(0, 12))
    as_of = y.index[-1 - back % len(y)] if len(y) else "2001-06"
    if rng.random() < 0.05:
        target = float(rng.choice([np.nan, np.inf, -5.0]))
    else:
        level = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float)
        with np.errstate(all="ignore"):
            target = float(np.nansum(level[-12:]) * rng.uniform(0.5, 1.5)) if len(y) else 1.0
    sampler = str(rng.choice(["plain", "antithetic", "sobol"]))
    return y, as_of, target, sampler


def is_finite(*values: Any) -> bool:
    """Whether every number in ``values`` (arrays, frames, scalars) is finite."""
    for v in values:
        arr = np.asarray(v.to_numpy() if hasattr(v, "to_numpy") else v, dtype=float)
        if not np.isfinite(arr).all():
            return False
    return True


class Outcomes:
    """Counts of one entry point's outcomes; :meth:`run` classifies one call."""

    def __init__(
        self,
        entry: str,
        error: type[BaseException] | tuple[type[BaseException], ...],
        *,
        strict: bool = True,
    ) -> None:
        self.entry = entry
        self.error = error
        self.strict = strict
        self.counts: Counter[str] = Counter()
        #: Failures kept instead of raised when not ``strict`` (exploration scripts).
        self.failures: list[str] = []

    def run(
        self, case: int, series: Any, call: Callable[[], Any], check: Callable[[Any], bool]
    ) -> Any:
        """``call()``; a finite answer (``check(answer)``) or a package error naming a
        parameter is counted, anything else fails with the case and the input."""
        where = f"{self.entry} case {case} (input {_show(series)})"
        if not self.strict:
            try:
                return Outcomes.run(_strict(self), case, series, call, check)
            except AssertionError as exc:
                self.failures.append(str(exc))
                self.counts["FAULT"] += 1
                return None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                answer = call()
        except self.error as exc:
            assert NAMES_PARAMETER.search(str(exc)), f"names nothing: {exc!r} in {where}"
            self.counts["package error"] += 1
            return None
        except Exception as exc:  # the point of the test: nothing foreign escapes
            raise AssertionError(f"foreign {type(exc).__name__}: {exc} in {where}") from exc
        assert check(answer), f"non-finite or malformed answer {_short(answer)} in {where}"
        self.counts["finite"] += 1
        return answer

    def total(self) -> int:
        """Number of calls counted."""
        return sum(self.counts.values())


def _strict(o: Outcomes) -> Outcomes:
    s = Outcomes(o.entry, o.error)
    s.counts = o.counts
    return s


def report(*outcomes: Outcomes) -> str:
    """Print the counts table and merge it into :data:`COUNTS_FILE`; returns the table."""
    rows = [f"{'entry point':<44} {'finite':>7} {'package error':>14} {'total':>6}"]
    merged: dict[str, dict[str, int]] = {}
    if os.path.exists(COUNTS_FILE):
        try:
            with open(COUNTS_FILE, encoding="utf-8") as fh:
                merged = json.load(fh)
        except (OSError, ValueError):
            merged = {}
    for o in outcomes:
        c = o.counts
        rows.append(f"{o.entry:<44} {c['finite']:>7} {c['package error']:>14} {o.total():>6}")
        merged[o.entry] = {"finite": c["finite"], "package error": c["package error"]}
    tmp = f"{COUNTS_FILE}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(merged, fh, indent=1, sort_keys=True)
    os.replace(tmp, COUNTS_FILE)
    table = "\n".join(rows)
    print(table)
    return table


def _show(series: Any) -> str:
    if isinstance(series, pd.Series):
        vals = ", ".join(repr(v) for v in series.tolist()[:40])
        more = "..." if len(series) > 40 else ""
        first = series.index[0] if len(series) else "-"
        return f"Series(n={len(series)}, dtype={series.dtype}, start={first}, [{vals}{more}])"
    return repr(series)[:400]


def _short(answer: Any) -> str:
    text = " ".join(repr(answer).split())
    return text if len(text) <= 300 else text[:300] + "..."
