"""Block bootstrap of past years' same-period behaviour (:class:`BootstrapSimulator`).

For a cutoff ``as_of`` (month ``m``) and a horizon ``h``, every past year ``y`` offers one
block: the ``h`` months after ``y-m``. A path is one block, drawn with replacement and
rescaled to this year's level, so the within-block pattern (e.g. a weak December after a
strong October) is kept exactly as it happened. No distribution is assumed; the price is a
discrete predictive distribution with as many distinct paths as past years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kernel import MAX_MAGNITUDE
from montecarlo.checks import check_choice, check_positive_int
from montecarlo.errors import MonteCarloValueError
from montecarlo.samplers import Sampler
from montecarlo.seasonal import past_blocks
from montecarlo.simulate import MonthlySimulator

__all__ = ["BootstrapSimulator"]

_SCALES = ("ytd", "trailing12", "none")


class BootstrapSimulator(MonthlySimulator):
    """Resample whole same-period blocks of past years, rescaled to the current level.

    Parameters
    ----------
    scale : {"ytd", "trailing12", "none"}, default "ytd"
        How a past block is brought to this year's level: multiplied by
        ``YTD_now / YTD_y`` (year to date), by the ratio of the 12-month totals ending at
        the cutoffs, or not at all.
    window : int or None, default None
        Resample only the last ``window`` past years.
    min_years : int, default 3
        Past blocks needed.

    Examples
    --------
    >>> from montecarlo.datasets import load_monthly_units
    >>> sim = BootstrapSimulator().fit(load_monthly_units())
    >>> sim.paths("2015-09", 3, 5, rng=0).shape
    (5, 3)
    """

    min_months = 24

    def __init__(
        self, *, scale: str = "ytd", window: int | None = None, min_years: int = 3
    ) -> None:
        self.scale = scale
        self.window = window
        self.min_years = min_years

    def _check_params(self) -> None:
        func = "BootstrapSimulator"
        check_choice(self.scale, _SCALES, name="scale", func=func)
        check_positive_int(self.min_years, name="min_years", func=func, minimum=2)
        if self.window is not None:
            check_positive_int(self.window, name="window", func=func, minimum=2)

    def _prepare(self, history: pd.Series) -> pd.Series:
        return history

    def scaled_blocks(self, history: pd.Series, as_of: pd.Period, horizon: int) -> np.ndarray:
        """The past blocks brought to the current level, shape ``(k, horizon)``."""
        pb = past_blocks(history, as_of, horizon)
        values = history.to_numpy()
        pos = (as_of - history.index[0]).n
        if self.scale == "ytd":
            jan = pd.Period(year=as_of.year, month=1, freq="M")
            if jan < history.index[0]:
                raise MonteCarloValueError(
                    f"BootstrapSimulator(scale='ytd') needs the year to date of "
                    f"{as_of.year} (from {jan}); the history starts at {history.index[0]}."
                )
            now, past = float(values[(jan - history.index[0]).n : pos + 1].sum()), pb.ytd
        elif self.scale == "trailing12":
            if pos < 11:
                raise MonteCarloValueError(
                    f"BootstrapSimulator(scale='trailing12') needs 12 months up to {as_of}. "
                    f"Got {pos + 1}."
                )
            now, past = float(values[pos - 11 : pos + 1].sum()), pb.trailing
        else:
            now, past = 1.0, np.ones_like(pb.ytd)
        ok = np.isfinite(past) & (past > 0)
        with np.errstate(over="ignore"):
            scaled = pb.blocks * (now / np.where(ok, past, 1.0))[:, None]
        # a year whose level is nearly zero (a denormal year to date) rescales to infinity
        ok &= (np.abs(scaled) <= MAX_MAGNITUDE).all(axis=1)
        blocks = scaled[ok]
        if self.window is not None:
            blocks = blocks[-self.window :]
        if blocks.shape[0] < self.min_years:
            raise MonteCarloValueError(
                f"BootstrapSimulator(scale={self.scale!r}) needs at least {self.min_years} "
                f"past years of 'history' with data for month {as_of.month} and the "
                f"{horizon} months after it, all before {as_of} (with a positive "
                f"{self.scale} level that rescales them within +-{MAX_MAGNITUDE:g}). "
                f"Got {blocks.shape[0]}."
            )
        return blocks

    def _draw(
        self,
        state: pd.Series,
        as_of: pd.Period,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        sampler: Sampler,
    ) -> np.ndarray:
        blocks = self.scaled_blocks(state, as_of, horizon)
        k = blocks.shape[0]
        u = sampler.uniforms(n, 1, rng)[:, 0]
        idx = np.minimum((u * k).astype(np.int64), k - 1)
        return blocks[idx]
