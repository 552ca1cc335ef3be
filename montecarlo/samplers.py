"""Uniform samplers for Monte Carlo paths: plain, antithetic and scrambled Sobol.

A sampler turns ``(n, d)`` into an array of uniforms in the open interval (0, 1) and
knows how its rows are *grouped* for an honest standard error:

- ``plain``: independent rows, each row is its own group;
- ``antithetic``: row ``i`` and row ``i + n/2`` are a pair (``u`` and ``1 - u``), the pair
  means are independent;
- ``sobol``: ``n_scrambles`` independently scrambled Sobol point sets of ``2**k`` points
  each, stored one after the other; the replicate means are independent.

Simulators map the uniforms through inverse CDFs, so the grouping carries over to the
paths and then to the target probability (see :func:`group_standard_error`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc

from montecarlo.checks import as_rng, check_positive_int
from montecarlo.errors import MonteCarloTypeError, MonteCarloValueError

__all__ = [
    "SAMPLERS",
    "AntitheticSampler",
    "PlainSampler",
    "Sampler",
    "SobolSampler",
    "as_sampler",
    "group_standard_error",
]

#: Smallest uniform returned; keeps inverse CDFs finite at both ends.
_TINY = np.finfo(np.float64).eps / 2


@dataclass(frozen=True)
class Sampler:
    """Base class: a way of drawing ``(n, d)`` uniforms with a known grouping."""

    name = "base"

    def valid_n(self, n: int) -> int:
        """Smallest admissible number of rows >= ``n``."""
        return int(n)

    def check_n(self, n: int, *, func: str = "paths") -> int:
        """Return ``n`` if admissible, else raise naming the nearest admissible values."""
        n = check_positive_int(n, name="n", func=func)
        if self.valid_n(n) != n:
            raise MonteCarloValueError(
                f"The 'n' parameter of {func} must suit the {self.name!r} sampler "
                f"({self.rule()}). Got {n} instead; the next admissible value is "
                f"{self.valid_n(n)}."
            )
        return n

    def rule(self) -> str:
        """Human description of the admissible sizes."""
        return "any n >= 1"

    def uniforms(self, n: int, d: int, rng: np.random.Generator | int | None) -> np.ndarray:
        """Uniforms of shape ``(n, d)`` in (0, 1)."""
        raise NotImplementedError

    def groups(self, n: int) -> np.ndarray | None:
        """Group id of each row, shape ``(n,)``, or ``None`` when every row is independent."""
        return None


@dataclass(frozen=True)
class PlainSampler(Sampler):
    """Independent uniforms (ordinary Monte Carlo)."""

    name = "plain"

    def uniforms(self, n: int, d: int, rng: np.random.Generator | int | None) -> np.ndarray:
        u = as_rng(rng).random((n, d))
        np.clip(u, _TINY, 1.0 - _TINY, out=u)
        return u


@dataclass(frozen=True)
class AntitheticSampler(Sampler):
    """Antithetic pairs: the second half of the rows is ``1 - u`` of the first half.

    Examples
    --------
    >>> u = AntitheticSampler().uniforms(4, 2, 0)
    >>> bool(np.allclose(u[:2] + u[2:], 1.0))
    True
    """

    name = "antithetic"

    def valid_n(self, n: int) -> int:
        return int(n) + (int(n) % 2)

    def rule(self) -> str:
        return "an even number of paths"

    def uniforms(self, n: int, d: int, rng: np.random.Generator | int | None) -> np.ndarray:
        n = self.check_n(n)
        half = as_rng(rng).random((n // 2, d))
        np.clip(half, _TINY, 1.0 - _TINY, out=half)
        return np.concatenate([half, 1.0 - half])

    def groups(self, n: int) -> np.ndarray:
        return np.arange(n) % (n // 2)


@dataclass(frozen=True)
class SobolSampler(Sampler):
    """Scrambled Sobol points: ``n_scrambles`` independent scrambles of ``2**k`` points.

    Parameters
    ----------
    n_scrambles : int, default 16
        Number of independent scrambles (replicates); the standard error comes from the
        spread of the replicate means, so it is honest for any integrand. It needs at
        least 2 (``simulate_target`` refuses fewer); 1 is allowed for drawing in chunks.

    Examples
    --------
    >>> s = SobolSampler(n_scrambles=4)
    >>> s.valid_n(1000)
    1024
    >>> s.uniforms(1024, 3, 0).shape
    (1024, 3)
    """

    n_scrambles: int = 16
    name = "sobol"

    def __post_init__(self) -> None:
        check_positive_int(self.n_scrambles, name="n_scrambles", func="SobolSampler", minimum=1)

    def valid_n(self, n: int) -> int:
        per = max(1, -(-int(n) // self.n_scrambles))
        return self.n_scrambles * (1 << (per - 1).bit_length())

    def rule(self) -> str:
        return f"{self.n_scrambles} scrambles x a power of two, e.g. {self.valid_n(1000)}"

    def uniforms(self, n: int, d: int, rng: np.random.Generator | int | None) -> np.ndarray:
        n = self.check_n(n)
        gen = as_rng(rng)
        m = n // self.n_scrambles
        k = m.bit_length() - 1
        out = np.empty((n, d))
        for r in range(self.n_scrambles):
            engine = qmc.Sobol(d, scramble=True, rng=gen)
            out[r * m : (r + 1) * m] = engine.random_base2(k)
        np.clip(out, _TINY, 1.0 - _TINY, out=out)
        return out

    def groups(self, n: int) -> np.ndarray:
        return np.arange(n) // (n // self.n_scrambles)


#: The samplers known by name.
SAMPLERS: dict[str, type[Sampler]] = {
    "plain": PlainSampler,
    "antithetic": AntitheticSampler,
    "sobol": SobolSampler,
}


def as_sampler(sampler: str | Sampler | None, *, func: str = "paths") -> Sampler:
    """Return a :class:`Sampler` from a name (``"plain"``, ``"antithetic"``, ``"sobol"``)."""
    if sampler is None:
        return PlainSampler()
    if isinstance(sampler, Sampler):
        return sampler
    if isinstance(sampler, str):
        key = sampler.strip().lower()
        if key in SAMPLERS:
            return SAMPLERS[key]()
        raise MonteCarloValueError(
            f"The 'sampler' parameter of {func} must be one of {sorted(SAMPLERS)}. "
            f"Got {sampler!r} instead."
        )
    raise MonteCarloTypeError(
        f"The 'sampler' parameter of {func} must be a sampler name or a Sampler. "
        f"Got {type(sampler).__name__} instead."
    )


def group_standard_error(values: np.ndarray, groups: np.ndarray | None) -> float:
    """Standard error of ``values.mean()`` given the sampler's grouping.

    Parameters
    ----------
    values : ndarray of shape (n,)
        Per-path quantity (e.g. the hit indicator).
    groups : ndarray of shape (n,) or None
        Group id per path; ``None`` means independent paths.

    Returns
    -------
    float
        ``std(group means, ddof=1) / sqrt(n_groups)``; 0.0 when fewer than two groups.
    """
    values = np.asarray(values)
    if groups is None:
        n = values.size
        if n < 2:
            return 0.0
        if values.dtype == np.bool_:  # closed form of std(ddof=1) for 0/1 values
            p = np.count_nonzero(values) / n
            return float(np.sqrt(p * (1.0 - p) / (n - 1)))
        return float(values.std(ddof=1) / np.sqrt(n))
    values = values.astype(np.float64, copy=False)
    counts = np.bincount(groups)
    sums = np.bincount(groups, weights=values)
    keep = counts > 0
    means = sums[keep] / counts[keep]
    if means.size < 2:
        return 0.0
    return float(means.std(ddof=1) / np.sqrt(means.size))
