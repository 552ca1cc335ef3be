"""NumPy backpropagation core: layers, recurrent layers, losses, optimizers, training loop."""

from __future__ import annotations

from nn.activations import (
    ELU,
    Activation,
    Arctan,
    Identity,
    ReLU,
    Sigmoid,
    Softmax,
    Softsign,
    Tanh,
    get_activation,
)
from nn.errors import NNError, NNTypeError, NNValueError, TrainingDivergedError
from nn.gradcheck import GradcheckError, GradcheckResult, gradcheck
from nn.gru import GRU
from nn.layers import Dense, Dropout, Sequential
from nn.lstm import LSTM
from nn.recurrent import Recurrent
from nn.rnn import RNN

__all__ = [
    "ELU",
    "GRU",
    "LSTM",
    "RNN",
    "Activation",
    "Arctan",
    "Dense",
    "Dropout",
    "GradcheckError",
    "GradcheckResult",
    "Identity",
    "NNError",
    "NNTypeError",
    "NNValueError",
    "ReLU",
    "Recurrent",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Softsign",
    "Tanh",
    "TrainingDivergedError",
    "get_activation",
    "gradcheck",
]
