"""What an anomaly detector returns: :class:`AnomalyResult`, per-month scores and flags.

Both detectors (:class:`forecast.AutoencoderDetector`, :class:`forecast.STLDetector`) turn a
month's raw score into a *robust z*: ``(s - median(s)) / (1.4826 * MAD(s))`` over the months
of the same series, so one threshold serves series of any scale. A month is flagged when its
z exceeds the detector's ``threshold`` (chosen on training series, see each detector).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecast.errors import ForecastValueError, NotFittedError
from kernel import BaseEstimator, html_card, html_table

__all__ = ["AnomalyResult", "robust_z"]

#: 1 / Phi^-1(0.75): the MAD of a normal sample times this is its standard deviation.
MAD_TO_SD = 1.4826
#: sqrt(pi / 2): the mean absolute deviation of a normal sample times this is its sd.
MEAN_DEV_TO_SD = 1.2533


def robust_scale(values: np.ndarray) -> float:
    """``1.4826 * MAD`` of ``values``, else their mean absolute deviation, else 1 (never 0)."""
    med = float(np.median(values))
    dev = np.abs(values - med)
    mad = MAD_TO_SD * float(np.median(dev))
    if mad > 0 and np.isfinite(mad):
        return mad
    mean_dev = MEAN_DEV_TO_SD * float(np.mean(dev))
    return mean_dev if mean_dev > 0 and np.isfinite(mean_dev) else 1.0


def robust_z(values: np.ndarray) -> np.ndarray:
    """``(values - median) / robust_scale(values)``, shape as ``values``.

    Examples
    --------
    >>> import numpy as np
    >>> robust_z(np.array([1.0, 2.0, 3.0, 4.0, 100.0])).round(2).tolist()
    [-1.35, -0.67, 0.0, 0.67, 65.43]
    """
    v = np.asarray(values, dtype=float)
    return (v - float(np.median(v))) / robust_scale(v)


def check_threshold(threshold: Any, *, func: str) -> float:
    """A finite threshold > 0 (robust z units)."""
    ok = isinstance(threshold, int | float) and not isinstance(threshold, bool)
    if not ok or not np.isfinite(threshold) or threshold <= 0:
        raise ForecastValueError(
            f"The 'threshold' parameter of {func} must be a finite number > 0 (robust z "
            f"units). Got {threshold!r} instead."
        )
    return float(threshold)


@dataclass(frozen=True)
class AnomalyResult:
    """Per-month anomaly scores and flags of one history.

    Attributes
    ----------
    scores : pandas.Series
        Robust z of every month's raw score (PeriodIndex of the history).
    flags : pandas.Series of bool
        ``scores > threshold``.
    threshold : float
        The flag rule: a month is unusual when its score exceeds this.
    method : str
        ``"autoencoder"`` or ``"stl"``.
    raw : pandas.Series
        The raw scores before the robust z: the autoencoder's or the STL residual, in the
        history's units.
    """

    scores: pd.Series
    flags: pd.Series
    threshold: float
    method: str
    raw: pd.Series

    @property
    def flagged(self) -> pd.PeriodIndex:
        """The flagged months, in time order."""
        return pd.PeriodIndex(self.flags.index[self.flags.to_numpy(dtype=bool)])

    @property
    def n_flagged(self) -> int:
        """How many months are flagged."""
        return int(self.flags.sum())

    def to_frame(self) -> pd.DataFrame:
        """One row per month: ``score``, ``flagged``, ``raw``."""
        return pd.DataFrame({"score": self.scores, "flagged": self.flags, "raw": self.raw})

    def describe(self) -> str:
        """One line: how many months are flagged at which rule, and which."""
        months = ", ".join(str(p) for p in self.flagged) or "none"
        return (
            f"{self.n_flagged} of {len(self.flags)} months unusual by {self.method} "
            f"(score > {self.threshold:g}): {months}"
        )

    def __repr__(self) -> str:
        idx = self.flags.index
        span = f"{idx[0]}..{idx[-1]}" if len(idx) else "empty"
        shown = [f"{p}: {self.scores[p]:.1f}" for p in self.flagged[:6]]
        more = f", ... {self.n_flagged - 6} more" if self.n_flagged > 6 else ""
        return (
            f"AnomalyResult(method={self.method!r}, months={len(idx)} ({span}), "
            f"threshold={self.threshold:g}, flagged={self.n_flagged} [{', '.join(shown)}{more}])"
        )

    def _repr_html_(self) -> str:
        table = self.to_frame().loc[self.flagged].reset_index(names="month")
        table["month"] = table["month"].astype(str)
        facts = [
            ("method", self.method),
            ("months", f"{len(self.flags)}"),
            ("rule", f"score > {self.threshold:g} (robust z)"),
            ("flagged", f"{self.n_flagged}"),
        ]
        fmt = {"score": "{:.2f}", "raw": "{:.4g}"}
        return html_card("Unusual months", facts, tables=[html_table(table, fmt)])


class DetectorBase(BaseEstimator):
    """What every anomaly detector shares: ``fit`` sets ``result_``; ``detect`` and
    ``flags_`` read it."""

    result_: AnomalyResult

    def fit(self, history: pd.Series) -> Any:  # pragma: no cover - every detector overrides
        raise NotImplementedError

    def detect(self, history: pd.Series) -> AnomalyResult:
        """``fit(history).result_``."""
        return self.fit(history).result_

    @property
    def flags_(self) -> pd.Series:
        """The flags of the fitted history."""
        if not hasattr(self, "result_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet. Call fit(history) first."
            )
        return self.result_.flags
