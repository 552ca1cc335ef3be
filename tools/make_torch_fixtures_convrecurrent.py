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


def main() -> None:
    torch.set_num_threads(1)
    for i, (name, dims, form, bias) in enumerate(SPATIAL_CASES):
        make_spatial(name, dims, form, bias, seed=300 + i)


if __name__ == "__main__":
    main()
