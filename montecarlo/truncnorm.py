"""Truncated normal distribution with bounds in data units, exact in the tails and fast to sample.

:class:`TruncatedNormal` behaves like a frozen :mod:`scipy.stats` distribution (``ppf``,
``cdf``, ``sf``, ``pdf``, ``logpdf``, ``rvs``, ``mean``, ``var``, ``std``, ``median``,
``support``), so simulators can treat it like any other fitted distribution.

Numerics
--------
Work happens on the standardised bounds ``a = (lower - mean) / sd`` and
``b = (upper - mean) / sd``. An interval lying above zero is mirrored to the lower tail,
where the normal CDF keeps full relative precision; an interval below ``-5`` sigma is
handled in log space (``log_ndtr`` / ``ndtri_exp``), so bounds at 40 sigma still give
exact quantiles. ``rvs`` draws by rejection from ``standard_normal`` when at least half
of the normal mass lies inside the bounds (exact in law, and faster than any inverse CDF),
and by the inverse CDF otherwise.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from scipy import optimize, special, stats

from montecarlo.checks import as_rng, check_finite_number, check_sample
from montecarlo.errors import FitError, MonteCarloTypeError, MonteCarloValueError

__all__ = ["TruncatedNormal", "fit_truncated_normal"]

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
_LOG_SPACE_BELOW = -5.0  # upper standardised bound below which the lower case uses logs
_BLOCK = 1 << 15  # rvs block size (256 KiB of float64: stays in cache)


def _log1mexp(x: np.ndarray | float) -> np.ndarray:
    """``log(1 - exp(x))`` for ``x <= 0``, accurate near 0 and near -inf."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(x > -0.693, np.log(-np.expm1(x)), np.log1p(-np.exp(x)))


def _bound(value: Any, name: str, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise MonteCarloTypeError(
            f"The '{name}' parameter of TruncatedNormal must be a number or +/-inf. "
            f"Got {type(value).__name__} {value!r} instead."
        )
    v = float(value)
    if np.isnan(v):
        raise MonteCarloValueError(
            f"The '{name}' parameter of TruncatedNormal must be a number or +/-inf. "
            f"Got nan instead."
        )
    return v


class TruncatedNormal:
    """Normal distribution N(mean, sd^2) restricted to ``[lower, upper]`` (data units).

    Parameters
    ----------
    mean, sd : float
        Location and scale of the parent normal (``sd > 0``).
    lower, upper : float, optional
        Truncation bounds in data units; ``-inf`` / ``inf`` (default) leave a side open.

    Examples
    --------
    >>> tn = TruncatedNormal(10.0, 2.0, lower=8.0, upper=15.0)
    >>> round(float(tn.cdf(10.0)), 6), round(float(tn.ppf(tn.cdf(12.5))), 6)
    (0.40873, 12.5)
    >>> float(TruncatedNormal(0.0, 1.0, lower=40.0).ppf(0.5)) > 40.0
    True
    """

    name = "truncnorm"

    def __init__(
        self, mean: float, sd: float, lower: float | None = -np.inf, upper: float | None = np.inf
    ) -> None:
        self.mean_ = check_finite_number(mean, name="mean", func="TruncatedNormal")
        self.sd_ = check_finite_number(sd, name="sd", func="TruncatedNormal")
        if self.sd_ <= 0:
            raise MonteCarloValueError(
                f"The 'sd' parameter of TruncatedNormal must be > 0. Got {self.sd_!r} instead."
            )
        self.lower = _bound(lower, "lower", -np.inf)
        self.upper = _bound(upper, "upper", np.inf)
        if not self.lower < self.upper:
            raise MonteCarloValueError(
                f"The 'lower' parameter of TruncatedNormal must be below 'upper'. "
                f"Got lower={self.lower!r}, upper={self.upper!r}."
            )
        a = (self.lower - self.mean_) / self.sd_
        b = (self.upper - self.mean_) / self.sd_
        # Mirror an interval above zero to the lower tail: X = mean - sd * Y.
        self._flip = a > 0
        self._a, self._b = (-b, -a) if self._flip else (a, b)
        a, b = self._a, self._b
        self._log = b < _LOG_SPACE_BELOW
        self._log_pa = float(special.log_ndtr(a))
        self._log_pb = float(special.log_ndtr(b))
        if b <= 0:
            self._log_mass = self._log_pb + float(_log1mexp(self._log_pa - self._log_pb))
        else:  # a < 0 < b: the mass is a sum of two positive halves, no cancellation
            self._log_mass = float(
                np.log(0.5 * (special.erf(b / np.sqrt(2)) - special.erf(a / np.sqrt(2))))
            )
        self._mass = float(np.exp(self._log_mass))
        self._pa = float(special.ndtr(a))
        self._qb = float(special.ndtr(-b))  # upper-tail probability beyond b
        if not np.isfinite(self._log_mass):
            raise MonteCarloValueError(
                f"The bounds [{self.lower!r}, {self.upper!r}] of TruncatedNormal hold no "
                f"probability under N({self.mean_!r}, {self.sd_!r}^2) in double precision."
            )

    # ------------------------------------------------------------------ standardised core
    def _std_ppf(self, u: np.ndarray) -> np.ndarray:
        """Quantiles of the (possibly mirrored) standardised truncated normal."""
        a, b = self._a, self._b
        if self._log:
            d = self._log_pa - self._log_pb
            with np.errstate(divide="ignore"):
                logp = self._log_pb + np.log(u + (1.0 - u) * np.exp(d))
            z = special.ndtri_exp(np.minimum(logp, self._log_pb))
        else:
            p = self._pa + u * self._mass
            q = self._qb + (1.0 - u) * self._mass
            upper = p > 0.5
            z = special.ndtri(np.where(upper, q, p))
            np.negative(z, out=z, where=upper)
        return np.clip(z, a, b)

    def _std_cdf(self, z: np.ndarray) -> np.ndarray:
        a, b = self._a, self._b
        zc = np.clip(z, a, b)
        if self._log:
            with np.errstate(divide="ignore", invalid="ignore"):
                lz = special.log_ndtr(zc)
                logf = lz - self._log_pb + _log1mexp(self._log_pa - lz)
                logf -= _log1mexp(self._log_pa - self._log_pb)
                out = np.exp(logf)
        else:
            out = np.where(
                zc <= 0,
                (special.ndtr(zc) - self._pa) / self._mass,
                1.0 - (special.ndtr(-zc) - self._qb) / self._mass,
            )
        return np.clip(out, 0.0, 1.0)

    def _z(self, x: Any) -> np.ndarray:
        z = (np.asarray(x, dtype=float) - self.mean_) / self.sd_
        return -z if self._flip else z

    # ------------------------------------------------------------------ public scipy-like API
    def ppf(self, q: Any) -> np.ndarray:
        """Quantile function; ``q`` of any shape in [0, 1], result of the same shape.

        Values outside [0, 1] or NaN give NaN. Large inputs are processed in cache-sized
        blocks (the Sobol path of the simulators calls this on millions of points).
        """
        u = np.asarray(q, dtype=float)
        flat = np.ascontiguousarray(u).reshape(-1)
        out = np.empty_like(flat)
        for start in range(0, flat.size, _BLOCK):
            self._ppf_block(flat[start : start + _BLOCK], out[start : start + _BLOCK])
        if flat.size and not (flat.min() >= 0.0 and flat.max() <= 1.0):  # NaN fails too
            out[~((flat >= 0.0) & (flat <= 1.0))] = np.nan
        return out.reshape(u.shape)

    def _ppf_block(self, u: np.ndarray, out: np.ndarray) -> None:
        """Data-unit quantiles of the probabilities ``u`` (1-D) written into ``out``.

        Invalid ``u`` may leave garbage here; :meth:`ppf` overwrites those with NaN.
        """
        v = 1.0 - u if self._flip else u
        scale = -self.sd_ if self._flip else self.sd_
        if self._log:
            np.multiply(self._std_ppf(np.clip(v, 0.0, 1.0)), scale, out=out)
        else:
            # Lower half: Phi^-1(p), p = pa + v m. Upper half, exact near 1: -Phi^-1(q),
            # q = qb + (1 - v) m. Both Phi^-1 are <= 0, so the sign of p - q picks the side.
            p = v * self._mass
            q = (self._qb + self._mass) - p
            p += self._pa
            side = p - q
            np.minimum(p, q, out=p)
            with np.errstate(invalid="ignore"):
                z = special.ndtri(p)
            np.copysign(z, side, out=z)
            np.multiply(z, scale, out=out)
        out += self.mean_
        np.clip(out, self.lower, self.upper, out=out)

    def isf(self, q: Any) -> np.ndarray:
        """Inverse survival function, ``ppf(1 - q)``."""
        return self.ppf(1.0 - np.asarray(q, dtype=float))

    def cdf(self, x: Any) -> np.ndarray:
        """P(X <= x), any shape."""
        z = self._z(x)
        f = self._std_cdf(np.atleast_1d(z)).reshape(z.shape)
        return 1.0 - f if self._flip else f

    def sf(self, x: Any) -> np.ndarray:
        """P(X > x), any shape (exact in the upper tail)."""
        z = self._z(x)
        f = self._std_cdf(np.atleast_1d(z)).reshape(z.shape)
        return f if self._flip else 1.0 - f

    def logpdf(self, x: Any) -> np.ndarray:
        """Log density; ``-inf`` outside ``[lower, upper]``."""
        xa = np.asarray(x, dtype=float)
        z = (xa - self.mean_) / self.sd_
        out = -0.5 * z * z - _LOG_SQRT_2PI - np.log(self.sd_) - self._log_mass
        return np.where((xa >= self.lower) & (xa <= self.upper), out, -np.inf)

    def pdf(self, x: Any) -> np.ndarray:
        """Density; 0 outside ``[lower, upper]``."""
        return np.exp(self.logpdf(x))

    def rvs(
        self,
        size: int | tuple[int, ...] = 1,
        random_state: np.random.Generator | int | None = None,
        *,
        rng: np.random.Generator | int | None = None,
    ) -> np.ndarray:
        """Random draws of shape ``size``.

        Parameters
        ----------
        size : int or tuple of int
        random_state, rng : numpy.random.Generator or int, optional
            Either name works (``random_state`` matches scipy's frozen distributions).
        """
        gen = as_rng(rng if rng is not None else random_state, name="rng")
        shape = (int(size),) if isinstance(size, int | np.integer) else tuple(size)
        n = int(np.prod(shape))
        if self._mass < 0.5:
            return self.ppf(gen.random(n)).reshape(shape)
        # Rejection: draw every slot from N(mean, sd^2), then redraw only the slots that fell
        # outside the bounds (each slot keeps its first accepted draw: exact in law). Blocks
        # that fit in cache keep the passes over the data cheap.
        out = np.empty(n)
        bad_blocks = []
        for start in range(0, n, _BLOCK):
            blk = out[start : start + _BLOCK]
            gen.standard_normal(out=blk)
            blk *= self.sd_
            blk += self.mean_
            mask = self._outside(blk)
            if mask.any():
                bad_blocks.append(np.flatnonzero(mask) + start)
        bad = np.concatenate(bad_blocks) if bad_blocks else np.empty(0, dtype=np.intp)
        while bad.size:
            y = gen.normal(self.mean_, self.sd_, bad.size)
            out[bad] = y
            bad = bad[self._outside(y)]
        return out.reshape(shape)

    def _outside(self, x: np.ndarray) -> np.ndarray:
        lo, hi = np.isfinite(self.lower), np.isfinite(self.upper)
        if lo and hi:
            return (x < self.lower) | (x > self.upper)
        return x < self.lower if lo else x > self.upper

    # ------------------------------------------------------------------ moments
    def _std_moments(self) -> tuple[float, float]:
        """Mean and variance of the (mirrored) standardised truncated normal, tail-stable."""
        a, b = self._a, self._b
        if not self._log:
            m, v = stats.truncnorm.stats(a, b, moments="mv")
            return float(m), float(v)
        # far lower tail: ratios of phi to Phi in logs (inverse Mills ratios)
        lphi_a = -0.5 * a * a - _LOG_SQRT_2PI if np.isfinite(a) else -np.inf
        lphi_b = -0.5 * b * b - _LOG_SQRT_2PI
        ra = np.exp(lphi_a - self._log_mass)
        rb = np.exp(lphi_b - self._log_mass)
        mean = ra - rb
        ta = a * ra if np.isfinite(a) else 0.0
        var = 1.0 + ta - b * rb - mean * mean
        if var <= 0:
            var = float(stats.truncnorm.var(a, b))
        return float(mean), float(var)

    def mean(self) -> float:
        """Expected value in data units."""
        m, _ = self._std_moments()
        return self.mean_ + self.sd_ * (-m if self._flip else m)

    def var(self) -> float:
        """Variance in data units."""
        _, v = self._std_moments()
        return self.sd_**2 * v

    def std(self) -> float:
        """Standard deviation in data units."""
        return float(np.sqrt(self.var()))

    def median(self) -> float:
        """Median in data units."""
        return float(self.ppf(0.5))

    def support(self) -> tuple[float, float]:
        """``(lower, upper)``."""
        return self.lower, self.upper

    def interval(self, confidence: float) -> tuple[float, float]:
        """Equal-tailed interval holding ``confidence`` of the mass."""
        c = check_finite_number(confidence, name="confidence", func="TruncatedNormal.interval")
        return float(self.ppf((1 - c) / 2)), float(self.ppf((1 + c) / 2))

    def __repr__(self) -> str:
        return (
            f"TruncatedNormal(mean={self.mean_!r}, sd={self.sd_!r}, "
            f"lower={self.lower!r}, upper={self.upper!r})"
        )


def fit_truncated_normal(
    x: Any, lower: float | None = -np.inf, upper: float | None = np.inf
) -> TruncatedNormal:
    """Maximum-likelihood fit of a normal truncated to known bounds ``[lower, upper]``.

    With fixed bounds the truncated normal is an exponential family, so the MLE is the
    (mean, sd) whose truncated mean and variance equal the sample's (``ddof=0``).

    Parameters
    ----------
    x : array-like of shape (n,)
        At least 3 finite observations inside ``[lower, upper]``, not all equal.
    lower, upper : float
        Known truncation bounds in data units.

    Returns
    -------
    TruncatedNormal
        With the fitted parent ``mean_`` and ``sd_``.
    """
    func = "fit_truncated_normal"
    v = check_sample(x, name="x", func=func, min_size=3)
    lo, hi = _bound(lower, "lower", -np.inf), _bound(upper, "upper", np.inf)
    if not lo < hi:
        raise MonteCarloValueError(
            f"The 'lower' parameter of {func} must be below 'upper'. Got {lo!r} and {hi!r}."
        )
    if v.min() < lo or v.max() > hi:
        name = "lower" if v.min() < lo else "upper"
        raise MonteCarloValueError(
            f"The '{name}' parameter of {func} must keep every observation inside the bounds. "
            f"Got [{lo!r}, {hi!r}] for data in [{v.min():.6g}, {v.max():.6g}]."
        )
    if np.ptp(v) == 0:
        raise FitError(
            f"The 'x' parameter of {func} has all values equal to {v[0]:g}; "
            f"a distribution needs spread."
        )
    m0, s0 = float(v.mean()), float(v.std())
    if not (np.isfinite(lo) or np.isfinite(hi)):
        return TruncatedNormal(m0, s0)

    def nll(p: np.ndarray) -> float:
        try:
            tn = TruncatedNormal(float(p[0]), float(np.exp(p[1])), lo, hi)
        except MonteCarloValueError:
            return 1e300
        val = -float(np.sum(tn.logpdf(v)))
        return val if np.isfinite(val) else 1e300

    p0 = np.array([m0, np.log(s0)])
    r = optimize.minimize(nll, p0, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-13})
    r2 = optimize.minimize(nll, r.x, method="BFGS", options={"gtol": 1e-10})
    p = r2.x if r2.fun <= r.fun else r.x
    m, s = float(p[0]), float(np.exp(p[1]))
    span = float(np.ptp(v))
    if not (np.isfinite(m) and np.isfinite(s)) or s > 1e4 * span or abs(m - m0) > 1e4 * span:
        raise FitError(
            f"The truncated-normal fit of {func} has no finite maximum on this sample (the "
            f"data look uniform or rising towards a bound); use fit_distribution(x, 'norm')."
        )
    return TruncatedNormal(m, s, lo, hi)
