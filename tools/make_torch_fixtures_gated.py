"""Regenerate the PyTorch parity fixtures of UGRNN and IntersectionRNN (dev-only; imports torch).

PyTorch has neither cell, so each is written here with torch operations straight from the
equations of Collins, Sohl-Dickstein and Sussillo (ICLR 2017), one plain step after the
other (``x @ W_ih^T + b_ih + h @ W_hh^T + b_hh``, then the gate blocks), and autograd gives
the gradients. Weights, inputs, initial states and the loss weighting are random (seeded
numpy draws, float64); the loss is ``sum(w_out * outputs) + sum(w_h * h_n)`` and every
gradient (parameters, input, initial state) is stored with the inputs and outputs in
``tests/nn/fixtures/gated_<case>.npz``. ``tests/nn/test_ugrnn.py`` loads them (no torch
needed) and compares at 1e-10.

Run::

    python tools/make_torch_fixtures_gated.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parent.parent / "tests" / "nn" / "fixtures"

# name, cell, (batch, time, input, hidden), options
CASES = [
    ("ugrnn_small", "UGRNN", (3, 5, 2, 4), {}),
    ("ugrnn_long", "UGRNN", (2, 12, 3, 6), {}),
    ("ugrnn_nobias", "UGRNN", (2, 4, 2, 3), {"bias": False}),
    ("ugrnn_last", "UGRNN", (2, 6, 3, 2), {"return_sequences": False}),
    ("irnn_relu", "IntersectionRNN", (3, 5, 4, 4), {}),
    ("irnn_tanh", "IntersectionRNN", (2, 7, 3, 3), {"y_activation": "tanh"}),
    ("irnn_proj", "IntersectionRNN", (2, 6, 3, 5), {"input_projection": True}),
    (
        "irnn_proj_nobias_tanh",
        "IntersectionRNN",
        (2, 4, 2, 3),
        {"input_projection": True, "bias": False, "y_activation": "tanh"},
    ),
    (
        "irnn_last",
        "IntersectionRNN",
        (3, 8, 2, 3),
        {"input_projection": True, "return_sequences": False},
    ),
]


def _params(cell: str, D: int, H: int, opts: dict, rng: np.random.Generator) -> dict:
    G = 2 if cell == "UGRNN" else 4
    Dc = H if opts.get("input_projection") else D
    shapes = {"weight_ih": (G * H, Dc), "weight_hh": (G * H, H)}
    if opts.get("bias", True):
        shapes.update(bias_ih=(G * H,), bias_hh=(G * H,))
    if opts.get("input_projection"):
        shapes["weight_proj"] = (H, D)
        if opts.get("bias", True):
            shapes["bias_proj"] = (H,)
    return {
        k: torch.tensor(rng.normal(scale=0.6, size=s), requires_grad=True)
        for k, s in shapes.items()
    }


def _preact(p: dict, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    a = x @ p["weight_ih"].T + h @ p["weight_hh"].T
    if "bias_ih" in p:
        a = a + p["bias_ih"] + p["bias_hh"]
    return a


def ugrnn(p: dict, x: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``c = tanh(.)``, ``g = σ(.)``, ``h' = g h + (1 - g) c``; outputs are the states."""
    H = h.shape[1]
    outs = []
    for t in range(x.shape[1]):
        a = _preact(p, x[:, t], h)
        c, g = torch.tanh(a[:, :H]), torch.sigmoid(a[:, H:])
        h = g * h + (1 - g) * c
        outs.append(h)
    return torch.stack(outs, dim=1), h


def intersection_rnn(
    p: dict, x: torch.Tensor, h: torch.Tensor, y_activation: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """Blocks (y_in, h_in, g_y, g_h); ``y = g_y x + (1 - g_y) y_in`` is the output."""
    H = h.shape[1]
    if "weight_proj" in p:
        x = x @ p["weight_proj"].T
        if "bias_proj" in p:
            x = x + p["bias_proj"]
    act_y = torch.relu if y_activation == "relu" else torch.tanh
    outs = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        a = _preact(p, xt, h)
        y_in = act_y(a[:, :H])
        h_in = torch.tanh(a[:, H : 2 * H])
        g_y = torch.sigmoid(a[:, 2 * H : 3 * H])
        g_h = torch.sigmoid(a[:, 3 * H :])
        outs.append(g_y * xt + (1 - g_y) * y_in)
        h = g_h * h + (1 - g_h) * h_in
    return torch.stack(outs, dim=1), h


def make_case(name: str, cell: str, dims: tuple[int, int, int, int], opts: dict, seed: int) -> None:
    B, T, D, H = dims
    rng = np.random.default_rng(seed)
    p = _params(cell, D, H, opts, rng)
    x = torch.tensor(rng.normal(size=(B, T, D)), requires_grad=True)
    h0 = torch.tensor(rng.normal(size=(B, H)), requires_grad=True)
    if cell == "UGRNN":
        out, h_n = ugrnn(p, x, h0)
    else:
        out, h_n = intersection_rnn(p, x, h0, opts.get("y_activation", "relu"))
    if not opts.get("return_sequences", True):
        out = out[:, -1]
    w_out = rng.normal(size=tuple(out.shape))
    w_h = rng.normal(size=(B, H))
    loss = (out * torch.tensor(w_out)).sum() + (h_n * torch.tensor(w_h)).sum()
    loss.backward()
    data = {
        "torch_version": np.array(torch.__version__),
        "cell": np.array(cell),
        "y_activation": np.array(opts.get("y_activation", "relu")),
        "bias": np.array(opts.get("bias", True)),
        "input_projection": np.array(opts.get("input_projection", False)),
        "return_sequences": np.array(opts.get("return_sequences", True)),
        "x": x.detach().numpy(),
        "h0": h0.detach().numpy(),
        "w_out": w_out,
        "w_h": w_h,
        "out": out.detach().numpy(),
        "h_n": h_n.detach().numpy(),
        "grad_x": x.grad.numpy(),
        "grad_h0": h0.grad.numpy(),
    }
    for key, t in p.items():
        data[f"param_{key}"] = t.detach().numpy().copy()
        data[f"grad_{key}"] = t.grad.numpy().copy()
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(OUT / f"gated_{name}.npz", **data)
    print(f"wrote gated_{name}.npz  {cell} B={B} T={T} D={D} H={H} {opts}")


def main() -> None:
    torch.set_num_threads(1)
    for i, (name, cell, dims, opts) in enumerate(CASES):
        make_case(name, cell, dims, opts, seed=300 + i)


if __name__ == "__main__":
    main()
