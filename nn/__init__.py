"""NumPy backpropagation core: layers, recurrent layers, losses, optimizers, training loop."""

from __future__ import annotations

from nn.activation_stats import ActivationStats
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
from nn.base import Layer
from nn.blocks import Highway, ResidualBlock
from nn.callbacks import Callback, EarlyStopping, History, ProgressBar, TrainingContext
from nn.conv import Conv1D, Conv2D
from nn.convrecurrent import ConvLSTM2D, ConvUGRNN2D
from nn.errors import NNError, NNTypeError, NNValueError, TrainingDivergedError
from nn.gradient_check import GradcheckError, GradcheckResult, gradcheck
from nn.gru import GRU
from nn.initializers import get_initializer
from nn.intersection_rnn import IntersectionRNN
from nn.io import load_model, save_model
from nn.layers import Dense, Dropout, Sequential
from nn.losses import (
    MAE,
    MAPE,
    MSE,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    HingeLoss,
    HuberLoss,
    KLDivergence,
    Loss,
    PinballLoss,
    get_loss,
)
from nn.lstm import LSTM
from nn.normalization import BatchNorm, LayerNorm
from nn.optimizers import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Momentum,
    Nadam,
    Nesterov,
    Optimizer,
    RMSprop,
    Rprop,
    get_optimizer,
)
from nn.pooling import (
    AvgPool1D,
    AvgPool2D,
    Flatten,
    GlobalAveragePool,
    MaxPool1D,
    MaxPool2D,
)
from nn.recurrent import Recurrent
from nn.regularization import clip_grad_norm, clip_grad_value
from nn.rnn import RNN
from nn.spatial_lstm import SpatialLSTM
from nn.synthetic import SyntheticGradients
from nn.training import fit, predict
from nn.ugrnn import UGRNN
from nn.whitening import DecorrelatedBatchNorm

__all__ = [
    "ELU",
    "GRU",
    "LSTM",
    "MAE",
    "MAPE",
    "MSE",
    "RNN",
    "SGD",
    "UGRNN",
    "Activation",
    "ActivationStats",
    "Adadelta",
    "Adagrad",
    "Adam",
    "Arctan",
    "AvgPool1D",
    "AvgPool2D",
    "BatchNorm",
    "BinaryCrossEntropy",
    "Callback",
    "CategoricalCrossEntropy",
    "Conv1D",
    "Conv2D",
    "ConvLSTM2D",
    "ConvUGRNN2D",
    "DecorrelatedBatchNorm",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "Flatten",
    "GlobalAveragePool",
    "GradcheckError",
    "GradcheckResult",
    "Highway",
    "HingeLoss",
    "History",
    "HuberLoss",
    "Identity",
    "IntersectionRNN",
    "KLDivergence",
    "Layer",
    "LayerNorm",
    "Loss",
    "MaxPool1D",
    "MaxPool2D",
    "Momentum",
    "NNError",
    "NNTypeError",
    "NNValueError",
    "Nadam",
    "Nesterov",
    "Optimizer",
    "PinballLoss",
    "ProgressBar",
    "RMSprop",
    "ReLU",
    "Recurrent",
    "ResidualBlock",
    "Rprop",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Softsign",
    "SpatialLSTM",
    "SyntheticGradients",
    "Tanh",
    "TrainingContext",
    "TrainingDivergedError",
    "clip_grad_norm",
    "clip_grad_value",
    "fit",
    "get_activation",
    "get_initializer",
    "get_loss",
    "get_optimizer",
    "gradcheck",
    "load_model",
    "predict",
    "save_model",
]
