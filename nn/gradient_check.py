"""Gradient checking by central differences.

:func:`gradcheck` compares the analytic gradients of a layer or model (its ``backward``)
with central finite differences of the scalar loss ``L = sum(w * y)``, where ``y`` is the
output and ``w`` a fixed random weighting (so every output entry matters and no symmetry
hides an error). Every parameter entry and every input entry is perturbed; for recurrent
layers the final state enters the loss too and the initial state is checked.

Examples
--------
>>> import numpy as np
>>> from nn.layers import Dense
>>> result = gradcheck(Dense(3, 2, activation="tanh", rng=0), np.ones((4, 3)), rng=1)
>>> result.ok
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nn._validate import as_rng
from nn.base import Layer
from nn.errors import NNTypeError, NNValueError

__all__ = ["GradcheckError", "GradcheckResult", "gradcheck"]


class GradcheckError(NNValueError):
    """Analytic and numerical gradients disagree."""


@dataclass
class GradcheckResult:
    """Outcome of :func:`gradcheck`.

    Attributes
    ----------
    errors : dict of str to float
        Relative error ``max|a - n| / max(max|a|, max|n|, 1e-12)`` per checked array:
        ``"x"``, ``"state"`` (recurrent layers with a given state) and one entry per
        parameter, named ``"<layer index>.<param name>"``.
    max_error : float
        The largest of ``errors``.
    tol : float
        Tolerance used; ``ok`` is ``max_error <= tol``.
    """

    errors: dict[str, float] = field(default_factory=dict)
    max_error: float = 0.0
    tol: float = 1e-6

    @property
    def ok(self) -> bool:
        return self.max_error <= self.tol

    def raise_if_failed(self) -> None:
        """Raise :class:`GradcheckError` naming the arrays whose gradients disagree."""
        if not self.ok:
            bad = {k: v for k, v in self.errors.items() if v > self.tol}
            raise GradcheckError(
                f"Analytic gradients disagree with central differences above tol={self.tol:g}: "
                + ", ".join(f"{k}: {v:.3g}" for k, v in bad.items())
            )


def _rel(a: np.ndarray, n: np.ndarray) -> float:
    scale = max(float(np.abs(a).max(initial=0.0)), float(np.abs(n).max(initial=0.0)), 1e-12)
    return float(np.abs(a - n).max(initial=0.0)) / scale


def _as_tuple(state: Any) -> tuple[np.ndarray, ...]:
    return tuple(state) if isinstance(state, tuple | list) else (state,)


def gradcheck(
    layer: Layer,
    x: np.ndarray,
    *,
    state: Any = None,
    eps: float = 1e-6,
    tol: float = 1e-6,
    rng: np.random.Generator | int | None = None,
    raise_on_failure: bool = False,
) -> GradcheckResult:
    """Check a layer's or model's backward pass against central differences (float64).

    Parameters
    ----------
    layer : Layer
        A layer or :class:`~nn.layers.Sequential` with float64 parameters.
    x : ndarray
        Input batch, e.g. ``(batch, features)`` or ``(batch, time, features)``.
    state : ndarray or tuple, optional
        Initial state of a recurrent layer (checked as well).
    eps : float
        Step of the central differences.
    tol : float
        Largest relative error accepted.
    rng : Generator, int or None
        Source of the loss weighting.
    raise_on_failure : bool
        Raise :class:`GradcheckError` instead of returning a failed result.

    Returns
    -------
    GradcheckResult
    """
    if not isinstance(layer, Layer):
        raise NNTypeError(f"The 'layer' parameter of gradcheck must be a Layer. Got {layer!r}.")
    for p, _ in layer.parameters():
        if p.dtype != np.float64:
            raise NNValueError(
                "The 'layer' parameter of gradcheck must have float64 parameters (build it "
                f"with dtype=np.float64). Got a parameter of dtype {p.dtype}."
            )
    gen = as_rng(rng)
    x = np.array(x, dtype=np.float64)
    states = None if state is None else [np.array(s, dtype=np.float64) for s in _as_tuple(state)]
    recurrent = hasattr(layer, "grad_initial_state")

    def run() -> list[np.ndarray]:
        if recurrent:
            st = None if states is None else (tuple(states) if len(states) > 1 else states[0])
            out, final = layer.forward(x, state=st)
            return [out, *_as_tuple(final)]
        out = layer.forward(x, training=False)
        return [out[0] if isinstance(out, tuple) else out]

    outs = run()
    weights = [gen.normal(size=o.shape) for o in outs]

    def loss() -> float:
        return float(sum(np.sum(w * o) for w, o in zip(weights, run(), strict=True)))

    run()
    if recurrent:
        finals = weights[1:]
        dx = layer.backward(weights[0], grad_state=tuple(finals) if len(finals) > 1 else finals[0])
    else:
        dx = layer.backward(weights[0])
    analytic: dict[str, np.ndarray] = {"x": np.array(dx, dtype=np.float64)}
    targets: dict[str, np.ndarray] = {"x": x}
    if recurrent and states is not None:
        for k, g in enumerate(_as_tuple(layer.grad_initial_state)):
            analytic[f"state{k}"] = np.array(g)
            targets[f"state{k}"] = states[k]
    for li, sub in enumerate(layer.layers()):
        for key, p in sub.params.items():
            analytic[f"{li}.{key}"] = np.array(sub.grads[key])
            targets[f"{li}.{key}"] = p
    result = GradcheckResult(tol=tol)
    for name, arr in targets.items():
        numeric = np.zeros_like(arr)
        flat = arr.reshape(-1)  # a view: parameters are perturbed in place, never rebound
        nflat = numeric.reshape(-1)
        for j in range(flat.size):
            orig = flat[j]
            flat[j] = orig + eps
            up = loss()
            flat[j] = orig - eps
            down = loss()
            flat[j] = orig
            nflat[j] = (up - down) / (2 * eps)
        result.errors[name] = _rel(analytic[name], numeric)
    result.max_error = max(result.errors.values(), default=0.0)
    if raise_on_failure:
        result.raise_if_failed()
    return result
