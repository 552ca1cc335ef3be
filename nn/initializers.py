"""Weight initializers: ``get_initializer(name, **options)(shape, rng) -> ndarray``.

Shapes follow :class:`nn.Dense`, whose weight multiplies from the right (``x @ weight``):
a 2-D shape is ``(fan_in, fan_out)``. A 1-D shape ``(n,)`` has ``fan_in = fan_out = n``;
for more axes ``(*receptive, fan_in, fan_out)`` both fans are multiplied by the receptive
field size (Keras' convention).

=================  ====================================================================
name               distribution
=================  ====================================================================
glorot_uniform     U(-a, a), ``a = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot & Bengio 2010)
glorot_normal      N(0, s^2), ``s = gain * sqrt(2 / (fan_in + fan_out))``
he_uniform         U(-a, a), ``a = sqrt(6 / fan_in)`` (He et al. 2015, for ReLU)
he_normal          N(0, s^2), ``s = sqrt(2 / fan_in)``
orthogonal         ``gain`` times a random (semi-)orthogonal matrix (Saxe et al. 2014)
sparse             N(0, std^2) with a fraction ``sparsity`` of each column's entries set to
                   zero (Martens 2010; as ``torch.nn.init.sparse_``)
zeros / ones       constants (for biases)
=================  ====================================================================

Examples
--------
>>> import numpy as np
>>> w = get_initializer("orthogonal")((4, 4), np.random.default_rng(0))
>>> np.allclose(w.T @ w, np.eye(4))
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from nn._validate import as_rng, check_number
from nn.errors import NNTypeError, NNValueError

__all__ = [
    "fans",
    "get_initializer",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "ones",
    "orthogonal",
    "sparse",
    "zeros",
]

Initializer = Callable[[tuple[int, ...], np.random.Generator], np.ndarray]


def _check_shape(shape: Any, func: str) -> tuple[int, ...]:
    if isinstance(shape, int | np.integer):
        shape = (int(shape),)
    try:
        out = tuple(int(s) for s in shape)
    except TypeError:
        raise NNTypeError(
            f"The 'shape' parameter of {func} must be a tuple of positive ints. "
            f"Got {shape!r} instead."
        ) from None
    if len(out) == 0 or min(out) < 1 or any(int(s) != s for s in shape):
        raise NNValueError(
            f"The 'shape' parameter of {func} must be a non-empty tuple of positive ints. "
            f"Got {shape!r} instead."
        )
    return out


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a weight of ``shape`` (see the module notes)."""
    shape = _check_shape(shape, "fans")
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def glorot_uniform(
    shape: tuple[int, ...], rng: Any = None, *, gain: float = 1.0, dtype: Any = np.float64
) -> np.ndarray:
    """Glorot/Xavier uniform: ``U(-a, a)``, ``a = gain * sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = fans(shape)
    gain = check_number(gain, name="gain", func="glorot_uniform", low=0.0, low_open=True)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    gen = as_rng(rng, func="glorot_uniform")
    return gen.uniform(-a, a, size=_check_shape(shape, "glorot_uniform")).astype(dtype)


def glorot_normal(
    shape: tuple[int, ...], rng: Any = None, *, gain: float = 1.0, dtype: Any = np.float64
) -> np.ndarray:
    """Glorot/Xavier normal: ``N(0, s^2)``, ``s = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = fans(shape)
    gain = check_number(gain, name="gain", func="glorot_normal", low=0.0, low_open=True)
    s = gain * math.sqrt(2.0 / (fan_in + fan_out))
    gen = as_rng(rng, func="glorot_normal")
    return gen.normal(0.0, s, size=_check_shape(shape, "glorot_normal")).astype(dtype)


def he_uniform(shape: tuple[int, ...], rng: Any = None, *, dtype: Any = np.float64) -> np.ndarray:
    """He/Kaiming uniform for ReLU: ``U(-a, a)``, ``a = sqrt(6 / fan_in)``."""
    fan_in, _ = fans(shape)
    a = math.sqrt(6.0 / fan_in)
    gen = as_rng(rng, func="he_uniform")
    return gen.uniform(-a, a, size=_check_shape(shape, "he_uniform")).astype(dtype)


def he_normal(shape: tuple[int, ...], rng: Any = None, *, dtype: Any = np.float64) -> np.ndarray:
    """He/Kaiming normal for ReLU: ``N(0, s^2)``, ``s = sqrt(2 / fan_in)``."""
    fan_in, _ = fans(shape)
    gen = as_rng(rng, func="he_normal")
    return gen.normal(0.0, math.sqrt(2.0 / fan_in), size=_check_shape(shape, "he_normal")).astype(
        dtype
    )


def orthogonal(
    shape: tuple[int, ...], rng: Any = None, *, gain: float = 1.0, dtype: Any = np.float64
) -> np.ndarray:
    """``gain`` times a uniformly random (semi-)orthogonal matrix.

    The shape is flattened to ``(prod(shape[:-1]), shape[-1])``; its rows (if fewer) or
    columns (if fewer) are orthonormal. Drawn from the QR decomposition of a Gaussian
    matrix with the signs of ``R``'s diagonal folded into ``Q`` (Haar measure).
    """
    shape = _check_shape(shape, "orthogonal")
    if len(shape) < 2:
        raise NNValueError(
            "The 'shape' parameter of orthogonal must have at least 2 dimensions. "
            f"Got {shape!r} instead."
        )
    gain = check_number(gain, name="gain", func="orthogonal", low=0.0, low_open=True)
    rows, cols = math.prod(shape[:-1]), shape[-1]
    gen = as_rng(rng, func="orthogonal")
    a = gen.normal(size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return (gain * q).reshape(shape).astype(dtype)


def sparse(
    shape: tuple[int, ...],
    rng: Any = None,
    *,
    sparsity: float = 0.9,
    std: float = 0.01,
    dtype: Any = np.float64,
) -> np.ndarray:
    """Sparse 2-D initialization: ``N(0, std^2)`` with ``ceil(sparsity * fan_in)`` zeros per
    column, so each output unit keeps only a few incoming connections (Martens 2010)."""
    shape = _check_shape(shape, "sparse")
    if len(shape) != 2:
        raise NNValueError(
            f"The 'shape' parameter of sparse must be 2-D (fan_in, fan_out). Got {shape!r}."
        )
    sparsity = check_number(sparsity, name="sparsity", func="sparse", low=0.0, high=1.0)
    std = check_number(std, name="std", func="sparse", low=0.0, low_open=True)
    rows, cols = shape
    gen = as_rng(rng, func="sparse")
    w = gen.normal(0.0, std, size=shape)
    n_zero = math.ceil(sparsity * rows)
    for j in range(cols):
        w[gen.permutation(rows)[:n_zero], j] = 0.0
    return w.astype(dtype)


def zeros(shape: tuple[int, ...], rng: Any = None, *, dtype: Any = np.float64) -> np.ndarray:
    """All zeros (``rng`` is ignored)."""
    return np.zeros(_check_shape(shape, "zeros"), dtype=dtype)


def ones(shape: tuple[int, ...], rng: Any = None, *, dtype: Any = np.float64) -> np.ndarray:
    """All ones (``rng`` is ignored)."""
    return np.ones(_check_shape(shape, "ones"), dtype=dtype)


_INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "xavier_uniform": glorot_uniform,
    "xavier_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "kaiming_uniform": he_uniform,
    "kaiming_normal": he_normal,
    "orthogonal": orthogonal,
    "sparse": sparse,
    "zeros": zeros,
    "ones": ones,
}


def get_initializer(name: str | Callable[..., np.ndarray], **options: Any) -> Initializer:
    """Return ``f(shape, rng) -> ndarray`` for an initializer name and its options.

    Parameters
    ----------
    name : str or callable
        One of ``glorot_uniform``, ``glorot_normal``, ``he_uniform``, ``he_normal``,
        ``orthogonal``, ``sparse``, ``zeros``, ``ones`` (aliases ``xavier_*``,
        ``kaiming_*``); a callable is returned unchanged.
    **options
        Keyword options of that initializer (``gain``, ``sparsity``, ``std``, ``dtype``).

    Examples
    --------
    >>> import numpy as np
    >>> init = get_initializer("sparse", sparsity=0.5)
    >>> int((init((4, 3), np.random.default_rng(1)) == 0).sum())
    6
    """
    if callable(name):
        return name
    if not isinstance(name, str):
        raise NNTypeError(
            "The 'name' parameter of get_initializer must be a string or a callable. "
            f"Got {type(name).__name__} instead."
        )
    fn = _INITIALIZERS.get(name.lower())
    if fn is None:
        raise NNValueError(
            f"The 'name' parameter of get_initializer must be one of {sorted(_INITIALIZERS)}. "
            f"Got {name!r} instead."
        )

    def init(shape: tuple[int, ...], rng: Any = None) -> np.ndarray:
        try:
            return fn(shape, rng, **options)
        except TypeError as exc:
            if "unexpected keyword" in str(exc):
                raise NNTypeError(f"get_initializer({name!r}): {exc}") from None
            raise

    init.__name__ = fn.__name__
    init.__doc__ = fn.__doc__
    return init
