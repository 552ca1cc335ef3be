"""Synthetic gradients: decoupled neural interfaces (Jaderberg et al. 2017) for :func:`nn.fit`.

Jaderberg, Czarnecki, Osindero, Vinyals, Graves, Silver and Kavukcuoglu (2017),
"Decoupled Neural Interfaces using Synthetic Gradients", ICML. At a *decoupled point*
(the output ``h`` of a chosen layer of a :class:`~nn.layers.Sequential`) a small model
``M`` predicts the gradient ``dL/dh`` from ``h`` alone (or from ``h`` and the labels:
``conditional=True``, the paper's cDNI). The layers below the point update from the
prediction as soon as ``h`` is computed, without waiting for the layers above; when the
gradient from above arrives, ``M`` learns from it by least squares, with its own optimizer.

One training step of ``nn.fit(..., synthetic_gradients=sg)``, for points ``j_1 < ... < j_K``:

1. forward through the whole chain (unchanged), keeping every ``h_k`` (output of layer
   ``j_k``);
2. back-propagate the loss gradient from the top. Arriving at ``h_K`` it is ``t_K``, the
   target of ``M_K``; below ``h_K`` the synthetic gradient ``M_K(h_K)`` replaces it. What
   reaches ``h_{K-1}`` is then the gradient the block above computes from *its* synthetic
   input gradient: the target of ``M_{K-1}`` (the paper's bootstrapping), and so on down;
3. every ``M_k`` takes one step on ``mean((M_k(h_k) - n t_k)**2)``;
4. the model's optimizer takes its usual step (penalties, clipping and gradient noise as
   without synthetic gradients).

The lower layers' update uses only ``M_k(h_k)``, which exists as soon as ``h_k`` does: it
is the "immediate" update of the paper. Run in one process, applying it at the end of
the batch (step 4) or right after step 2 is the same arithmetic, because nothing above
``h_k`` reads the lower layers' weights again in this batch; one step per batch also
keeps the optimizer's step count (and so the gradient-noise schedule, see
:mod:`nn.optimizers`) as in plain backpropagation. A perfect predictor therefore
reproduces backpropagation's update exactly.

``M_k`` predicts the gradient of the *per-row* loss: the batch-mean gradient times the
batch's row count ``n`` (so that its target does not shrink with the batch size); its
last layer starts at zero, as in the paper, so training begins as if the lower layers
were frozen.

Examples
--------
>>> import numpy as np
>>> import nn
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
>>> y = np.array([[0.0], [1.0], [1.0], [0.0]])
>>> model = nn.Sequential(
...     [nn.Dense(2, 8, activation="tanh", rng=0), nn.Dense(8, 1, activation="sigmoid", rng=1)]
... )
>>> sg = nn.SyntheticGradients(model, at=[0], optimizer=nn.Adam(lr=0.01), rng=0)
>>> h = nn.fit(model, "mse", nn.Adam(lr=0.05), X, y, epochs=500, batch_size=None,
...            synthetic_gradients=sg, rng=0)
>>> bool(h.loss[-1] < 0.01), (nn.predict(model, X) > 0.5).astype(int).ravel().tolist()
(True, [0, 1, 1, 0])
>>> sg.losses_.shape  # one predictor loss per step and decoupled point
(500, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from nn._validate import as_rng, check_positive_int
from nn.activations import get_activation
from nn.errors import NNTypeError, NNValueError
from nn.layers import Dense, Sequential
from nn.optimizers import Optimizer, get_optimizer

__all__ = ["SyntheticGradients"]


def _check_points(at: Any, n_layers: int) -> tuple[int, ...]:
    func = "SyntheticGradients"
    items = [at] if isinstance(at, int | np.integer) and not isinstance(at, bool) else at
    try:
        points = list(items)
    except TypeError:
        raise NNTypeError(
            f"The 'at' parameter of {func} must be a layer index or a sequence of layer "
            f"indices. Got {type(at).__name__} instead."
        ) from None
    if not points:
        raise NNValueError(f"The 'at' parameter of {func} must name at least one layer index.")
    for j in points:
        if isinstance(j, bool) or not isinstance(j, int | np.integer):
            raise NNTypeError(
                f"The 'at' parameter of {func} must hold integer layer indices. "
                f"Got {j!r} ({type(j).__name__}) instead."
            )
        if not 0 <= j < n_layers - 1:
            raise NNValueError(
                f"The 'at' parameter of {func} must hold layer indices in [0, {n_layers - 1}) "
                f"for a Sequential of {n_layers} layers (the last layer's output gets the true "
                f"loss gradient). Got {int(j)} instead."
            )
    if len(set(points)) != len(points):
        raise NNValueError(
            f"The 'at' parameter of {func} must not repeat a layer index. Got {list(points)}."
        )
    return tuple(sorted(int(j) for j in points))


def _rows(a: np.ndarray) -> np.ndarray:
    """``(batch, ...)`` -> ``(batch, prod(...))``."""
    return a.reshape(a.shape[0], -1)


def _inputs(h: np.ndarray, cond: np.ndarray | None) -> np.ndarray:
    """Predictor input: ``h`` per row, followed by the targets per row (cDNI)."""
    inp = _rows(h)
    if cond is None:
        return inp
    return np.concatenate([inp, cond.astype(inp.dtype, copy=False)], axis=1)


class SyntheticGradients:
    """Synthetic-gradient models at chosen layer outputs of a :class:`~nn.layers.Sequential`.

    Pass it to :func:`nn.fit` as ``synthetic_gradients=``; see the module docstring for the
    training step.

    Parameters
    ----------
    model : Sequential
        The network trained by :func:`nn.fit` (the same object).
    at : int or sequence of int
        Decoupled points: indices ``j`` of the layers whose output ``h`` of shape
        ``(batch, ...)`` gets a synthetic gradient, ``0 <= j < len(model) - 1``.
    hidden : sequence of int, default ()
        Hidden sizes of every synthetic-gradient model; ``()`` is a linear model
        ``M(h) = h A + b``.
    activation : str, default "relu"
        Activation of the hidden layers.
    optimizer : Optimizer or str, default "adam"
        Optimizer of the synthetic-gradient models (one step per batch over all of them),
        separate from the model's. Its ``grad_noise`` option, if set, applies to them only.
    conditional : bool, default False
        Condition the predictions on the batch targets too (cDNI): ``M(h, y)``, with ``y``
        flattened per row (pass one-hot targets for classes).
    rng : Generator, int or None
        Source of the hidden layers' initial weights (the output layer starts at zero).

    Attributes
    ----------
    points_ : tuple of int
        The decoupled layer indices, ascending.
    predictors_ : list of Sequential
        One synthetic-gradient model per point, built at the first training step (or by
        :meth:`build`); maps ``(batch, d_h [+ d_y])`` to ``(batch, d_h)``.
    optimizer_ : Optimizer
        The optimizer of the predictors.
    losses_ : ndarray of shape (n_steps, n_points)
        Each predictor's loss (mean squared error against its target) at every step.
    """

    def __init__(
        self,
        model: Sequential,
        *,
        at: int | Sequence[int],
        hidden: Sequence[int] = (),
        activation: str = "relu",
        optimizer: Optimizer | str = "adam",
        conditional: bool = False,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        func = "SyntheticGradients"
        if not isinstance(model, Sequential):
            raise NNTypeError(
                f"The 'model' parameter of {func} must be an nn.Sequential. "
                f"Got {type(model).__name__} instead."
            )
        self.model = model
        self.at = at
        self.hidden = hidden
        self.activation = activation
        self.optimizer = optimizer
        self.conditional = conditional
        self.rng = rng
        self.points_ = _check_points(at, len(model))
        if isinstance(hidden, int | str) or not isinstance(hidden, Sequence):
            raise NNTypeError(
                f"The 'hidden' parameter of {func} must be a sequence of layer sizes "
                f"(() for a linear model). Got {hidden!r} instead."
            )
        self._hidden = [check_positive_int(k, name="hidden", func=func) for k in hidden]
        get_activation(activation)  # validates the name
        if not isinstance(conditional, bool | np.bool_):
            raise NNTypeError(
                f"The 'conditional' parameter of {func} must be a bool. Got {conditional!r}."
            )
        self.optimizer_ = get_optimizer(optimizer)
        self._gen = as_rng(rng, func=func)
        self.predictors_: list[Sequential] | None = None
        self._losses: list[np.ndarray] = []
        self._outputs: list[np.ndarray] | None = None

    # -- building -------------------------------------------------------------------------
    def build(self, X: Any, y: Any = None) -> SyntheticGradients:
        """Create the predictors for inputs like ``X`` (and targets like ``y``); idempotent.

        Runs one inference-mode forward pass of the model over the first row of ``X`` to
        learn the shapes of the decoupled outputs. :func:`nn.fit` calls it when needed;
        call it yourself to inspect or set the predictors' weights before training.
        """
        if self.predictors_ is None:
            X = np.asarray(X)
            outputs = self.model.forward_trace(X[:1], training=False)
            self._build(outputs, None if y is None else np.asarray(y)[:1])
        return self

    def _build(self, outputs: list[np.ndarray], y: np.ndarray | None) -> None:
        if self.conditional and y is None:
            raise NNValueError(
                "SyntheticGradients(conditional=True) needs the targets: call build(X, y)."
            )
        predictors = []
        for j in self.points_:
            h = outputs[j]
            d_h = _rows(h).shape[1]
            d_in = d_h + (_rows(np.asarray(y)).shape[1] if self.conditional else 0)
            dtype = h.dtype if h.dtype.kind == "f" else np.float64
            sizes = [d_in, *self._hidden]
            layers = [
                Dense(a, b, activation=self.activation, rng=self._gen, dtype=dtype)
                for a, b in pairwise(sizes)
            ]
            layers.append(Dense(sizes[-1], d_h, init="zeros", rng=self._gen, dtype=dtype))
            predictors.append(Sequential(layers))
        self.predictors_ = predictors

    # -- one training step (called by nn.fit) ---------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        """Training-mode forward pass of the model; keeps the outputs at the points."""
        outputs = self.model.forward_trace(x, training=True)
        self._outputs = outputs
        return outputs[-1] if outputs else x

    def backward(self, grad: np.ndarray, y: Any = None) -> np.ndarray:
        """Back-propagate the loss gradient with synthetic gradients below every point.

        Fills the model's ``grads`` (the model's optimizer step is the caller's) and
        updates the predictors: one step of their optimizer on their targets.

        Parameters
        ----------
        grad : ndarray
            dLoss/dOutput of the model for the batch of the last :meth:`forward`.
        y : array-like of shape (batch, ...) or None
            The batch targets (needed with ``conditional=True``).

        Returns
        -------
        ndarray
            dLoss/dInput of the model (from the lowest synthetic gradient).
        """
        outputs = self._outputs
        if outputs is None:
            raise NNValueError(
                "backward of SyntheticGradients was called before forward. Call forward first."
            )
        if self.conditional and y is None:
            raise NNValueError(
                "The 'y' parameter of SyntheticGradients.backward is required with "
                "conditional=True."
            )
        if self.predictors_ is None:
            self._build(outputs, None if y is None else np.asarray(y))
        n = outputs[0].shape[0]
        cond = None if not self.conditional else _rows(np.asarray(y))
        losses = np.zeros(len(self.points_))
        slot = {j: k for k, j in enumerate(self.points_)}

        def hook(j: int, g: np.ndarray) -> np.ndarray:
            k = slot.get(j)
            if k is None:
                return g
            h = outputs[j]
            if g.shape != h.shape:
                raise NNValueError(
                    f"The gradient arriving at layer {j} ({type(self.model[j]).__name__}) "
                    f"must have the shape of its output {h.shape}. Got {g.shape} instead."
                )
            pred = self.predictors_[k].forward(_inputs(h, cond), training=True)
            err = pred - _rows(g) * n
            losses[k] = float(np.mean(err * err))
            self.predictors_[k].backward(err * (2.0 / err.size))
            return (pred / n).reshape(h.shape).astype(g.dtype, copy=False)

        _, input_grad = self.model.backward_trace(grad, hook=hook)
        pairs = [pair for predictor in self.predictors_ for pair in predictor.parameters()]
        self.optimizer_.step([p for p, _ in pairs], [g for _, g in pairs])
        self._losses.append(losses)
        self._outputs = None
        return input_grad

    def predict_gradients(self, X: Any, y: Any = None) -> list[np.ndarray]:
        """The synthetic gradients ``M_k(h_k)`` for inputs ``X``, one array per point.

        Inference-mode forward pass; each array has the shape of the decoupled output
        ``(n_samples, ...)`` and is the predicted gradient of the per-row loss (see the
        module docstring).
        """
        if self.conditional and y is None:
            raise NNValueError(
                "The 'y' parameter of SyntheticGradients.predict_gradients is required with "
                "conditional=True."
            )
        self.build(X, y)
        outputs = self.model.forward_trace(np.asarray(X), training=False)
        cond = None if not self.conditional else _rows(np.asarray(y))
        return [
            predictor.forward(_inputs(outputs[j], cond)).reshape(outputs[j].shape)
            for j, predictor in zip(self.points_, self.predictors_, strict=True)
        ]

    @property
    def losses_(self) -> np.ndarray:
        """Predictor losses, shape ``(n_steps, n_points)``."""
        if not self._losses:
            return np.zeros((0, len(self.points_)))
        return np.vstack(self._losses)

    def __repr__(self) -> str:
        return (
            f"SyntheticGradients(at={list(self.points_)}, hidden={list(self._hidden)}, "
            f"conditional={self.conditional}, optimizer={self.optimizer_!r})"
        )
