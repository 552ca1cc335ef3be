"""NumPy backpropagation core: layers, recurrent layers, losses, optimizers, training loop."""

from __future__ import annotations

from nn.errors import NNError, NNTypeError, NNValueError, TrainingDivergedError

__all__ = ["NNError", "NNTypeError", "NNValueError", "TrainingDivergedError"]
