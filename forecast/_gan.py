"""A small conditional GAN on the nn core: generator and discriminator MLPs, Adam.

The generator maps ``[z, c]`` (latent noise, one-hot cutoff month) to a standardised
vector of log shares; the discriminator maps ``[x, c]`` to a logit. Training is the
non-saturating GAN of Goodfellow et al. (2014) with the regularisers a few hundred
vectors need: instance noise on the discriminator's inputs (real and generated alike),
one-sided label smoothing, weight decay on both networks and small networks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from forecast._flat import FlatParams
from forecast._generative_data import TrainConfig
from nn import Adam, Dense, Sequential

__all__ = ["GANConfig", "bce_logit_grads", "build_gan", "generate", "train_gan"]


@dataclass(frozen=True)
class GANConfig(TrainConfig):
    """Hyperparameters of one GAN training run (see :class:`forecast.GANSimulator`)."""

    instance_noise: float
    smooth: float = 0.9


def build_gan(
    dim: int, n_cond: int, cfg: GANConfig, rng: np.random.Generator
) -> tuple[Sequential, Sequential]:
    """The generator ``[z, c] -> x`` and the discriminator ``[x, c] -> logit``."""
    gen = Sequential(
        [
            Dense(cfg.latent_dim + n_cond, cfg.hidden, activation="tanh", rng=rng),
            Dense(cfg.hidden, cfg.hidden, activation="tanh", rng=rng),
            Dense(cfg.hidden, dim, rng=rng),
        ]
    )
    disc = Sequential(
        [
            Dense(dim + n_cond, cfg.hidden, activation="tanh", rng=rng),
            Dense(cfg.hidden, 1, rng=rng),
        ]
    )
    return gen, disc


def bce_logit_grads(logits: np.ndarray, label: float) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy of ``logits`` against ``label`` and its gradient."""
    s = logits.reshape(-1)
    # log(1 + exp(-s)) and log(1 + exp(s)), stable
    loss = label * np.logaddexp(0.0, -s) + (1.0 - label) * np.logaddexp(0.0, s)
    prob = 0.5 * (1.0 + np.tanh(0.5 * s))  # sigmoid, stable
    grad = (prob - label) / s.size
    return float(loss.mean()), grad.reshape(logits.shape)


def train_gan(
    x: np.ndarray, cond: np.ndarray, cfg: GANConfig, rng: np.random.Generator
) -> tuple[Sequential, list[float]]:
    """Train on ``x`` (k, dim) with conditions ``cond`` (k, n_cond); returns the generator
    and the discriminator loss of every 50th step."""
    with threadpool_limits(1, user_api="blas"):  # tiny products: one BLAS thread
        return _train(x, cond, cfg, rng)


def _train(
    x: np.ndarray, cond: np.ndarray, cfg: GANConfig, rng: np.random.Generator
) -> tuple[Sequential, list[float]]:
    k, dim = x.shape
    gen, disc = build_gan(dim, cond.shape[1], cfg, rng)
    fg, fd = FlatParams([gen]), FlatParams([disc])
    opt_g = Adam(lr=cfg.lr, beta1=0.5)
    opt_d = Adam(lr=cfg.lr, beta1=0.5)
    real_grad = np.empty_like(fd.grad)
    b, noise, wd = cfg.batch_size, cfg.instance_noise, cfg.weight_decay
    trace = []
    for step in range(cfg.steps):
        idx = rng.integers(0, k, size=b)
        c = cond[idx]
        z = rng.standard_normal((b, cfg.latent_dim))
        fake = gen.forward(np.hstack([z, c]), training=True)
        real = x[idx]
        # discriminator step: real -> smooth label, fake -> 0, both through instance noise
        s_real = disc.forward(
            np.hstack([real + noise * rng.standard_normal(real.shape), c]), training=True
        )
        l_real, g_real = bce_logit_grads(s_real, cfg.smooth)
        disc.backward(g_real)
        fd.gather(real_grad)
        s_fake = disc.forward(
            np.hstack([fake + noise * rng.standard_normal(fake.shape), c]), training=True
        )
        l_fake, g_fake = bce_logit_grads(s_fake, 0.0)
        disc.backward(g_fake)
        grad = fd.gather()
        grad += real_grad + wd * fd.matrix * fd.flat
        opt_d.step([fd.flat], [grad])
        # generator step (non-saturating): make the discriminator say "real"
        s_gen = disc.forward(
            np.hstack([fake + noise * rng.standard_normal(fake.shape), c]), training=True
        )
        _, g_gen = bce_logit_grads(s_gen, 1.0)
        d_in = disc.backward(g_gen)
        gen.backward(d_in[:, :dim])
        grad = fg.gather()
        grad += wd * fg.matrix * fg.flat
        opt_g.step([fg.flat], [grad])
        if step % 50 == 0:
            trace.append(l_real + l_fake)
    return gen, trace


def generate(gen: Sequential, z: np.ndarray, cond_row: np.ndarray) -> np.ndarray:
    """Generator output for latent rows ``z`` (n, latent) under one condition row."""
    c = np.broadcast_to(cond_row, (z.shape[0], cond_row.size))
    return gen.forward(np.hstack([z, c]), training=False)
