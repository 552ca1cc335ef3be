"""Regenerate the PyTorch parity fixtures of the recurrent layers (dev-only; imports torch).

For each case, a float64 ``torch.nn.RNN`` / ``LSTM`` / ``GRU`` (batch_first, one layer) with
PyTorch's own seeded initial weights is run on random inputs and random initial states;
the loss is ``sum(w_out * outputs) + sum(w_h * h_n) [+ sum(w_c * c_n)]`` with random
weights, and every gradient (parameters, input, initial states) is stored together with
the inputs and the outputs in ``tests/nn/fixtures/recurrent_<case>.npz``.
``tests/nn/test_recurrent.py`` loads them (no torch needed) and compares at 1e-6.

Run::

    python tools/make_torch_fixtures_recurrent.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).resolve().parent.parent / "tests" / "nn" / "fixtures"

# name, cell, (batch, time, input, hidden), extra kwargs
CASES = [
    ("rnn_tanh", "RNN", (3, 5, 2, 4), {"nonlinearity": "tanh"}),
    ("rnn_relu", "RNN", (2, 4, 3, 3), {"nonlinearity": "relu"}),
    ("rnn_tanh_nobias", "RNN", (2, 6, 1, 2), {"nonlinearity": "tanh", "bias": False}),
    ("lstm_small", "LSTM", (3, 5, 2, 4), {}),
    ("lstm_long", "LSTM", (2, 12, 3, 6), {}),
    ("lstm_single", "LSTM", (1, 1, 1, 1), {}),
    ("lstm_nobias", "LSTM", (2, 4, 2, 3), {"bias": False}),
    ("gru_small", "GRU", (3, 5, 2, 4), {}),
    ("gru_long", "GRU", (2, 12, 3, 6), {}),
    ("gru_nobias", "GRU", (2, 4, 2, 3), {"bias": False}),
]


def make_case(name: str, cell: str, dims: tuple[int, int, int, int], kw: dict, seed: int) -> None:
    B, T, D, H = dims
    torch.manual_seed(seed)
    layer = getattr(torch.nn, cell)(D, H, batch_first=True, **kw).double()
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(B, T, D))
    h0 = rng.normal(size=(B, H))
    c0 = rng.normal(size=(B, H))
    w_out = rng.normal(size=(B, T, H))
    w_h = rng.normal(size=(B, H))
    w_c = rng.normal(size=(B, H))
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0[None], requires_grad=True)
    c0t = torch.tensor(c0[None], requires_grad=True)
    if cell == "LSTM":
        out, (hn, cn) = layer(xt, (h0t, c0t))
        loss = (out * torch.tensor(w_out)).sum() + (hn[0] * torch.tensor(w_h)).sum()
        loss = loss + (cn[0] * torch.tensor(w_c)).sum()
    else:
        out, hn = layer(xt, h0t)
        loss = (out * torch.tensor(w_out)).sum() + (hn[0] * torch.tensor(w_h)).sum()
    loss.backward()
    data = {
        "torch_version": np.array(torch.__version__),
        "cell": np.array(cell),
        "nonlinearity": np.array(kw.get("nonlinearity", "")),
        "bias": np.array(kw.get("bias", True)),
        "x": x,
        "h0": h0,
        "w_out": w_out,
        "w_h": w_h,
        "out": out.detach().numpy(),
        "h_n": hn[0].detach().numpy(),
        "grad_x": xt.grad.numpy(),
        "grad_h0": h0t.grad[0].numpy(),
    }
    if cell == "LSTM":
        data.update(c0=c0, w_c=w_c, c_n=cn[0].detach().numpy(), grad_c0=c0t.grad[0].numpy())
    for pname, p in layer.named_parameters():
        key = pname.removesuffix("_l0")
        data[f"param_{key}"] = p.detach().numpy().copy()
        data[f"grad_{key}"] = p.grad.numpy().copy()
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez(OUT / f"recurrent_{name}.npz", **data)
    print(f"wrote recurrent_{name}.npz  {cell} B={B} T={T} D={D} H={H} {kw}")


def main() -> None:
    torch.set_num_threads(1)
    for i, (name, cell, dims, kw) in enumerate(CASES):
        make_case(name, cell, dims, kw, seed=100 + i)


if __name__ == "__main__":
    main()
