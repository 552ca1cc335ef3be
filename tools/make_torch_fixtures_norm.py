"""Regenerate the PyTorch parity fixtures of the normalisation, whitening, residual and
highway layers (dev-only; imports torch).

Every case runs in float64 on random inputs and random weights; the loss of a pass is
``sum(w_out * y)`` with a random ``w_out`` and autograd gives every gradient.

- ``BatchNorm``: ``torch.nn.BatchNorm1d`` / ``BatchNorm2d`` over ``steps`` training passes
  (each with its own input; the last pass's output and gradients are kept, and the
  running statistics after all of them), then one eval pass. nn's 3-D layout is
  ``(batch, time, C)``, torch's ``(batch, C, time)``: the script transposes.
- ``LayerNorm``: ``torch.nn.LayerNorm``.
- ``DecorrelatedBatchNorm``: ZCA whitening written with torch ops and
  ``torch.linalg.eigh`` autograd (per channel group), running mean and whitening matrix
  updated with PyTorch's momentum rule, training passes then one eval pass as above.
- ``Highway``: ``act(x Wh + bh) * T + x * (1 - T)``, ``T = sigmoid(x Wt + bt)``.
- ``ResidualBlock``: Dense / Conv2D / batch-norm branches written with torch ops plus the
  shortcut (identity or a linear projection), in a training pass with the branch kept,
  one with it dropped, and at inference (``P(x) + survival f(x)``); the nn seed whose first
  draw gives the wanted keep/drop is stored with the case. Parameters are stored as
  ``p0, p1, ...`` in the order of ``nn.ResidualBlock.parameters()``.

Each case is ``tests/nn/fixtures/norm_<case>.npz`` with a JSON ``meta`` (nn class, config,
torch version). ``tests/nn/test_normalization.py``, ``test_whitening.py`` and
``test_blocks.py`` load them (no torch needed) and compare at 1e-10.

Run::

    python tools/make_torch_fixtures_norm.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "tests" / "nn" / "fixtures"

T = torch.float64


def _t(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.ascontiguousarray(a), dtype=T, requires_grad=grad)


def _save(name: str, cls: str, config: dict[str, Any], **arrays: Any) -> None:
    meta = {"class": cls, "config": config, "torch": torch.__version__}
    clean = {k: np.asarray(v) for k, v in arrays.items()}
    np.savez_compressed(OUT / f"norm_{name}.npz", meta=np.array(json.dumps(meta)), **clean)
    print(f"wrote norm_{name}.npz")


def _to_torch_layout(x: np.ndarray) -> np.ndarray:
    """nn's channels-last 3-D layout (batch, time, C) -> torch's (batch, C, time)."""
    return x.transpose(0, 2, 1) if x.ndim == 3 else x


# ------------------------------------------------------------------ BatchNorm
def batchnorm_case(name: str, shape: tuple[int, ...], config: dict[str, Any], seed: int) -> None:
    rng = np.random.default_rng(seed)
    c = config["num_features"]
    affine = config.get("affine", True)
    mod_cls = torch.nn.BatchNorm2d if len(shape) == 4 else torch.nn.BatchNorm1d
    bn = mod_cls(c, eps=config.get("eps", 1e-5), momentum=config.get("momentum", 0.1),
                 affine=affine, dtype=T)  # fmt: skip
    arrays: dict[str, Any] = {}
    if affine:
        w, b = rng.normal(size=c), rng.normal(size=c)
        with torch.no_grad():
            bn.weight.copy_(_t(w))
            bn.bias.copy_(_t(b))
        arrays.update(weight=w, bias=b)
    steps = 3
    xs = rng.normal(loc=1.5, scale=2.0, size=(steps + 1, *shape))
    ws = rng.normal(size=(steps + 1, *shape))
    for s in range(steps + 1):
        bn.train(s < steps)
        bn.zero_grad()
        xt = _t(_to_torch_layout(xs[s]), grad=True)
        yt = bn(xt)
        (yt * _t(_to_torch_layout(ws[s]))).sum().backward()
        tag = "train" if s == steps - 1 else ("eval" if s == steps else None)
        if tag is None:
            continue
        arrays[f"y_{tag}"] = _to_torch_layout(yt.detach().numpy())
        arrays[f"dx_{tag}"] = _to_torch_layout(xt.grad.numpy())
        if affine:
            arrays[f"dweight_{tag}"] = bn.weight.grad.numpy().copy()
            arrays[f"dbias_{tag}"] = bn.bias.grad.numpy().copy()
        if tag == "train":
            arrays["running_mean"] = bn.running_mean.numpy().copy()
            arrays["running_var"] = bn.running_var.numpy().copy()
    _save(name, "BatchNorm", config, xs=xs, ws=ws, **arrays)


# ------------------------------------------------------------------ LayerNorm
def layernorm_case(name: str, shape: tuple[int, ...], config: dict[str, Any], seed: int) -> None:
    rng = np.random.default_rng(seed)
    norm = tuple(config["normalized_shape"])
    affine = config.get("elementwise_affine", True)
    ln = torch.nn.LayerNorm(norm, eps=config.get("eps", 1e-5), elementwise_affine=affine, dtype=T)
    arrays: dict[str, Any] = {}
    if affine:
        w, b = rng.normal(size=norm), rng.normal(size=norm)
        with torch.no_grad():
            ln.weight.copy_(_t(w))
            ln.bias.copy_(_t(b))
        arrays.update(weight=w, bias=b)
    x = rng.normal(loc=-0.5, scale=1.5, size=shape)
    w_out = rng.normal(size=shape)
    xt = _t(x, grad=True)
    yt = ln(xt)
    (yt * _t(w_out)).sum().backward()
    arrays.update(x=x, w_out=w_out, y=yt.detach().numpy(), dx=xt.grad.numpy())
    if affine:
        arrays.update(dweight=ln.weight.grad.numpy(), dbias=ln.bias.grad.numpy())
    _save(name, "LayerNorm", config, **arrays)


# ------------------------------------------------------------------ ZCA / DBN
def _rows(x: torch.Tensor) -> torch.Tensor:
    """nn's channel axis last, flattened: (m, C)."""
    axis = {4: 1, 5: 2}.get(x.ndim, x.ndim - 1)
    return torch.movedim(x, axis, -1).reshape(-1, x.shape[axis])


def _unrows(rows: torch.Tensor, shape: tuple[int, ...]) -> torch.Tensor:
    axis = {4: 1, 5: 2}.get(len(shape), len(shape) - 1)
    moved = (*shape[:axis], *shape[axis + 1 :], shape[axis])
    return torch.movedim(rows.reshape(moved), -1, axis)


def zca_train(x: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor, g: int, eps: float):
    """Decorrelated BN in training with torch ops; returns y, batch mean, whitening (n_g, g, g)."""
    rows = _rows(x)
    m, c = rows.shape
    mean = rows.mean(dim=0)
    xg = (rows - mean).reshape(m, c // g, g).transpose(0, 1)  # (n_groups, m, g)
    cov = xg.transpose(1, 2) @ xg / m + eps * torch.eye(g, dtype=T)
    lam, u = torch.linalg.eigh(cov)
    w = u @ torch.diag_embed(lam.rsqrt()) @ u.transpose(1, 2)
    xhat = (xg @ w).transpose(0, 1).reshape(m, c)
    return _unrows(xhat * gamma + beta, tuple(x.shape)), mean, w


def zca_eval(x: torch.Tensor, gamma, beta, g: int, mean: torch.Tensor, w: torch.Tensor):
    rows = _rows(x)
    m, c = rows.shape
    xg = (rows - mean).reshape(m, c // g, g).transpose(0, 1)
    xhat = (xg @ w).transpose(0, 1).reshape(m, c)
    return _unrows(xhat * gamma + beta, tuple(x.shape))


def zca_case(name: str, shape: tuple[int, ...], config: dict[str, Any], seed: int) -> None:
    rng = np.random.default_rng(seed)
    c = config["num_features"]
    g = config.get("group_size") or c
    eps, mom = config.get("eps", 1e-5), config.get("momentum", 0.1)
    gamma, beta = rng.normal(size=c), rng.normal(size=c)
    mix = rng.normal(size=(c, c))  # correlated channels
    steps = 3
    xs = rng.normal(size=(steps + 1, *shape))
    axis = {4: 1, 5: 2}.get(len(shape), len(shape) - 1)
    xs = np.moveaxis(np.moveaxis(xs, axis + 1, -1) @ mix + 0.7, -1, axis + 1)
    ws = rng.normal(size=(steps + 1, *shape))
    run_mean = torch.zeros(c, dtype=T)
    run_w = torch.eye(g, dtype=T).repeat(c // g, 1, 1)
    arrays: dict[str, Any] = {"weight": gamma, "bias": beta}
    for s in range(steps + 1):
        xt, gt, bt = _t(xs[s], grad=True), _t(gamma, grad=True), _t(beta, grad=True)
        if s < steps:
            yt, mean, w = zca_train(xt, gt, bt, g, eps)
            with torch.no_grad():
                run_mean = (1 - mom) * run_mean + mom * mean
                run_w = (1 - mom) * run_w + mom * w
        else:
            yt = zca_eval(xt, gt, bt, g, run_mean, run_w)
        (yt * _t(ws[s])).sum().backward()
        tag = "train" if s == steps - 1 else ("eval" if s == steps else None)
        if tag is None:
            continue
        arrays[f"y_{tag}"] = yt.detach().numpy()
        arrays[f"dx_{tag}"] = xt.grad.numpy()
        arrays[f"dweight_{tag}"] = gt.grad.numpy()
        arrays[f"dbias_{tag}"] = bt.grad.numpy()
        if tag == "train":
            arrays["running_mean"] = run_mean.numpy().copy()
            arrays["running_whitening"] = run_w.numpy().copy()
    _save(name, "DecorrelatedBatchNorm", config, xs=xs, ws=ws, **arrays)


# ------------------------------------------------------------------ Highway
def highway_case(name: str, shape: tuple[int, ...], config: dict[str, Any], seed: int) -> None:
    rng = np.random.default_rng(seed)
    d = config["features"]
    params = {
        "weight_h": rng.normal(size=(d, d)) / np.sqrt(d),
        "bias_h": rng.normal(size=d),
        "weight_t": rng.normal(size=(d, d)) / np.sqrt(d),
        "bias_t": rng.normal(size=d) - 1.0,
    }
    x, w_out = rng.normal(size=shape), rng.normal(size=shape)
    pt = {k: _t(v, grad=True) for k, v in params.items()}
    xt = _t(x, grad=True)
    act = {"relu": torch.relu, "tanh": torch.tanh, None: lambda z: z}[config.get("activation")]
    h = act(xt @ pt["weight_h"] + pt["bias_h"])
    gate = torch.sigmoid(xt @ pt["weight_t"] + pt["bias_t"])
    yt = h * gate + xt * (1 - gate)
    (yt * _t(w_out)).sum().backward()
    grads = {f"d{k}": v.grad.numpy() for k, v in pt.items()}
    _save(name, "Highway", config, x=x, w_out=w_out, y=yt.detach().numpy(),
          dx=xt.grad.numpy(), **params, **grads)  # fmt: skip


# ------------------------------------------------------------------ ResidualBlock
def _dense_branch(x: torch.Tensor, p: list[torch.Tensor]) -> torch.Tensor:
    """Dense(d_in, d_out, tanh) -> Dense(d_out, d_out): params w1, b1, w2, b2."""
    return torch.tanh(x @ p[0] + p[1]) @ p[2] + p[3]


def _bn(z: torch.Tensor, w: torch.Tensor, b: torch.Tensor, training: bool, stats: list) -> Any:
    """Batch norm of a (batch, C) or (batch, C, H, W) tensor; ``stats`` holds the running
    mean and variance (updated in place in training, torch's rule)."""
    return F.batch_norm(z, stats[0], stats[1], w, b, training=training, momentum=0.1, eps=1e-5)


def _conv_branch(x: torch.Tensor, p: list[torch.Tensor], training: bool, st: list) -> Any:
    """Conv2D(3x3 same) -> BN -> relu -> Conv2D(3x3 same) -> BN (conv biases off)."""
    z = _bn(F.conv2d(x, p[0], padding=1), p[1], p[2], training, st[0])
    return _bn(F.conv2d(torch.relu(z), p[3], padding=1), p[4], p[5], training, st[1])


def _seed_for(survival: float, keep: bool) -> int:
    """The first seed whose numpy draw keeps (or drops) the branch."""
    for seed in range(1000):
        if (np.random.default_rng(seed).random() < survival) == keep:
            return seed
    raise RuntimeError("no seed found")


def residual_case(name: str, kind: str, survival: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    if kind == "dense":  # 5 -> 4 features, a projection, relu after the sum
        shape, d_in, d = (6, 5), 5, 4
        params = [rng.normal(size=(d_in, d)) / 2, rng.normal(size=d),
                  rng.normal(size=(d, d)) / 2, rng.normal(size=d),
                  rng.normal(size=(d_in, d)) / 2]  # fmt: skip
    else:  # conv: 3 channels kept, identity shortcut, relu after the sum
        shape, c = (2, 3, 4, 4), 3
        params = [rng.normal(size=(c, c, 3, 3)) / 3, 1 + rng.normal(size=c) / 4,
                  rng.normal(size=c), rng.normal(size=(c, c, 3, 3)) / 3,
                  1 + rng.normal(size=c) / 4, rng.normal(size=c)]  # fmt: skip
    out_shape = (shape[0], 4) if kind == "dense" else shape
    x, w_out = rng.normal(size=shape), rng.normal(size=out_shape)
    arrays: dict[str, Any] = {"x": x, "w_out": w_out}
    arrays.update({f"p{i}": p for i, p in enumerate(params)})
    seeds = {}
    for mode in ("kept", "dropped", "eval"):
        pt = [_t(p, grad=True) for p in params]
        xt = _t(x, grad=True)
        c = shape[1]
        stats = [[torch.zeros(c, dtype=T), torch.ones(c, dtype=T)] for _ in range(2)]
        training = mode != "eval"
        if kind == "dense":
            short = xt @ pt[4]
            branch = _dense_branch(xt, pt)
        else:
            short = xt
            branch = _conv_branch(xt, pt, training, stats)
        b = {"kept": 1.0, "dropped": 0.0, "eval": survival}[mode]
        yt = torch.relu(short + b * branch)
        (yt * _t(w_out)).sum().backward()
        arrays[f"y_{mode}"] = yt.detach().numpy()
        arrays[f"dx_{mode}"] = xt.grad.numpy()
        for i, p in enumerate(pt):
            arrays[f"dp{i}_{mode}"] = p.grad.numpy()
        if training:
            seeds[mode] = _seed_for(survival, mode == "kept")
    config = {"kind": kind, "survival": survival, "seeds": seeds}
    _save(name, "ResidualBlock", config, **arrays)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    batchnorm_case("bn_features", (6, 4), {"num_features": 4}, 0)
    batchnorm_case("bn_time", (3, 5, 2), {"num_features": 2, "momentum": 0.3}, 1)
    batchnorm_case("bn_image", (2, 3, 4, 3), {"num_features": 3, "eps": 1e-3}, 2)
    batchnorm_case("bn_noaffine", (5, 3), {"num_features": 3, "affine": False}, 3)
    layernorm_case("ln_features", (4, 5), {"normalized_shape": [5]}, 10)
    layernorm_case("ln_trailing2", (2, 3, 3, 4), {"normalized_shape": [3, 4], "eps": 1e-3}, 11)
    layernorm_case("ln_noaffine", (3, 2, 4), {"normalized_shape": [4],
                   "elementwise_affine": False}, 12)  # fmt: skip
    zca_case("zca_features", (16, 4), {"num_features": 4}, 20)
    zca_case("zca_groups_image", (3, 4, 3, 3), {"num_features": 4, "group_size": 2,
             "eps": 1e-3, "momentum": 0.2}, 21)  # fmt: skip
    zca_case("zca_time_eps0", (4, 6, 3), {"num_features": 3, "eps": 0.0}, 22)
    highway_case("highway_relu", (5, 4), {"features": 4, "activation": "relu"}, 30)
    highway_case("highway_tanh_time", (2, 3, 3), {"features": 3, "activation": "tanh"}, 31)
    residual_case("res_dense_projection", "dense", 0.6, 40)
    residual_case("res_conv_bn", "conv", 0.8, 41)


if __name__ == "__main__":
    main()
