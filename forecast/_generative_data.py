"""Training vectors of the generative simulators: past cutoffs' next months against a base.

One monthly series holds few past years (the classic one: 15 before 2015), far too few
vectors to train a network on one cutoff month alone. So every past month ``c`` serves as a
cutoff: its vector is the log of the ``horizon`` months after ``c`` over a base (the
year-over-year rule's forecast, or the mean month of ``c``'s year to date or of its last 12
months), and the network is told ``c``'s calendar month (one-hot), so it learns, for every
cutoff month, how the months after it go against the base, and shares what the cutoff
months have in common (the spread, the dependence between months). The vectors are centred
on their own cutoff month's mean and scaled by that month's standard deviation per
position, so the networks learn the deviations on a unit scale: the shape of their joint
law (tails, dependence between the months), pooled over the cutoff months."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.errors import ForecastValueError

__all__ = ["SCALES", "TrainConfig", "Windows", "level_at", "training_windows"]

#: What a cutoff's next months are measured against: the mean month of its year to date
#: (``"ytd"``, shares of the year to date), of the 12 months up to it (``"trailing12"``), or
#: the year-over-year rule's forecast (``"yoy"``: last year's same months times the year-
#: to-date growth, so the vectors are that base model's log forecast errors).
SCALES = ("ytd", "trailing12", "yoy")


@dataclass(frozen=True)
class TrainConfig:
    """What every generative training run needs: the latent and hidden sizes and Adam's
    schedule (the GAN and the VAE add their own fields)."""

    latent_dim: int
    hidden: int
    steps: int
    batch_size: int
    lr: float
    weight_decay: float


@dataclass(frozen=True)
class Windows:
    """Standardised training vectors of one (``as_of``, ``horizon``).

    Attributes
    ----------
    x : ndarray of shape (k, horizon)
        ``(log error - centre[month]) / scale[month]`` of every usable past cutoff.
    cond : ndarray of shape (k, 12)
        One-hot calendar month of each cutoff.
    centre : ndarray of shape (12, horizon)
        Mean log share per cutoff month (NaN rows: months without a window).
    scale : ndarray of shape (12, horizon)
        Standard deviation of the centred log errors per cutoff month and position, from
        that month's own years (floored at 1e-6), so every month's deviations reach the
        networks on a unit scale; they learn the shape and the dependence.
    same_month : int
        Windows whose cutoff month is ``as_of``'s (the past years of the question).
    """

    x: np.ndarray
    cond: np.ndarray
    centre: np.ndarray
    scale: np.ndarray
    same_month: int


def level_at(
    values: np.ndarray, start: pd.Period, pos: int, scale: str, horizon: int
) -> np.ndarray:
    """What the ``horizon`` months after position ``pos`` are measured against, shape
    ``(horizon,)`` (NaN when the data do not reach back far enough)."""
    month = (start + pos).month
    nan = np.full(horizon, np.nan)
    if scale == "trailing12":
        return nan if pos < 11 else np.full(horizon, values[pos - 11 : pos + 1].mean())
    first = pos - (month - 1)  # January of the cutoff's year
    if first < 0:
        return nan
    if scale == "ytd":
        return np.full(horizon, values[first : pos + 1].mean())
    if first < 12 or horizon > 12:
        return nan
    ytd, ytd_last = values[first : pos + 1].sum(), values[first - 12 : pos - 11].sum()
    if not (ytd > 0 and ytd_last > 0):
        return nan
    return values[pos - 11 : pos - 11 + horizon] * (ytd / ytd_last)


def training_windows(
    history: pd.Series, as_of: pd.Period, horizon: int, *, scale: str, min_years: int, who: str
) -> Windows:
    """Every past cutoff's next ``horizon`` months as standardised log shares.

    Only data up to ``as_of`` enter: a cutoff ``c`` is used when ``c + horizon <= as_of``,
    its level is available and positive, and its next months are positive.

    Raises
    ------
    ForecastValueError
        Fewer than ``min_years`` usable windows with ``as_of``'s cutoff month.
    """
    values = history.loc[:as_of].to_numpy(dtype=np.float64)
    start = history.index[0]
    last = len(values) - 1 - horizon
    rows, months = [], []
    for pos in range(last + 1):
        level = level_at(values, start, pos, scale, horizon)
        nxt = values[pos + 1 : pos + 1 + horizon]
        if not ((np.isfinite(level) & (level > 0)).all() and (nxt > 0).all()):
            continue
        with np.errstate(all="ignore"):
            share = np.log(nxt / level)
        if np.isfinite(share).all():
            rows.append(share)
            months.append((start + pos).month)
    month_arr = np.asarray(months, dtype=np.int64)
    same = int((month_arr == as_of.month).sum())
    if same < min_years:
        raise ForecastValueError(
            f"{who} needs at least {min_years} past years with the {horizon} months after "
            f"month {as_of.month} (and a positive {scale} base and positive months), all "
            f"before {as_of}, to learn from ('min_years'). Got {same} in the 'history'."
        )
    raw = np.asarray(rows, dtype=np.float64).reshape(len(rows), horizon)
    centre = np.full((12, horizon), np.nan)
    spread = np.full((12, horizon), np.nan)
    x = np.empty_like(raw)
    for m in np.unique(month_arr):
        pick = month_arr == m
        centre[m - 1] = raw[pick].mean(axis=0)
        dev = raw[pick] - centre[m - 1]
        # sample sd of the cutoff month's own years (ddof=1); one year: the pooled sd later
        spread[m - 1] = dev.std(axis=0, ddof=1) if pick.sum() > 1 else np.nan
        x[pick] = dev
    pooled = np.nanmean(spread, axis=0) if np.isfinite(spread).any() else np.ones(horizon)
    spread = np.where(np.isfinite(spread), spread, pooled)
    spread = np.maximum(spread, 1e-6)
    x /= spread[month_arr - 1]
    cond = np.zeros((len(raw), 12))
    cond[np.arange(len(raw)), month_arr - 1] = 1.0
    return Windows(x=x, cond=cond, centre=centre, scale=spread, same_month=same)
