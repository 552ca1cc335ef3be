"""Forward + backward speed of nn's convolution layers against torch CPU, one thread.

One step = the layer's forward on a fixed batch and its backward with a fixed output
gradient, giving the gradients of the input and of every parameter (``nn.Conv2D`` /
``nn.Conv1D`` vs ``torch.nn.Conv2d`` / ``torch.nn.Conv1d`` with ``requires_grad`` input,
``y.backward(dy)``). Both sides run in the same process, interleaved, both limited to one
thread (threadpoolctl for NumPy's BLAS, ``torch.set_num_threads(1)``); the table reports
the median time per step and the ratio of steps/s (NumPy / PyTorch, higher is better).

Run (OpenBLAS variables that force a slow kernel are cleared for this command only)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/nn_conv_step.py

``--quick`` runs fewer repeats and only the headline cases.
Dev-only: needs ``torch`` (``pip install torch==2.13.0``); never imported by ``nn``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn
from benchmarks._report import machine, write_section
from benchmarks.nn_lstm_step import measure


@dataclass(frozen=True)
class Case:
    """One benchmark case: builders of a NumPy step and a torch step on the same data.

    ``numpy_step(dtype, rng)`` and ``torch_step(dtype, rng)`` each return a closure that
    runs one forward + backward; both draw the input, the weights and the output
    gradient from a generator seeded the same way, so they see the same numbers.
    """

    name: str
    shape: str
    dtype: Any
    numpy_step: Callable[[Any, np.random.Generator], Callable[[], None]]
    torch_step: Callable[[Any, np.random.Generator], Callable[[], None]]
    headline: bool = False
    target: float | None = None


def _torch_dtype(dtype: Any):
    import torch

    return torch.float32 if np.dtype(dtype) == np.float32 else torch.float64


def conv2d_case(batch: int, c_in: int, size: int, c_out: int, k: int, padding: str):
    """Builders for ``Conv2D(c_in, c_out, k)`` on ``(batch, c_in, size, size)``."""

    def data(dtype, rng):
        x = rng.normal(size=(batch, c_in, size, size)).astype(dtype)
        w = (rng.normal(size=(c_out, c_in, k, k)) / np.sqrt(c_in * k * k)).astype(dtype)
        b = rng.normal(size=c_out).astype(dtype)
        out = size if padding == "same" else size - k + 1
        dy = rng.normal(size=(batch, c_out, out, out)).astype(dtype)
        return x, w, b, dy

    def numpy_step(dtype, rng):
        x, w, b, dy = data(dtype, rng)
        layer = nn.Conv2D(c_in, c_out, k, padding=padding, dtype=dtype)
        layer.params["weight"][...] = w
        layer.params["bias"][...] = b

        def step() -> None:
            layer.forward(x, training=True)
            layer.backward(dy)

        return step

    def torch_step(dtype, rng):
        import torch

        x, w, b, dy = data(dtype, rng)
        conv = torch.nn.Conv2d(c_in, c_out, k, padding=padding).to(_torch_dtype(dtype))
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(w))
            conv.bias.copy_(torch.from_numpy(b))
        xt = torch.from_numpy(x).requires_grad_(True)
        dyt = torch.from_numpy(dy)

        def step() -> None:
            conv.zero_grad(set_to_none=True)
            xt.grad = None
            conv(xt).backward(dyt)

        return step

    return numpy_step, torch_step


def conv1d_case(batch: int, steps: int, c_in: int, c_out: int, k: int, padding: str):
    """Builders for ``Conv1D(c_in, c_out, k)`` on ``(batch, steps, c_in)`` (torch gets
    the transposed ``(batch, c_in, steps)`` view, its own layout, as a contiguous copy)."""

    def data(dtype, rng):
        x = rng.normal(size=(batch, steps, c_in)).astype(dtype)
        w = (rng.normal(size=(c_out, c_in, k)) / np.sqrt(c_in * k)).astype(dtype)
        b = rng.normal(size=c_out).astype(dtype)
        out = steps if padding == "same" else steps - k + 1
        dy = rng.normal(size=(batch, out, c_out)).astype(dtype)
        return x, w, b, dy

    def numpy_step(dtype, rng):
        x, w, b, dy = data(dtype, rng)
        layer = nn.Conv1D(c_in, c_out, k, padding=padding, dtype=dtype)
        layer.params["weight"][...] = w
        layer.params["bias"][...] = b

        def step() -> None:
            layer.forward(x, training=True)
            layer.backward(dy)

        return step

    def torch_step(dtype, rng):
        import torch

        x, w, b, dy = data(dtype, rng)
        conv = torch.nn.Conv1d(c_in, c_out, k, padding=padding).to(_torch_dtype(dtype))
        with torch.no_grad():
            conv.weight.copy_(torch.from_numpy(w))
            conv.bias.copy_(torch.from_numpy(b))
        xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 2, 1))).requires_grad_(True)
        dyt = torch.from_numpy(np.ascontiguousarray(dy.transpose(0, 2, 1)))

        def step() -> None:
            conv.zero_grad(set_to_none=True)
            xt.grad = None
            conv(xt).backward(dyt)

        return step

    return numpy_step, torch_step


def convlstm2d_case(batch: int, steps: int, c_in: int, hidden: int, size: int, k: int):
    """Builders for ``ConvLSTM2D(c_in, hidden, k)`` on ``(batch, steps, c_in, size, size)``,
    every step's output returned. PyTorch has no ConvLSTM: its side is the same cell
    written with torch operations (the input convolution of all steps in one
    ``F.conv2d``, one hidden ``F.conv2d`` per step, gates i, f, g, o) and autograd,
    ``out.backward(dy)``."""

    def data(dtype, rng):
        x = rng.normal(size=(batch, steps, c_in, size, size)).astype(dtype)
        s = 1.0 / np.sqrt((c_in + hidden) * k * k)
        w_ih = rng.uniform(-s, s, size=(4 * hidden, c_in, k, k)).astype(dtype)
        w_hh = rng.uniform(-s, s, size=(4 * hidden, hidden, k, k)).astype(dtype)
        b = rng.uniform(-s, s, size=4 * hidden).astype(dtype)
        dy = rng.normal(size=(batch, steps, hidden, size, size)).astype(dtype)
        return x, w_ih, w_hh, b, dy

    def numpy_step(dtype, rng):
        x, w_ih, w_hh, b, dy = data(dtype, rng)
        layer = nn.ConvLSTM2D(c_in, hidden, k, dtype=dtype)
        for key, value in (("weight_ih", w_ih), ("weight_hh", w_hh), ("bias", b)):
            layer.params[key][...] = value

        def step() -> None:
            layer.forward(x, training=True)
            layer.backward(dy)

        return step

    def torch_step(dtype, rng):
        import torch
        import torch.nn.functional as F

        x, w_ih, w_hh, b, dy = (torch.from_numpy(a) for a in data(dtype, rng))
        leaves = [x, w_ih, w_hh, b]
        for t in leaves:
            t.requires_grad_(True)
        pad = (k - 1) // 2

        def step() -> None:
            for t in leaves:
                t.grad = None
            xi = F.conv2d(x.reshape(batch * steps, c_in, size, size), w_ih, b, padding=pad)
            xi = xi.reshape(batch, steps, 4 * hidden, size, size)
            h = torch.zeros(batch, hidden, size, size, dtype=x.dtype)
            c = torch.zeros_like(h)
            outs = []
            for t in range(steps):
                i, f, g, o = (xi[:, t] + F.conv2d(h, w_hh, padding=pad)).chunk(4, dim=1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                h = torch.sigmoid(o) * torch.tanh(c)
                outs.append(h)
            torch.stack(outs, dim=1).backward(dy)

        return step

    return numpy_step, torch_step


f32, f64 = np.float32, np.float64
# ---------------------------------------------------------------------------- CASES
# The list of benchmark cases. To add a layer (e.g. ConvLSTM2D, nn/convrecurrent.py),
# append a Case whose builders return one forward + backward closure each; the table
# and BENCHMARKS.md section pick it up. ``headline=True`` cases also run with --quick.
CASES: list[Case] = [
    Case("Conv2D", "64x1x28x28 -> 32, 3x3 valid", f32, *conv2d_case(64, 1, 28, 32, 3, "valid"),
         headline=True, target=0.5),
    Case("Conv1D", "64x24x16 -> 32, k 3 valid", f32, *conv1d_case(64, 24, 16, 32, 3, "valid"),
         headline=True, target=0.7),
    Case("Conv2D", "64x32x14x14 -> 32, 3x3 same", f32, *conv2d_case(64, 32, 14, 32, 3, "same")),
    Case("Conv2D", "64x16x8x8 -> 32, 3x3 same", f32, *conv2d_case(64, 16, 8, 32, 3, "same")),
    Case("Conv1D", "256x24x16 -> 32, k 3 same", f32, *conv1d_case(256, 24, 16, 32, 3, "same")),
    Case("Conv2D", "64x1x28x28 -> 32, 3x3 valid", f64, *conv2d_case(64, 1, 28, 32, 3, "valid")),
    Case("Conv1D", "64x24x16 -> 32, k 3 valid", f64, *conv1d_case(64, 24, 16, 32, 3, "valid")),
    # ConvLSTM2D cases (nn/convrecurrent.py) go here.
    Case("ConvLSTM2D", "16x8x1x16x16 -> 16, 3x3 same", f32,
         *convlstm2d_case(16, 8, 1, 16, 16, 3), headline=True),
    Case("ConvLSTM2D", "8x6x4x12x12 -> 8, 5x5 same", f32, *convlstm2d_case(8, 6, 4, 8, 12, 5)),
    Case("ConvLSTM2D", "16x8x1x16x16 -> 16, 3x3 same", f64, *convlstm2d_case(16, 8, 1, 16, 16, 3)),
]  # fmt: skip
# ---------------------------------------------------------------------------- end CASES


def main(argv: list[str] | None = None) -> int:
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, headline cases only")
    ap.add_argument("--repeat", type=int, default=None)
    ap.add_argument("--no-write", action="store_true", help="print only, keep BENCHMARKS.md")
    args = ap.parse_args(argv)
    repeat = args.repeat or (5 if args.quick else 9)
    cases = [c for c in CASES if c.headline] if args.quick else CASES
    default_threads = torch.get_num_threads()
    blas = [
        f"{i['internal_api']} {i.get('version')} ({i.get('architecture')})"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]

    @contextlib.contextmanager
    def single():
        torch.set_num_threads(1)
        with threadpool_limits(limits=1):
            yield
        torch.set_num_threads(default_threads)

    rows = []
    for case in cases:
        np_fn = case.numpy_step(case.dtype, np.random.default_rng(0))
        t_fn = case.torch_step(case.dtype, np.random.default_rng(0))
        with single():  # size the loop to ~0.2 s per timed run
            t_one = measure({"n": (np_fn, contextlib.nullcontext)}, repeat=1, number=3)["n"][0]
        number = max(3, min(200, int(0.2 / max(t_one, 1e-6))))
        a = measure(
            {"numpy": (np_fn, single), "torch": (t_fn, single)}, repeat=repeat, number=number
        )
        ratio, cpu_ratio = a["torch"][0] / a["numpy"][0], a["torch"][1] / a["numpy"][1]
        rows.append((case, a, ratio, cpu_ratio))
        print(
            f"{case.name:7s} {case.shape:34s} {np.dtype(case.dtype).name:7s} np "
            f"{a['numpy'][0] * 1e3:8.3f} ms torch {a['torch'][0] * 1e3:8.3f} ms ratio "
            f"{ratio:.2f} (cpu {cpu_ratio:.2f})",
            flush=True,
        )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        "## nn: convolution forward + backward vs PyTorch (`benchmarks/nn_conv_step.py`)",
        "",
        "One step = the layer's forward on a fixed batch + its backward with a fixed output "
        "gradient (gradients of the input, the weights and the bias; torch: `nn.Conv2d` / "
        "`nn.Conv1d` on an input with `requires_grad`, `y.backward(dy)`). Both sides limited "
        f"to one thread, interleaved in the same process; medians over {repeat} runs. Ratio = "
        "NumPy steps/s ÷ PyTorch steps/s (higher is better): wall clock, and in brackets CPU "
        "time of the calling thread. Targets (issue 11, float32, one thread): Conv2D at batch "
        "64, 1x28x28 -> 32 channels 3x3 ≥ 0.5; Conv1D at batch 64, 24 steps, 16 -> 32 "
        "channels, kernel 3 ≥ 0.7. nn's kernels: im2col by one strided copy per kernel tap "
        "plus one BLAS product (`nn/_conv_ops.py`). ConvLSTM2D (issue 11: report the ratio): "
        "`(batch, time, C, H, W)`, every step's output, forward + BPTT; PyTorch has no "
        "ConvLSTM, so its side is the same cell written with torch ops (`F.conv2d` for the "
        "input of all steps at once and for the hidden state at each step) and autograd.",
        "",
        "Command: `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python "
        f"benchmarks/nn_conv_step.py{' --quick' if args.quick else ''}`",
        "",
        f"Machine: {machine()}; PyTorch {torch.__version__}; NumPy BLAS: {', '.join(blas)}; "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}; load average at "
        f"the end {load} (shared machine: wall-clock figures move by 10-30%).",
        "",
        "| layer | shape | dtype | NumPy (ms) | torch (ms) | ratio (cpu) | target |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for case, a, ratio, cpu_ratio in rows:
        target = "" if case.target is None else f"≥ {case.target}"
        lines.append(
            f"| {case.name} | {case.shape} | {np.dtype(case.dtype).name} | "
            f"{a['numpy'][0] * 1e3:.3f} | {a['torch'][0] * 1e3:.3f} | **{ratio:.2f}** "
            f"({cpu_ratio:.2f}) | {target} |"
        )
    md = "\n".join(lines)
    if not args.no_write:
        write_section("nn_conv_step", md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
