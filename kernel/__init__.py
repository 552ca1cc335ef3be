"""The small kernel below every riskcast package (numpy/pandas only).

Validation, atomic I/O, table reading and seed streams shared by ``nn``, ``montecarlo``,
``forecast``, ``analytics``, ``dashboard`` and ``riskcast``. Functions that raise take the
calling package's error class, so each package keeps its own error types and wording.
"""

from __future__ import annotations

from kernel.estimator import BaseEstimator, NotFittedError, clone
from kernel.seeds import stream_rng, stream_seed

__all__ = ["BaseEstimator", "NotFittedError", "clone", "stream_rng", "stream_seed"]
