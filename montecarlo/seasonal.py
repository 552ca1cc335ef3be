"""Seasonal simulators: the months still to come as past years say they go.

The classic method draws every future month from one distribution of *all* months, so it
cannot know that some months are weak. :class:`SeasonalSimulator` learns from the same
period of past years, in one of three ways (``method=``):

``"share"``
    The remaining months' total relative to the year to date: for every past year ``y``
    with the same cutoff month, ``L_y = log(sum of the next h months / year-to-date)``.
    The future total is ``YTD_now * exp(L)``, ``L`` drawn from the Student-t predictive
    distribution of the ``L_y`` (optionally with a linear trend over the years); the
    total is split over the months by their average past shares.
``"yoy"`` (default)
    Year-over-year ratios: the future months are last year's same months times a growth
    ``G = g_ytd * exp(e)``, where ``g_ytd`` is this year's year-to-date growth and ``e``
    the (predictive) error past years made when carrying their year-to-date growth to
    the rest of the year.
``"monthly"``
    Per-calendar-month distributions: every future month drawn independently from the
    Student-t predictive of the same calendar month in past years (``trend=True``: of
    its linear trend over the years).

Only the data up to ``as_of`` are used; Student-t predictives carry the uncertainty of
the estimated mean and spread, which matters with 10-20 past years.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from montecarlo.checks import check_choice, check_positive_int
from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError
from montecarlo.samplers import Sampler
from montecarlo.simulate import MonthlySimulator

__all__ = [
    "PastBlocks",
    "SeasonalSimulator",
    "past_blocks",
    "predictive_t",
    "remaining_share",
]

_METHODS = ("yoy", "share", "monthly")


@dataclass(frozen=True)
class PastBlocks:
    """The same period in past years, for a cutoff month and a horizon.

    Attributes
    ----------
    years : ndarray of shape (k,)
        Years ``y`` whose cutoff ``y-MM`` plus ``horizon`` months lie before ``as_of``.
    blocks : ndarray of shape (k, horizon)
        The ``horizon`` months after each past cutoff.
    ytd : ndarray of shape (k,)
        Year-to-date total (January to the cutoff month) of each past year.
    trailing : ndarray of shape (k,)
        Total of the 12 months ending at each past cutoff (NaN when not available).
    """

    years: np.ndarray
    blocks: np.ndarray
    ytd: np.ndarray
    trailing: np.ndarray


def past_blocks(history: pd.Series, as_of: pd.Period, horizon: int) -> PastBlocks:
    """Collect the same-period blocks of past years from a history ending at ``as_of``."""
    values = history.to_numpy()
    start = history.index[0]
    pos_now = (as_of - start).n
    years, blocks, ytd, trailing = [], [], [], []
    for y in range(start.year, as_of.year):
        cut = pd.Period(year=y, month=as_of.month, freq="M")
        jan = pd.Period(year=y, month=1, freq="M")
        if jan < start:
            continue
        pos = (cut - start).n
        if pos + horizon > pos_now:
            continue
        years.append(y)
        blocks.append(values[pos + 1 : pos + 1 + horizon])
        ytd.append(values[(jan - start).n : pos + 1].sum())
        trailing.append(values[pos - 11 : pos + 1].sum() if pos >= 11 else np.nan)
    h = int(horizon)
    return PastBlocks(
        years=np.asarray(years, dtype=np.float64),
        blocks=np.asarray(blocks, dtype=np.float64).reshape(len(years), h),
        ytd=np.asarray(ytd, dtype=np.float64),
        trailing=np.asarray(trailing, dtype=np.float64),
    )


def remaining_share(history: pd.Series, as_of: pd.Period) -> dict[str, Any]:
    """How much of a year the months after ``as_of`` usually bring, from past years.

    Returns
    -------
    dict
        ``months_left``; ``equal_share`` (``months_left / 12``, what iid months imply);
        ``mean_share`` / ``min_share`` / ``max_share`` of the year-end total the
        remaining months brought in past complete years; ``n_years``; ``month_index``:
        each remaining calendar month's mean relative to the mean of all months
        (1.0 = average month), from the data up to ``as_of``.

    Examples
    --------
    >>> from montecarlo.datasets import load_monthly_units
    >>> s = remaining_share(load_monthly_units(), pd.Period("2015-09", freq="M"))
    >>> s["mean_share"] < s["equal_share"]  # Q4 is the weak quarter
    True
    """
    cut = history.loc[:as_of]
    left = 12 - as_of.month
    pb = past_blocks(cut, as_of, left) if left else None
    if pb is None or pb.years.size == 0:
        shares = np.array([])
    else:
        shares = pb.blocks.sum(axis=1) / (pb.ytd + pb.blocks.sum(axis=1))
    overall = float(cut.mean())
    index = {}
    for j in range(left):
        month = (as_of + j + 1).month
        same = cut[cut.index.month == month]
        index[f"{month:02d}"] = float(same.mean() / overall) if same.size and overall else None
    return {
        "months_left": left,
        "equal_share": left / 12,
        "mean_share": float(shares.mean()) if shares.size else None,
        "min_share": float(shares.min()) if shares.size else None,
        "max_share": float(shares.max()) if shares.size else None,
        "n_years": int(shares.size),
        "month_index": index,
    }


def predictive_t(
    x: np.ndarray, y: np.ndarray, x_new: float, *, trend: bool
) -> tuple[float, float, float]:
    """Student-t predictive ``(loc, scale, df)`` of a new value at ``x_new``.

    Without trend: ``mean(y) + sd(y) * sqrt(1 + 1/n) * t_{n-1}``. With a linear trend in
    ``x``: the ordinary least-squares prediction interval with ``n - 2`` degrees of freedom.

    Examples
    --------
    >>> loc, scale, df = predictive_t(np.arange(4.0), np.array([1.0, 2, 3, 4]), 4.0, trend=True)
    >>> round(loc, 6), scale, df
    (5.0, 0.0, 2.0)
    """
    n = y.size
    if not trend:
        sd = float(y.std(ddof=1)) if n > 1 else 0.0
        return float(y.mean()), sd * float(np.sqrt(1.0 + 1.0 / n)), float(max(n - 1, 1))
    xc = x - x.mean()
    sxx = float(xc @ xc)
    slope = float(xc @ (y - y.mean())) / sxx
    fitted = y.mean() + slope * xc
    resid = y - fitted
    s = float(np.sqrt(resid @ resid / (n - 2)))
    loc = float(y.mean() + slope * (x_new - x.mean()))
    scale = s * float(np.sqrt(1.0 + 1.0 / n + (x_new - x.mean()) ** 2 / sxx))
    if scale < 1e-12 * max(1.0, abs(loc)):
        scale = 0.0
    return loc, scale, float(n - 2)


def _t_ppf(u: np.ndarray, loc: float, scale: float, df: float) -> np.ndarray:
    if scale == 0.0:
        return np.full(np.shape(u), loc)
    return loc + scale * stats.t.ppf(u, df)


class SeasonalSimulator(MonthlySimulator):
    """Simulate the rest of the year from the same period of past years.

    Parameters
    ----------
    method : {"yoy", "share", "monthly"}, default "yoy"
        See the module docstring.
    trend : bool, default False
        Fit a linear trend over the years to the modelled quantity (the log ratio for
        ``"share"`` and ``"yoy"``, each calendar month's level for ``"monthly"``).
    window : int or None, default None
        Use only the last ``window`` past years.
    min_years : int, default 3
        Past years with the same period needed (4 with ``trend=True``).

    Examples
    --------
    >>> from montecarlo.datasets import load_monthly_units
    >>> sim = SeasonalSimulator().fit(load_monthly_units())
    >>> p = sim.paths("2015-09", 3, 1000, rng=0)
    >>> bool(p.mean(axis=0)[0] > p.mean(axis=0)[2])  # October above December
    True
    """

    min_months = 24

    def __init__(
        self,
        *,
        method: str = "yoy",
        trend: bool = False,
        window: int | None = None,
        min_years: int = 3,
    ) -> None:
        self.method = method
        self.trend = trend
        self.window = window
        self.min_years = min_years

    def _check_params(self) -> None:
        func = "SeasonalSimulator"
        check_choice(self.method, _METHODS, name="method", func=func)
        if not isinstance(self.trend, bool | np.bool_):
            raise MonteCarloTypeError(
                f"The 'trend' parameter of {func} must be True or False. "
                f"Got {type(self.trend).__name__} {self.trend!r} instead."
            )
        check_positive_int(self.min_years, name="min_years", func=func, minimum=2)
        if self.window is not None:
            check_positive_int(self.window, name="window", func=func, minimum=2)

    def _prepare(self, history: pd.Series) -> pd.Series:
        return history

    def _needed(self) -> int:
        return max(self.min_years, 4 if self.trend else 2)

    def _blocks(self, history: pd.Series, as_of: pd.Period, horizon: int) -> PastBlocks:
        pb = past_blocks(history, as_of, horizon)
        if self.window is not None and pb.years.size > self.window:
            k = slice(pb.years.size - self.window, None)
            pb = PastBlocks(pb.years[k], pb.blocks[k], pb.ytd[k], pb.trailing[k])
        need = self._needed()
        if pb.years.size < need:
            raise MonteCarloValueError(
                f"SeasonalSimulator(method={self.method!r}) needs at least {need} past years "
                f"with data from January to month {as_of.month} and the {horizon} months "
                f"after it, all before {as_of}. Got {pb.years.size}."
            )
        return pb

    def _draw(
        self,
        state: pd.Series,
        as_of: pd.Period,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        sampler: Sampler,
    ) -> np.ndarray:
        history = state
        jan = pd.Period(year=as_of.year, month=1, freq="M")
        if jan < history.index[0]:
            raise MonteCarloValueError(
                f"SeasonalSimulator needs the year to date of {as_of.year} (from {jan}); "
                f"the history starts at {history.index[0]}."
            )
        ytd_now = float(history.loc[jan:as_of].sum())
        if self.method == "monthly":
            return self._draw_monthly(history, as_of, horizon, n, rng, sampler)
        pb = self._blocks(history, as_of, horizon)
        u = sampler.uniforms(n, 1, rng)[:, 0]
        if self.method == "share":
            rest = pb.blocks.sum(axis=1)
            ok = (pb.ytd > 0) & (rest > 0)
            with np.errstate(all="ignore"):  # a denormal year to date overflows the ratio
                ok &= np.isfinite(np.log(rest / np.where(ok, pb.ytd, 1.0)))
            self._need_positive(ok, pb, "year-to-date and remaining totals")
            ratio = np.log(rest[ok] / pb.ytd[ok])
            loc, scale, df = predictive_t(pb.years[ok], ratio, as_of.year, trend=self.trend)
            weights = (pb.blocks[ok] / pb.blocks[ok].sum(axis=1, keepdims=True)).mean(axis=0)
            future = ytd_now * np.exp(_t_ppf(u, loc, scale, df))
            return future[:, None] * weights[None, :]
        return self._draw_yoy(history, as_of, horizon, pb, u, ytd_now)

    def _need_positive(self, ok: np.ndarray, pb: PastBlocks, what: str) -> None:
        if ok.sum() < self._needed():
            raise MonteCarloValueError(
                f"SeasonalSimulator(method={self.method!r}) needs positive {what} in at least "
                f"{self._needed()} past years. Got {int(ok.sum())} of {pb.years.size}."
            )

    def _draw_yoy(
        self,
        history: pd.Series,
        as_of: pd.Period,
        horizon: int,
        pb: PastBlocks,
        u: np.ndarray,
        ytd_now: float,
    ) -> np.ndarray:
        if horizon > 12:
            raise MonteCarloValueError(
                f"The 'horizon' parameter of SeasonalSimulator.paths must be <= 12 for "
                f"method='yoy' (it scales last year's months). Got {horizon} instead."
            )
        # past years need the previous year too: ytd and block one year earlier
        prev = {int(y): i for i, y in enumerate(pb.years)}
        rows = [(i, prev[int(y) - 1]) for i, y in enumerate(pb.years) if int(y) - 1 in prev]
        cur = np.array([r[0] for r in rows], dtype=int)
        old = np.array([r[1] for r in rows], dtype=int)
        with np.errstate(divide="ignore", invalid="ignore"):  # zero years: filtered below
            g_ytd = pb.ytd[cur] / pb.ytd[old] if rows else np.array([])
            g_rest = pb.blocks[cur].sum(axis=1) / pb.blocks[old].sum(axis=1) if rows else g_ytd
        ok = (g_ytd > 0) & (g_rest > 0) & np.isfinite(g_ytd) & np.isfinite(g_rest)
        self._need_positive(ok, pb, "year-over-year ratios")
        err = np.log(g_rest[ok]) - np.log(g_ytd[ok])
        loc, scale, df = predictive_t(pb.years[cur][ok], err, as_of.year, trend=self.trend)
        last_jan = pd.Period(year=as_of.year - 1, month=1, freq="M")
        ytd_last = float(history.loc[last_jan : as_of - 12].sum())
        if not (ytd_last > 0 and ytd_now > 0):
            raise MonteCarloValueError(
                f"SeasonalSimulator(method='yoy') needs positive year-to-date totals in "
                f"{as_of.year - 1} and {as_of.year}. Got {ytd_last!r} and {ytd_now!r}."
            )
        base = history.loc[as_of - 11 : as_of - 12 + horizon].to_numpy()
        growth = (ytd_now / ytd_last) * np.exp(_t_ppf(u, loc, scale, df))
        return growth[:, None] * base[None, :]

    def _draw_monthly(
        self,
        history: pd.Series,
        as_of: pd.Period,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        sampler: Sampler,
    ) -> np.ndarray:
        u = sampler.uniforms(n, horizon, rng)
        out = np.empty((n, horizon))
        for j in range(horizon):
            month = as_of + j + 1
            same = history[history.index.month == month.month]
            if self.window is not None:
                same = same.iloc[-self.window :]
            if same.size < self._needed():
                raise MonteCarloValueError(
                    f"SeasonalSimulator(method='monthly') needs at least {self._needed()} "
                    f"past values of calendar month {month.month} before {as_of}. "
                    f"Got {same.size}."
                )
            years = same.index.year.to_numpy(dtype=np.float64)
            loc, scale, df = predictive_t(years, same.to_numpy(), month.year, trend=self.trend)
            out[:, j] = _t_ppf(u[:, j], loc, scale, df)
        return out

    def describe(self, as_of: Any, horizon: int) -> pd.DataFrame:
        """Past same-period blocks used at ``as_of``: one row per past year.

        Returns
        -------
        pandas.DataFrame
            Columns: the ``horizon`` future months (as calendar-month numbers), ``ytd`` and
            ``rest_share`` (share of the year-end total the remaining months brought).
        """
        cut = self.history_upto(as_of, func="SeasonalSimulator.describe")
        pb = past_blocks(
            cut, cut.index[-1], check_positive_int(horizon, name="horizon", func="describe")
        )
        cols = [f"m{(cut.index[-1] + j + 1).month:02d}" for j in range(horizon)]
        df = pd.DataFrame(pb.blocks, index=pb.years.astype(int), columns=cols)
        df["ytd"] = pb.ytd
        df["rest_share"] = pb.blocks.sum(axis=1) / (pb.ytd + pb.blocks.sum(axis=1))
        return df
