"""A small conditional VAE on the nn core, as one :class:`nn.Layer` whose output is the loss.

:class:`ConditionalVAE` holds an encoder ``[x, c] -> [mu, log var]`` and a decoder
``[z, c] -> [x_hat, log var]`` (a Gaussian likelihood whose spread, too, depends on the
condition: some cutoff months are followed by steadier months than others).
Its ``forward`` takes ``[x, c, eps]`` (data, one-hot condition, the standard normal draw
of the reparameterisation trick ``z = mu + exp(log var / 2) * eps``) and returns every
row's negative ELBO; ``backward`` returns its gradient with respect to every parameter
and input, so :func:`nn.gradcheck` checks the whole training gradient, reparameterisation
included. Kingma & Welling (2014); ``beta`` weighs the KL term (Higgins et al. 2017).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from forecast._flat import FlatParams
from forecast._generative_data import TrainConfig
from nn import Adam, Dense, Layer, Sequential

__all__ = ["ConditionalVAE", "VAEConfig", "train_vae"]


@dataclass(frozen=True)
class VAEConfig(TrainConfig):
    """Hyperparameters of one VAE training run (see :class:`forecast.VAESimulator`)."""

    beta: float


class ConditionalVAE(Layer):
    """Encoder and Gaussian decoder; ``forward`` returns the per-row loss.

    Parameters
    ----------
    dim, n_cond, latent_dim, hidden : int
        Sizes of the data, the condition, the latent code and the hidden layers.
    beta : float
        Weight of the KL term (1 is the ELBO).
    rng : numpy.random.Generator
        Initial weights.
    """

    def __init__(
        self, dim: int, n_cond: int, latent_dim: int, hidden: int, beta: float, rng: Any
    ) -> None:
        super().__init__()
        self.dim, self.n_cond, self.latent_dim, self.beta = dim, n_cond, latent_dim, beta
        self.encoder = Sequential(
            [
                Dense(dim + n_cond, hidden, activation="tanh", rng=rng),
                Dense(hidden, 2 * latent_dim, rng=rng),
            ]
        )
        self.decoder = Sequential(
            [
                Dense(latent_dim + n_cond, hidden, activation="tanh", rng=rng),
                Dense(hidden, 2 * dim, rng=rng),
            ]
        )
        self._cache: tuple[np.ndarray, ...] | None = None

    def layers(self) -> Iterator[Layer]:
        yield self
        yield from self.encoder.layers()
        yield from self.decoder.layers()

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Per-row negative ELBO of ``[data, condition, eps]``, shape ``(batch, 1)``."""
        d, c, k = self.dim, self.n_cond, self.latent_dim
        data, cond, eps = x[:, :d], x[:, d : d + c], x[:, d + c : d + c + k]
        enc = self.encoder.forward(np.hstack([data, cond]), training=training)
        mu, s = enc[:, :k], enc[:, k:]
        sd = np.exp(0.5 * s)
        z = mu + sd * eps
        dec = self.decoder.forward(np.hstack([z, cond]), training=training)
        xhat, lv = dec[:, :d], dec[:, d:]
        inv = np.exp(-lv)
        resid = data - xhat
        nll = 0.5 * ((resid**2) * inv + lv + np.log(2 * np.pi)).sum(axis=1)
        kl = 0.5 * (mu**2 + np.exp(s) - s - 1.0).sum(axis=1)
        self._cache = (resid, inv, mu, s, sd, eps)
        return (nll + self.beta * kl)[:, None]

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Fill every parameter's gradient; return d loss / d ``[data, condition, eps]``."""
        assert self._cache is not None, "backward before forward"
        resid, inv, mu, s, sd, eps = self._cache
        d, k = self.dim, self.latent_dim
        g = np.asarray(grad, dtype=np.float64).reshape(-1, 1)
        d_xhat = -g * resid * inv
        d_data = g * resid * inv
        d_lv = g * 0.5 * (1.0 - resid**2 * inv)
        d_dec = self.decoder.backward(np.hstack([d_xhat, d_lv]))
        d_z, d_cond = d_dec[:, :k], d_dec[:, k:]
        d_mu = d_z + g * self.beta * mu
        d_s = d_z * eps * 0.5 * sd + g * self.beta * 0.5 * (np.exp(s) - 1.0)
        d_eps = d_z * sd
        d_enc = self.encoder.backward(np.hstack([d_mu, d_s]))
        d_data = d_data + d_enc[:, :d]
        d_cond = d_cond + d_enc[:, d:]
        return np.hstack([d_data, d_cond, d_eps])

    def sample(self, z: np.ndarray, cond_row: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """Decode prior draws ``z`` (n, latent) under one condition, plus the likelihood's
        noise ``noise`` (n, dim) of standard normals."""
        c = np.broadcast_to(cond_row, (z.shape[0], cond_row.size))
        dec = self.decoder.forward(np.hstack([z, c]), training=False)
        return dec[:, : self.dim] + np.exp(0.5 * dec[:, self.dim :]) * noise

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim, "n_cond": self.n_cond, "latent_dim": self.latent_dim}


def train_vae(
    x: np.ndarray, cond: np.ndarray, cfg: VAEConfig, rng: np.random.Generator
) -> tuple[ConditionalVAE, list[float]]:
    """Train on ``x`` (k, dim) with conditions ``cond``; returns the model and the mean
    loss of every 50th step."""
    k, dim = x.shape
    vae = ConditionalVAE(dim, cond.shape[1], cfg.latent_dim, cfg.hidden, cfg.beta, rng)
    flat = FlatParams([vae])
    decay = cfg.weight_decay * flat.matrix
    opt = Adam(lr=cfg.lr)
    b = cfg.batch_size
    ones = np.full((b, 1), 1.0 / b)
    trace = []
    with threadpool_limits(1, user_api="blas"):  # tiny products: one BLAS thread
        for step in range(cfg.steps):
            idx = rng.integers(0, k, size=b)
            eps = rng.standard_normal((b, cfg.latent_dim))
            loss = vae.forward(np.hstack([x[idx], cond[idx], eps]), training=True)
            vae.backward(ones)
            grad = flat.gather()
            grad += decay * flat.flat
            opt.step([flat.flat], [grad])
            if step % 50 == 0:
                trace.append(float(loss.mean()))
    return vae, trace
