"""Monthly simulators (:class:`MonthlySimulator`) and the classic method (:class:`IIDSimulator`).

Every simulator follows the contract of :class:`montecarlo.base.Simulator`: ``fit(history)
-> self`` and ``paths(as_of, horizon, n, rng=None, *, sampler="plain") -> ndarray (n,
horizon)``, the paths of the months ``as_of + 1 .. as_of + horizon`` from the data up to
and including ``as_of`` only.

:class:`MonthlySimulator` implements the bookkeeping of the monthly ones (validation, the
``as_of`` cut, a cache of per-cutoff fits); subclasses implement
``_prepare(history_upto_as_of)`` and ``_draw(state, as_of, horizon, n, rng, sampler)``.
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
import pandas as pd
from scipy import special

from montecarlo.base import Simulator
from montecarlo.checks import as_monthly_series, as_rng, check_positive_int
from montecarlo.correlation import as_correlation, iman_conover
from montecarlo.errors import FitError, MonteCarloTypeError, MonteCarloValueError
from montecarlo.fit import fit_distribution
from montecarlo.johnson import fit_johnson
from montecarlo.param_bootstrap import bootstrap_parameters
from montecarlo.samplers import PlainSampler, Sampler
from montecarlo.truncnorm import TruncatedNormal

__all__ = ["IIDSimulator", "MonthlySimulator", "TruncatedDistribution", "as_period"]


def as_period(as_of: Any, *, name: str = "as_of", func: str = "paths") -> pd.Period:
    """Parse ``as_of`` (``"2015-09"``, a Period or a Timestamp) into a monthly Period."""
    if isinstance(as_of, pd.Period):
        return as_of.asfreq("M")
    if isinstance(as_of, str | pd.Timestamp | np.datetime64) or hasattr(as_of, "year"):
        try:
            return pd.Period(as_of, freq="M")
        except (TypeError, ValueError):
            pass
    raise MonteCarloValueError(
        f"The '{name}' parameter of {func} must be a month such as '2015-09' or a "
        f"pandas Period. Got {as_of!r} instead."
    )


class MonthlySimulator(Simulator):
    """Base class of monthly simulators: validation, the ``as_of`` cut and per-cutoff caching.

    Subclasses set ``min_months`` (history needed up to ``as_of``) and implement
    ``_prepare`` and ``_draw``.
    """

    #: Months of history needed up to ``as_of``.
    min_months: int = 12

    def fit(self, history: pd.Series) -> Self:
        """Validate and store the monthly history.

        Parameters
        ----------
        history : pandas.Series
            Monthly values with a PeriodIndex or DatetimeIndex; sorted, no gaps, finite.

        Returns
        -------
        self
        """
        func = f"{type(self).__name__}.fit"
        self._check_params()
        self.history_ = as_monthly_series(
            history, name="history", func=func, min_months=self.min_months
        )
        self._cache: dict[pd.Period, Any] = {}
        return self

    def _check_params(self) -> None:
        """Validate hyperparameters (subclasses override)."""

    def history_upto(self, as_of: Any, *, func: str = "paths") -> pd.Series:
        """The fitted history cut at ``as_of`` (inclusive; None: the last fitted month),
        after checking ``as_of``."""
        self.check_fitted(func)
        period = self.history_.index[-1] if as_of is None else as_period(as_of, func=func)
        idx = self.history_.index
        if period < idx[0] or period > idx[-1]:
            raise MonteCarloValueError(
                f"The 'as_of' parameter of {func} must lie within the fitted history "
                f"({idx[0]} to {idx[-1]}). Got {period} instead."
            )
        cut = self.history_.loc[:period]
        if len(cut) < self.min_months:
            raise MonteCarloValueError(
                f"{type(self).__name__} needs at least {self.min_months} months of history "
                f"up to 'as_of'. Got {len(cut)} months up to {period}."
            )
        return cut

    def paths(
        self,
        as_of: Any,
        horizon: int,
        n: int,
        rng: np.random.Generator | int | None = None,
        *,
        sampler: str | Sampler = "plain",
    ) -> np.ndarray:
        """Simulate ``n`` paths of the ``horizon`` months after ``as_of``.

        Parameters
        ----------
        as_of : str or pandas.Period
            Last observed month used (e.g. ``"2015-09"``); must lie in the fitted history.
        horizon : int
            Number of future months (>= 1).
        n : int
            Number of paths (>= 1; the sampler may require e.g. an even number).
        rng : numpy.random.Generator or int, optional
        sampler : {"plain", "antithetic", "sobol"} or Sampler

        Returns
        -------
        ndarray of shape (n, horizon)
            Row ``i`` is one imagined future; column ``j`` is month ``as_of + j + 1``.
        """
        func = f"{type(self).__name__}.paths"
        cut = self.history_upto(as_of, func=func)
        period = cut.index[-1]
        horizon = check_positive_int(horizon, name="horizon", func=func)
        smp = self.check_sampler(sampler, func=func)
        n = smp.check_n(n, func=func)
        gen = as_rng(rng)
        if period not in self._cache:
            self._cache[period] = self._prepare(cut)
        out = self._draw(self._cache[period], period, horizon, n, gen, smp)
        out = np.asarray(out)
        if out.dtype != np.float32:
            out = out.astype(np.float64, copy=False)
        return out.reshape(n, horizon)

    def _prepare(self, history: pd.Series) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _draw(
        self,
        state: Any,
        as_of: pd.Period,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        sampler: Sampler,
    ) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


class TruncatedDistribution:
    """Any frozen distribution restricted to ``[lower, upper]`` via its CDF and PPF.

    Parameters
    ----------
    dist : frozen distribution
        Needs vectorised ``cdf`` and ``ppf``.
    lower, upper : float
    """

    def __init__(self, dist: Any, lower: float, upper: float) -> None:
        self.dist, self.lower, self.upper = dist, float(lower), float(upper)
        self._plo = float(dist.cdf(lower))
        self._mass = float(dist.cdf(upper)) - self._plo
        if not self._mass > 0:
            raise MonteCarloValueError(
                f"The interval [{lower!r}, {upper!r}] holds no probability under the "
                f"fitted distribution; it cannot be truncated to the observed range."
            )

    def ppf(self, u: np.ndarray) -> np.ndarray:
        q = self.dist.ppf(self._plo + np.asarray(u, dtype=float) * self._mass)
        return np.clip(q, self.lower, self.upper)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        x = np.clip(np.asarray(x, dtype=float), self.lower, self.upper)
        return (self.dist.cdf(x) - self._plo) / self._mass

    def rvs(self, size: Any = 1, random_state: Any = None) -> np.ndarray:
        return self.ppf(as_rng(random_state).random(size))


class IIDSimulator(MonthlySimulator):
    """The classic method: one distribution fitted to every past month, months drawn iid.

    Parameters
    ----------
    dist : str, default "norm"
        ``"johnson"`` (Johnson-system quantile fit) or a family of
        :func:`montecarlo.fit.fit_distribution` (``norm``, ``lognorm``, ``gamma``...).
    truncate : {"observed", None}, default "observed"
        ``"observed"`` restricts draws to the observed ``[min, max]`` of the history.
    param_uncertainty : bool, default False
        If True, every path uses one of ``n_param_draws`` bootstrap parameter draws
        (:func:`montecarlo.param_bootstrap.bootstrap_parameters`), so P(hit) carries the
        uncertainty of the fitted parameters as well as month-to-month noise.
    n_param_draws : int, default 200
    window : int or None, default None
        Use only the last ``window`` months up to ``as_of`` (None: all of them).
    guard : {"refuse", "warn", "ignore"}, default "refuse"
        For ``dist="johnson"``: what to do with an SB/SL fit whose support excludes
        observed data (see :func:`montecarlo.johnson.fit_johnson`). Kept fits are noted in
        ``notes_``.
    dtype : {"float64", "float32"}, default "float64"
        ``"float32"`` draws the plain-sampler truncated normal in single precision
        (rejection from ``standard_normal(dtype=float32)``, exact in law; values carry a
        relative rounding of 6e-8) for speed on very many paths; totals are still summed
        in float64 by the target engine.
    corr : float, array-like of shape (horizon, horizon) or None, default None
        Rank correlation between the future months, imposed on the drawn paths by
        Iman-Conover reordering (:func:`montecarlo.correlation.iman_conover`); every
        month keeps its marginal distribution. A float is the same correlation for every
        pair. None: independent months (the classic method).
    random_state : int, default 0
        Seed of the parameter bootstrap (``param_uncertainty=True``), so the parameter
        draws at a cutoff are the same on every call.

    Attributes
    ----------
    history_ : pandas.Series
        The validated history.
    notes_ : list of str
        Warnings about fits kept despite a flag (e.g. a Johnson support excluding data).

    Examples
    --------
    >>> from montecarlo.datasets import load_monthly_units
    >>> sim = IIDSimulator(dist="norm", truncate="observed").fit(load_monthly_units())
    >>> sim.paths("2015-09", 3, 4, rng=0).shape
    (4, 3)
    """

    min_months = 12

    def __init__(
        self,
        *,
        dist: str = "norm",
        truncate: str | None = "observed",
        param_uncertainty: bool = False,
        n_param_draws: int = 200,
        window: int | None = None,
        guard: str = "refuse",
        dtype: str = "float64",
        corr: Any = None,
        random_state: int = 0,
    ) -> None:
        self.dist = dist
        self.truncate = truncate
        self.param_uncertainty = param_uncertainty
        self.n_param_draws = n_param_draws
        self.window = window
        self.guard = guard
        self.dtype = dtype
        self.corr = corr
        self.random_state = random_state

    def _check_params(self) -> None:
        func = "IIDSimulator"
        if not isinstance(self.dist, str):
            raise MonteCarloTypeError(
                f"The 'dist' parameter of {func} must be a family name such as 'norm' or "
                f"'johnson'. Got {type(self.dist).__name__} instead."
            )
        if self.truncate not in ("observed", None):
            raise MonteCarloValueError(
                f"The 'truncate' parameter of {func} must be 'observed' or None. "
                f"Got {self.truncate!r} instead."
            )
        check_positive_int(self.n_param_draws, name="n_param_draws", func=func, minimum=2)
        if self.window is not None:
            check_positive_int(self.window, name="window", func=func, minimum=self.min_months)
        if self.guard not in ("refuse", "warn", "ignore"):
            raise MonteCarloValueError(
                f"The 'guard' parameter of {func} must be 'refuse', 'warn' or 'ignore'. "
                f"Got {self.guard!r} instead."
            )
        check_positive_int(self.random_state, name="random_state", func=func, minimum=0)
        if self.corr is not None and np.isscalar(self.corr):
            as_correlation(self.corr, 2, func=func)
        if self.dtype not in ("float64", "float32"):
            raise MonteCarloValueError(
                f"The 'dtype' parameter of {func} must be 'float64' or 'float32'. "
                f"Got {self.dtype!r} instead."
            )
        self.notes_: list[str] = []
        if self.param_uncertainty and self.dist == "johnson":
            raise MonteCarloValueError(
                f"The 'param_uncertainty' parameter of {func} is supported for the "
                f"fit_distribution families, not dist='johnson'. Got dist={self.dist!r}."
            )

    # ------------------------------------------------------------------ fitting
    def _frozen(self, x: np.ndarray) -> Any:
        if self.dist == "johnson":
            try:
                jf = fit_johnson(x, method="quantile", guard=self.guard)
            except np.linalg.LinAlgError as exc:  # degenerate quantiles (ties)
                raise FitError(
                    f"The Johnson quantile fit of IIDSimulator failed on the history up to "
                    f"{len(x)} months ({exc}); use dist='norm'."
                ) from None
            if jf.flags:
                self.notes_.append(
                    f"Johnson {jf.type} fit has support [{jf.support[0]:.6g}, "
                    f"{jf.support[1]:.6g}], excluding some of the observed values "
                    f"[{x.min():.6g}, {x.max():.6g}]."
                )
            return jf.frozen
        fit = fit_distribution(x, self.dist)
        return self._bounded(fit.dist, fit.params, fit.frozen, x)

    def _bounded(self, family: str, params: dict[str, float], frozen: Any, x: np.ndarray) -> Any:
        if self.truncate != "observed":
            return frozen
        lo, hi = float(x.min()), float(x.max())
        if family == "norm":
            return TruncatedNormal(params["mean"], params["sd"], lo, hi)
        return TruncatedDistribution(frozen, lo, hi)

    def _prepare(self, history: pd.Series) -> list[Any]:
        x = history.to_numpy()
        if self.window is not None:
            x = x[-self.window :]
        if np.ptp(x) == 0:
            raise MonteCarloValueError(
                f"The 'history' of IIDSimulator is constant ({x[0]!r}) up to "
                f"{history.index[-1]}: no distribution can be fitted to it."
            )
        if not self.param_uncertainty:
            return [self._frozen(x)]
        return self._param_draws(x)

    def _param_draws(self, x: np.ndarray) -> list[Any]:
        boot = bootstrap_parameters(
            x, self.dist, n=self.n_param_draws, kind="parametric", rng=self.random_state
        )
        out = []
        for i in range(boot.n):
            params = dict(zip(boot.names, map(float, boot.draws[i]), strict=True))
            out.append(self._bounded(self.dist, params, boot.frozen(i), x))
        return out

    # ------------------------------------------------------------------ sampling
    def _draw(
        self,
        state: list[Any],
        as_of: pd.Period,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        sampler: Sampler,
    ) -> np.ndarray:
        out = self._draw_iid(state, as_of, horizon, n, rng, sampler)
        if self.corr is None or horizon < 2:
            return out
        corr = as_correlation(self.corr, horizon, func="IIDSimulator")
        return iman_conover(out, corr, rng).astype(out.dtype, copy=False)

    def _draw_iid(
        self,
        state: list[Any],
        as_of: pd.Period,
        horizon: int,
        n: int,
        rng: np.random.Generator,
        sampler: Sampler,
    ) -> np.ndarray:
        if len(state) == 1:
            fast = self.dtype == "float32" and isinstance(state[0], TruncatedNormal)
            if fast and isinstance(sampler, PlainSampler):
                return _truncnorm_float32(state[0], (n, horizon), rng)
            if isinstance(sampler, PlainSampler):
                return state[0].rvs(size=(n, horizon), random_state=rng)
            return state[0].ppf(sampler.uniforms(n, horizon, rng))
        u = sampler.uniforms(n, horizon, rng)
        out = np.empty_like(u)
        which = np.arange(n) % len(state)
        for j, dist in enumerate(state):
            rows = which == j
            out[rows] = dist.ppf(u[rows])
        return out


def _truncnorm_float32(
    tn: TruncatedNormal, shape: tuple[int, int], rng: np.random.Generator
) -> np.ndarray:
    """Truncated-normal draws in float32 by rejection (when at least half the mass is kept)."""
    mass = special.ndtr((tn.upper - tn.mean_) / tn.sd_) - special.ndtr(
        (tn.lower - tn.mean_) / tn.sd_
    )
    if mass < 0.5:  # narrow windows: inverse CDF in float64 instead
        return tn.rvs(size=shape, random_state=rng).astype(np.float32)
    need = shape[0] * shape[1]
    mean, sd = np.float32(tn.mean_), np.float32(tn.sd_)
    lo, hi = np.float32(tn.lower), np.float32(tn.upper)
    out = np.empty(need, dtype=np.float32)
    filled = 0
    while filled < need:
        m = int((need - filled) / mass * 1.02) + 64
        x = rng.standard_normal(m, dtype=np.float32)
        x *= sd
        x += mean
        x = x[(x >= lo) & (x <= hi)][: need - filled]
        out[filled : filled + x.size] = x
        filled += x.size
    return out.reshape(shape)
