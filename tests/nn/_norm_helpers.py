"""Shared by test_normalization.py, test_whitening.py and test_blocks.py: the torch
fixtures of ``tools/make_torch_fixtures_norm.py`` and a wrapper that gradchecks a layer in
training mode (:func:`nn.gradcheck` runs ``forward(x, training=False)``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from nn.base import Layer

FIXTURES = Path(__file__).parent / "fixtures"
ATOL = 1e-10


def load(name: str) -> tuple[dict[str, np.ndarray], dict]:
    """Arrays and meta of ``fixtures/norm_<name>.npz``."""
    with np.load(FIXTURES / f"norm_{name}.npz", allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays.pop("meta")))
    assert meta["torch"].startswith("2.13")
    return arrays, meta


def names(prefix: str) -> list[str]:
    """Fixture case names starting with ``prefix`` (e.g. ``"bn_"``)."""
    return sorted(p.stem.removeprefix("norm_") for p in FIXTURES.glob(f"norm_{prefix}*.npz"))


def close(a: np.ndarray, b: np.ndarray) -> None:
    np.testing.assert_allclose(a, b, rtol=0, atol=ATOL)


class TrainingMode(Layer):
    """``inner`` run with ``training=True``; ``before()`` (e.g. a reseeding) is called
    before every forward pass so repeated passes draw the same masks."""

    def __init__(self, inner: Layer, before: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.inner, self.before = inner, before

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        if self.before is not None:
            self.before()
        return self.inner.forward(x, training=True)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return self.inner.backward(grad)

    def layers(self) -> Iterator[Layer]:
        yield self
        yield from self.inner.layers()


def randomize(layer: Layer, seed: int) -> None:
    """Random parameters (in place), so no symmetry of the initial ones hides an error."""
    rng = np.random.default_rng(seed)
    for p, _ in layer.parameters():
        p[...] = rng.normal(size=p.shape) / np.sqrt(max(p.shape[0], 1)) + (p.ndim == 1)
