"""Regenerate the PyTorch parity fixtures of the grid recurrent layers (dev-only; imports torch).

PyTorch has no spatial LSTM and no convolutional LSTM/UGRNN, so each is written here with
torch operations (``torch.sigmoid``, ``torch.tanh``, ``F.conv2d``, ...) straight from the
equations, in the plainest order (the spatial LSTM pixel by pixel, row by row; the
convolutional cells step by step with one ``F.conv2d`` per gate path), and autograd gives
the gradients. Weights, inputs, initial states and the loss weighting are random (seeded
numpy draws); the loss is ``sum(w_out * outputs) + sum_k sum(w_k * final_state_k)`` and
every gradient (parameters, input, initial states) is stored with the inputs and outputs
in ``tests/nn/fixtures/spatial_lstm_<case>.npz`` and ``convrecurrent_<case>.npz``.
``tests/nn/test_spatial_lstm.py`` and ``tests/nn/test_convrecurrent.py`` load them (no
torch needed) and compare at 1e-10 in float64.

Run::

    python tools/make_torch_fixtures_convrecurrent.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parent.parent / "tests" / "nn" / "fixtures"


def _loss_and_grads(outputs, finals, leaves: dict, rng: np.random.Generator) -> dict:
    """Weight outputs and final states randomly, back-propagate, collect the arrays."""
    w_out = rng.normal(size=tuple(outputs.shape))
    w_final = [rng.normal(size=tuple(f.shape)) for f in finals]
    loss = (outputs * torch.tensor(w_out)).sum()
    for f, w in zip(finals, w_final, strict=True):
        loss = loss + (f * torch.tensor(w)).sum()
    loss.backward()
    data = {
        "torch_version": np.array(torch.__version__),
        "w_out": w_out,
        "out": outputs.detach().numpy(),
    }
    for k, (f, w) in enumerate(zip(finals, w_final, strict=True)):
        data[f"w_final{k}"] = w
        data[f"final{k}"] = f.detach().numpy()
    for key, t in leaves.items():
        data[key] = t.detach().numpy().copy()
        data[f"grad_{key}"] = t.grad.numpy().copy()
    return data


# ---------------------------------------------------------------------- spatial LSTM
# name, (batch, input, height, width, hidden), hidden_form, bias
SPATIAL_CASES = [
    ("paper", (2, 3, 3, 4, 3), "paper", True),
    ("lstm_form", (2, 2, 4, 3, 2), "lstm", True),
    ("nobias", (1, 2, 2, 2, 2), "paper", False),
    ("one_row", (2, 2, 1, 5, 2), "paper", True),
    ("one_column", (1, 1, 4, 1, 3), "lstm", True),
]


def spatial_lstm_torch(x, p: dict, state, hidden_form: str):
    """The spatial LSTM pixel by pixel, row by row (gates i, f_left, f_up, o, g)."""
    H, W = x.shape[2:]
    K = p["weight_left"].shape[1]
    h_top, c_top, h_left, c_left = state
    h = [[None] * W for _ in range(H)]
    c = [[None] * W for _ in range(H)]
    for i in range(H):
        for j in range(W):
            hl, cl = (h[i][j - 1], c[i][j - 1]) if j else (h_left[:, :, i], c_left[:, :, i])
            hu, cu = (h[i - 1][j], c[i - 1][j]) if i else (h_top[:, :, j], c_top[:, :, j])
            a = x[:, :, i, j] @ p["weight_ih"].T + hl @ p["weight_left"].T
            a = a + hu @ p["weight_up"].T
            if "bias" in p:
                a = a + p["bias"]
            gi, gfl, gfu, go = torch.sigmoid(a[:, : 4 * K]).split(K, dim=1)
            gg = torch.tanh(a[:, 4 * K :])
            c[i][j] = gg * gi + cl * gfl + cu * gfu
            h[i][j] = (
                torch.tanh(c[i][j] * go) if hidden_form == "paper" else go * torch.tanh(c[i][j])
            )
    hs = torch.stack([torch.stack(row, dim=-1) for row in h], dim=-2)  # (B, K, H, W)
    cs = torch.stack([torch.stack(row, dim=-1) for row in c], dim=-2)
    return hs, (hs[:, :, H - 1, :], cs[:, :, H - 1, :], hs[:, :, :, W - 1], cs[:, :, :, W - 1])


def make_spatial(name: str, dims, hidden_form: str, bias: bool, seed: int) -> None:
    B, D, H, W, K = dims
    rng = np.random.default_rng(seed)
    shapes = {"weight_ih": (5 * K, D), "weight_left": (5 * K, K), "weight_up": (5 * K, K)}
    if bias:
        shapes["bias"] = (5 * K,)
    params = {
        k: torch.tensor(rng.normal(scale=0.6, size=s), requires_grad=True)
        for k, s in shapes.items()
    }
    x = torch.tensor(rng.normal(size=(B, D, H, W)), requires_grad=True)
    st_shapes = {"h_top": (B, K, W), "c_top": (B, K, W), "h_left": (B, K, H), "c_left": (B, K, H)}
    state = {k: torch.tensor(rng.normal(size=s), requires_grad=True) for k, s in st_shapes.items()}
    hs, finals = spatial_lstm_torch(x, params, tuple(state.values()), hidden_form)
    leaves = {"x": x, **{f"state_{k}": v for k, v in state.items()}}
    leaves.update({f"param_{k}": v for k, v in params.items()})
    data = _loss_and_grads(hs, finals, leaves, rng)
    data.update(hidden_form=np.array(hidden_form), bias=np.array(bias))
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(OUT / f"spatial_lstm_{name}.npz", **data)
    print(f"wrote spatial_lstm_{name}.npz  B={B} D={D} H={H} W={W} K={K} {hidden_form}")


# ---------------------------------------------------------------------- ConvLSTM2D / ConvUGRNN2D
# name, cell, (batch, time, channels, height, width, hidden), layer kwargs
CONV_CASES = [
    ("lstm", "ConvLSTM2D", (2, 3, 2, 4, 5, 3), {"kernel_size": 3}),
    ("lstm_peephole", "ConvLSTM2D", (2, 3, 1, 3, 4, 2), {"kernel_size": 3, "peephole": True}),
    (
        "lstm_decoupled",
        "ConvLSTM2D",
        (1, 3, 2, 5, 4, 2),
        {"decoupled": True, "gate_kernel_sizes": [3, 1, [3, 1], 5]},
    ),
    (
        "lstm_last_nobias",
        "ConvLSTM2D",
        (2, 2, 2, 3, 3, 2),
        {"kernel_size": [1, 3], "bias": False, "return_sequences": False},
    ),
    ("ugrnn", "ConvUGRNN2D", (2, 3, 2, 4, 4, 3), {"kernel_size": 3}),
    (
        "ugrnn_decoupled",
        "ConvUGRNN2D",
        (2, 3, 1, 4, 3, 2),
        {"decoupled": True, "gate_kernel_sizes": [5, 1], "return_sequences": False},
    ),
]
GATES = {"ConvLSTM2D": ("i", "f", "g", "o"), "ConvUGRNN2D": ("c", "g")}


def _pair(k) -> tuple[int, int]:
    return (k, k) if isinstance(k, int) else tuple(k)


def conv_cell_torch(cell: str, x, p: dict, state, kw: dict):
    """The cell step by step with one ``F.conv2d`` per gate and path ("same" padding)."""
    import torch.nn.functional as F

    gates = GATES[cell]
    K = state[0].shape[1]
    per_gate = {}
    for k, q in enumerate(gates):
        if kw.get("decoupled"):
            w_ih, w_hh, b = p[f"weight_ih_{q}"], p[f"weight_hh_{q}"], p.get(f"bias_{q}")
        else:
            rows = slice(k * K, (k + 1) * K)
            w_ih, w_hh = p["weight_ih"][rows], p["weight_hh"][rows]
            b = p["bias"][rows] if "bias" in p else None
        pad = ((w_ih.shape[2] - 1) // 2, (w_ih.shape[3] - 1) // 2)
        per_gate[q] = (w_ih, w_hh, b, pad)

    def conv(q, xt, h):
        w_ih, w_hh, b, pad = per_gate[q]
        return F.conv2d(xt, w_ih, b, padding=pad) + F.conv2d(h, w_hh, padding=pad)

    h = state[0]
    c = state[1] if cell == "ConvLSTM2D" else None
    outs = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        if cell == "ConvLSTM2D":
            a_i, a_f, a_o = conv("i", xt, h), conv("f", xt, h), conv("o", xt, h)
            if kw.get("peephole"):
                a_i = a_i + p["peephole_i"] * c
                a_f = a_f + p["peephole_f"] * c
            c = torch.sigmoid(a_f) * c + torch.sigmoid(a_i) * torch.tanh(conv("g", xt, h))
            if kw.get("peephole"):
                a_o = a_o + p["peephole_o"] * c
            h = torch.sigmoid(a_o) * torch.tanh(c)
        else:
            u = torch.sigmoid(conv("g", xt, h))
            h = u * h + (1 - u) * torch.tanh(conv("c", xt, h))
        outs.append(h)
    out = torch.stack(outs, dim=1) if kw.get("return_sequences", True) else h
    return out, ((h, c) if cell == "ConvLSTM2D" else (h,))


def make_conv(name: str, cell: str, dims, kw: dict, seed: int) -> None:
    B, T, C, H, W, K = dims
    rng = np.random.default_rng(seed)
    gates = GATES[cell]
    G = len(gates)
    shapes: dict[str, tuple[int, ...]] = {}
    bias = kw.get("bias", True)
    if kw.get("decoupled"):
        for q, k in zip(gates, kw["gate_kernel_sizes"], strict=True):
            kh, kw_ = _pair(k)
            shapes[f"weight_ih_{q}"] = (K, C, kh, kw_)
            shapes[f"weight_hh_{q}"] = (K, K, kh, kw_)
            if bias:
                shapes[f"bias_{q}"] = (K,)
    else:
        kh, kw_ = _pair(kw["kernel_size"])
        shapes = {"weight_ih": (G * K, C, kh, kw_), "weight_hh": (G * K, K, kh, kw_)}
        if bias:
            shapes["bias"] = (G * K,)
    if kw.get("peephole"):
        shapes.update({f"peephole_{q}": (K, H, W) for q in ("i", "f", "o")})
    params = {
        k: torch.tensor(rng.normal(scale=0.4, size=s), requires_grad=True)
        for k, s in shapes.items()
    }
    x = torch.tensor(rng.normal(size=(B, T, C, H, W)), requires_grad=True)
    n_states = 2 if cell == "ConvLSTM2D" else 1
    state = [
        torch.tensor(rng.normal(size=(B, K, H, W)), requires_grad=True) for _ in range(n_states)
    ]
    out, finals = conv_cell_torch(cell, x, params, state, kw)
    leaves = {"x": x, **{f"state{k}": s for k, s in enumerate(state)}}
    leaves.update({f"param_{k}": v for k, v in params.items()})
    data = _loss_and_grads(out, finals, leaves, rng)
    data.update(cell=np.array(cell), config=np.array(json.dumps(kw)))
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(OUT / f"convrecurrent_{name}.npz", **data)
    print(f"wrote convrecurrent_{name}.npz  {cell} B={B} T={T} C={C} H={H} W={W} K={K} {kw}")


def main() -> None:
    torch.set_num_threads(1)
    for i, (name, dims, form, bias) in enumerate(SPATIAL_CASES):
        make_spatial(name, dims, form, bias, seed=300 + i)
    for i, (name, cell, dims, kw) in enumerate(CONV_CASES):
        make_conv(name, cell, dims, kw, seed=400 + i)


if __name__ == "__main__":
    main()
