"""The 8x8 digits of scikit-learn as the stand-in for MNIST in the nn seed experiments.

One split for every digits benchmark, so their numbers are comparable: 20% held out
(stratified, seed 0) as the test part, never used for a choice; of the remaining 80%,
a further 20% (stratified, seed 1) is the validation part that early stopping and any
hyperparameter choice may look at. Pixels are scaled from 0..16 to 0..1.

scikit-learn is a dev/benchmark dependency only; ``nn`` never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DigitsSplit:
    """Train / validation / test parts of the digits (images and integer labels).

    ``x_*`` have shape (n, 64) with values in [0, 1]; :meth:`images` gives the
    (n, 1, 8, 8) view for convolutional networks. ``y_*`` have shape (n,), ints 0..9.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @staticmethod
    def images(x: np.ndarray) -> np.ndarray:
        """(n, 64) -> (n, 1, 8, 8) (batch, channels, height, width)."""
        return x.reshape(len(x), 1, 8, 8)

    @staticmethod
    def one_hot(y: np.ndarray, n_classes: int = 10) -> np.ndarray:
        """(n,) integer labels -> (n, n_classes) one-hot float64."""
        out = np.zeros((len(y), n_classes))
        out[np.arange(len(y)), y] = 1.0
        return out


def load_digits_split(dtype: type = np.float64) -> DigitsSplit:
    """The fixed digits split (test 20% seed 0; validation 20% of the rest, seed 1)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    x = (data.data / 16.0).astype(dtype)
    y = data.target.astype(np.int64)
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=0.2, stratify=y, random_state=0
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=0.2, stratify=y_rest, random_state=1
    )
    return DigitsSplit(x_train, y_train, x_val, y_val, x_test, y_test)


def accuracy(probabilities: np.ndarray, y: np.ndarray) -> float:
    """Share of rows whose arg-max class equals the label."""
    return float(np.mean(np.argmax(probabilities, axis=1) == y))
