"""The one seed rule of riskcast: a random stream per (seed, series, method, purpose).

Every front end (Python API, ``riskcast target``, the dashboard, batch reports in process
or on Dask) draws the paths of one method on one series from
``stream_rng(seed, series, method)``, so the same seed, series name and method name give
the same paths on every call path, whatever other methods or series run beside them and
in whatever order. ``purpose`` separates the streams of one pair (``"paths"`` for the
question itself, ``"backtest"`` for its calibration backtest).

The keys are hashed with SHA-256 (``hashlib``), not Python's ``hash``, so the streams are
the same in every process and on every machine.
"""

from __future__ import annotations

import hashlib
import numbers

import numpy as np

__all__ = ["stream_rng", "stream_seed"]


def stream_seed(
    seed: int, series: str = "", method: str = "", purpose: str = "paths"
) -> np.random.SeedSequence:
    """The :class:`numpy.random.SeedSequence` of one (seed, series, method, purpose).

    Parameters
    ----------
    seed : int
        The run's seed (>= 0).
    series : str, default ""
        The series' name (a report's series id, the value column of a table, ...).
    method : str, default ""
        The method's registry name.
    purpose : str, default "paths"
        Which stream of the pair: ``"paths"`` or ``"backtest"``.

    Examples
    --------
    >>> a = np.random.default_rng(stream_seed(1, "north", "seasonal")).random()
    >>> b = np.random.default_rng(stream_seed(1, "north", "seasonal")).random()
    >>> bool(a == b)
    True
    >>> c = np.random.default_rng(stream_seed(1, "north", "bootstrap")).random()
    >>> bool(a == c)
    False
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or int(seed) < 0:
        raise ValueError(
            f"The 'seed' parameter of stream_seed must be an integer >= 0. Got {seed!r} instead."
        )
    key = "\x00".join(str(k) for k in (series, method, purpose)).encode("utf-8")
    words = np.frombuffer(hashlib.sha256(key).digest()[:16], dtype=np.uint32).tolist()
    return np.random.SeedSequence([int(seed), *words])


def stream_rng(
    seed: int, series: str = "", method: str = "", purpose: str = "paths"
) -> np.random.Generator:
    """``numpy.random.default_rng(stream_seed(seed, series, method, purpose))``."""
    return np.random.default_rng(stream_seed(seed, series, method, purpose))
