"""Regenerate the PyTorch parity fixtures of the convolution and pooling layers (dev-only;
imports torch).

For each case, random float64 inputs and (for the convolutions) random weights and
biases go through ``torch.nn.functional.conv1d`` / ``conv2d`` / ``max_pool1d`` /
``max_pool2d`` / ``avg_pool1d`` / ``avg_pool2d`` (explicit zero padding through
``F.pad`` where it is asymmetric or follows Keras' "same" rule at a stride > 1, torch's own
``padding="same"`` at stride 1); the loss is ``sum(w_out * y)`` with random ``w_out`` and
autograd gives every gradient. Each case is stored, with the layer's ``nn`` class and
config (JSON), in ``tests/nn/fixtures/conv_<case>.npz``. ``nn``'s 1-D layers are channels
last ``(batch, time, C)``; torch's are ``(batch, C, time)``, so the script transposes.
``tests/nn/test_conv.py`` loads the fixtures (no torch needed) and compares at 1e-10.

Run::

    python tools/make_torch_fixtures_conv.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parent.parent / "tests" / "nn" / "fixtures"

# name, nn class, config, input shape (nn layout)
CASES: list[tuple[str, str, dict[str, Any], tuple[int, ...]]] = [
    ("conv1d_valid", "Conv1D", {"in_channels": 3, "out_channels": 4, "kernel_size": 3}, (2, 9, 3)),
    (
        "conv1d_same_even",
        "Conv1D",
        {"in_channels": 2, "out_channels": 3, "kernel_size": 4, "padding": "same"},
        (3, 7, 2),
    ),
    (
        "conv1d_same_dilated",
        "Conv1D",
        {"in_channels": 2, "out_channels": 2, "kernel_size": 3, "padding": "same", "dilation": 2},
        (2, 8, 2),
    ),
    (
        "conv1d_stride_same",
        "Conv1D",
        {"in_channels": 3, "out_channels": 2, "kernel_size": 3, "stride": 2, "padding": "same"},
        (2, 10, 3),
    ),
    (
        "conv1d_stride_pad_dilation_tanh",
        "Conv1D",
        {
            "in_channels": 2,
            "out_channels": 3,
            "kernel_size": 3,
            "stride": 3,
            "padding": [2, 1],
            "dilation": 2,
            "activation": "tanh",
        },
        (2, 11, 2),
    ),
    (
        "conv1d_nobias",
        "Conv1D",
        {"in_channels": 1, "out_channels": 2, "kernel_size": 2, "padding": 1, "bias": False},
        (3, 5, 1),
    ),
    (
        "conv2d_valid",
        "Conv2D",
        {"in_channels": 2, "out_channels": 3, "kernel_size": 3},
        (2, 2, 6, 5),
    ),
    (
        "conv2d_same",
        "Conv2D",
        {"in_channels": 3, "out_channels": 2, "kernel_size": [3, 2], "padding": "same"},
        (2, 3, 5, 6),
    ),
    (
        "conv2d_stride_pad",
        "Conv2D",
        {"in_channels": 2, "out_channels": 3, "kernel_size": 3, "stride": [2, 1], "padding": 1},
        (2, 2, 7, 6),
    ),
    (
        "conv2d_asym_dilation_relu",
        "Conv2D",
        {
            "in_channels": 2,
            "out_channels": 2,
            "kernel_size": [2, 3],
            "stride": 2,
            "padding": [[1, 0], [2, 1]],
            "dilation": [2, 1],
            "activation": "relu",
        },
        (2, 2, 8, 7),
    ),
    (
        "conv2d_stride_same_nobias",
        "Conv2D",
        {
            "in_channels": 1,
            "out_channels": 2,
            "kernel_size": 3,
            "stride": 2,
            "padding": "same",
            "bias": False,
        },
        (2, 1, 7, 6),
    ),
    ("maxpool1d", "MaxPool1D", {"pool_size": 2}, (2, 7, 3)),
    ("maxpool1d_overlap", "MaxPool1D", {"pool_size": 3, "stride": 1}, (2, 6, 2)),
    ("avgpool1d", "AvgPool1D", {"pool_size": 3, "stride": 2}, (2, 8, 3)),
    ("maxpool2d", "MaxPool2D", {"pool_size": 2}, (2, 3, 5, 6)),
    ("maxpool2d_overlap", "MaxPool2D", {"pool_size": [3, 2], "stride": [1, 2]}, (2, 2, 6, 7)),
    ("avgpool2d", "AvgPool2D", {"pool_size": 2, "stride": [2, 1]}, (2, 2, 6, 5)),
]


def _same_pads(n: int, k: int, s: int, d: int) -> tuple[int, int]:
    """Keras' 'same' rule (ceil(n / s) outputs, the odd zero at the end)."""
    out = -(-n // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2


def _pairs(value: Any, nd: int) -> list[int]:
    return [value] * nd if isinstance(value, int) else list(value)


def _conv(xt: torch.Tensor, wt: torch.Tensor, bt: Any, cfg: dict[str, Any], nd: int):
    """torch's convolution of ``xt`` (torch layout) under the nn config ``cfg``."""
    stride = _pairs(cfg.get("stride", 1), nd)
    dil = _pairs(cfg.get("dilation", 1), nd)
    kernel = _pairs(cfg["kernel_size"], nd)
    pad = cfg.get("padding", "valid")
    conv = F.conv1d if nd == 1 else F.conv2d
    if pad == "same" and max(stride) == 1:
        return conv(xt, wt, bt, padding="same", dilation=dil)  # torch's own 'same'
    if pad == "valid":
        pads = [(0, 0)] * nd
    elif pad == "same":
        pads = [_same_pads(xt.shape[2 + a], kernel[a], stride[a], dil[a]) for a in range(nd)]
    elif isinstance(pad, int):
        pads = [(pad, pad)] * nd
    elif nd == 1:
        pads = [tuple(pad)]
    else:
        pads = [tuple(p) if isinstance(p, list) else (p, p) for p in pad]
    flat = [v for p in reversed(pads) for v in p]  # F.pad: last axis first
    return conv(F.pad(xt, flat), wt, bt, stride=stride, dilation=dil)


def make_case(name: str, cls: str, cfg: dict[str, Any], shape: tuple[int, ...], seed: int) -> None:
    rng = np.random.default_rng(seed)
    nd = len(shape) - 2
    x = rng.normal(size=shape)
    # to torch's channels-first layout
    x_t = x.transpose(0, 2, 1) if nd == 1 else x
    xt = torch.tensor(np.ascontiguousarray(x_t), requires_grad=True)
    arrays: dict[str, np.ndarray] = {}
    if cls.startswith("Conv"):
        kernel = _pairs(cfg["kernel_size"], nd)
        w = rng.normal(size=(cfg["out_channels"], cfg["in_channels"], *kernel))
        wt = torch.tensor(w, requires_grad=True)
        bias = cfg.get("bias", True)
        b = rng.normal(size=cfg["out_channels"]) if bias else None
        bt = torch.tensor(b, requires_grad=True) if bias else None
        yt = _conv(xt, wt, bt, cfg, nd)
        act = cfg.get("activation")
        if act is not None:
            yt = getattr(torch, act)(yt)
        arrays["weight"] = w
        if bias:
            arrays["bias"] = b
    else:
        pool = _pairs(cfg["pool_size"], nd)
        stride = _pairs(cfg.get("stride", cfg["pool_size"]), nd)
        fn = {
            "MaxPool1D": F.max_pool1d,
            "MaxPool2D": F.max_pool2d,
            "AvgPool1D": F.avg_pool1d,
            "AvgPool2D": F.avg_pool2d,
        }[cls]
        yt = fn(xt, pool, stride)
        wt = bt = None
    y_t = yt.detach().numpy()
    y = y_t.transpose(0, 2, 1) if nd == 1 else y_t
    w_out = rng.normal(size=y.shape)
    w_out_t = w_out.transpose(0, 2, 1) if nd == 1 else w_out
    (yt * torch.tensor(np.ascontiguousarray(w_out_t))).sum().backward()
    dx_t = xt.grad.numpy()
    arrays.update(
        x=x,
        y=np.ascontiguousarray(y),
        w_out=w_out,
        dx=np.ascontiguousarray(dx_t.transpose(0, 2, 1) if nd == 1 else dx_t),
    )
    if wt is not None:
        arrays["dweight"] = wt.grad.numpy()
        if bt is not None:
            arrays["dbias"] = bt.grad.numpy()
    meta = {"class": cls, "config": cfg, "torch": torch.__version__}
    np.savez_compressed(OUT / f"conv_{name}.npz", meta=np.array(json.dumps(meta)), **arrays)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for seed, (name, cls, cfg, shape) in enumerate(CASES):
        make_case(name, cls, cfg, shape, seed)
        print(f"wrote conv_{name}.npz")


if __name__ == "__main__":
    main()
