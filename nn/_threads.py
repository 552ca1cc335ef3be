"""Keep BLAS single-threaded for the small matrix products of :mod:`nn`.

The matrices of a recurrent time step are tiny (batch x hidden); handing each product to
several BLAS threads costs more in synchronisation than it saves and can make a training
step several times slower. :func:`blas_threads` limits the BLAS pool (through
``threadpoolctl``) for the duration of a ``with`` block; the recurrent layers wrap their
forward and backward passes in it when the work per product is small.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["SMALL_WORK", "blas_threads", "limit_for_size"]

#: Products with fewer multiply-adds than this run on one BLAS thread. Per-step recurrent
#: products (batch x hidden x gates*hidden) stay far below it: measured on a 2-core machine,
#: two BLAS threads made an LSTM step 2-8x slower even at batch 256 / hidden 256, and
#: worse still when other processes compete for the cores.
SMALL_WORK = 1 << 30

_controller: Any = None
_unavailable = False


def _get_controller() -> Any:
    """Return a cached ``threadpoolctl.ThreadpoolController`` (scanning libraries is slow)."""
    global _controller, _unavailable
    if _controller is None and not _unavailable:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # pragma: no cover - threadpoolctl is a runtime dependency
            _unavailable = True
            return None
        _controller = ThreadpoolController()
    return _controller


@contextlib.contextmanager
def blas_threads(n: int | None = 1) -> Iterator[None]:
    """Limit the BLAS thread pool to ``n`` threads inside a ``with`` block.

    Parameters
    ----------
    n : int or None
        Number of BLAS threads; ``None`` leaves the pool unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> with blas_threads(1):
    ...     float(np.ones((2, 2)) @ np.ones(2) @ np.ones(2))
    4.0
    """
    controller = _get_controller() if n is not None else None
    if controller is None:
        yield
        return
    with controller.limit(limits=n, user_api="blas"):
        yield


def limit_for_size(work: int) -> contextlib.AbstractContextManager[None]:
    """Return ``blas_threads(1)`` when ``work`` (multiply-adds per product) is small.

    Larger products keep the default pool, where several threads do pay off.
    """
    if work < SMALL_WORK:
        return blas_threads(1)
    return contextlib.nullcontext()
