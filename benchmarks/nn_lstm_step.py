"""Training-step speed of nn.LSTM / nn.GRU against torch.nn.LSTM / torch.nn.GRU.

One training step = forward over 24 time steps of 1 input feature, a linear head on the
last hidden state, MSE loss, backward through time, and an Adam update of every
parameter (``nn.optimizers.Adam`` vs ``torch.optim.Adam``). Both sides run in the same
process, interleaved, on the same data; the table reports the median time per step over
repeated runs and the ratio of steps/s (NumPy / PyTorch, higher is better).

"single" limits both sides to one thread (threadpoolctl for NumPy's BLAS,
``torch.set_num_threads(1)``); "default" leaves both pools alone (``nn`` limits its own
BLAS pool for small products, see ``nn/_threads.py``).

Run (OpenBLAS variables that force a slow kernel are cleared for this command only)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/nn_lstm_step.py

``--quick`` runs fewer repeats and only the two headline configurations.
Dev-only: needs ``torch`` (``pip install torch==2.13.0``); never imported by ``nn``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn
from benchmarks._report import machine, write_section

T_STEPS = 24


def numpy_step_fn(cell: str, batch: int, hidden: int, dtype: type, x, y):
    """Return a closure running one NumPy training step."""
    from nn.optimizers import Adam

    cls = {"lstm": nn.LSTM, "gru": nn.GRU}[cell]
    rnn = cls(1, hidden, return_sequences=False, rng=0, dtype=dtype)
    head = nn.Dense(hidden, 1, rng=1, dtype=dtype)
    model = nn.Sequential([rnn, head])
    opt = Adam(lr=1e-3)
    pairs = model.parameters()
    params = [p for p, _ in pairs]
    x = x.astype(dtype)
    y = y.astype(dtype)
    scale = dtype(2.0 / y.size)

    def step() -> None:
        pred = model.forward(x, training=True)
        model.backward((pred - y) * scale)
        opt.step(params, [g for _, g in model.parameters()])

    return step


def torch_step_fn(cell: str, batch: int, hidden: int, dtype: type, x, y):
    """Return a closure running one PyTorch training step."""
    import torch

    tdt = torch.float32 if dtype is np.float32 else torch.float64
    torch.manual_seed(0)
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell]
    rnn = cls(1, hidden, batch_first=True).to(tdt)
    head = torch.nn.Linear(hidden, 1).to(tdt)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    xt = torch.from_numpy(x.astype(dtype))
    yt = torch.from_numpy(y.astype(dtype))
    mse = torch.nn.MSELoss()

    def step() -> None:
        opt.zero_grad()
        out, _ = rnn(xt)
        loss = mse(head(out[:, -1]), yt)
        loss.backward()
        opt.step()

    return step


def measure(fns: dict, *, repeat: int, number: int) -> dict:
    """Interleaved timing: median seconds per step of each closure."""
    times: dict[str, list[float]] = {k: [] for k in fns}
    for fn in fns.values():  # warm-up (buffers, optimizer state, lazy imports)
        for _ in range(3):
            fn()
    for _ in range(repeat):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            times[k].append((time.perf_counter() - t0) / number)
    return {k: statistics.median(v) for k, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, headline configs only")
    ap.add_argument("--repeat", type=int, default=None)
    ap.add_argument("--no-write", action="store_true", help="print only, keep BENCHMARKS.md")
    args = ap.parse_args(argv)
    repeat = args.repeat or (5 if args.quick else 11)
    headline = [("lstm", 64, 64, np.float32), ("lstm", 256, 64, np.float32)]
    extra = [
        ("gru", 64, 64, np.float32),
        ("gru", 256, 64, np.float32),
        ("lstm", 64, 128, np.float32),
        ("lstm", 64, 256, np.float32),
        ("lstm", 256, 256, np.float32),
        ("lstm", 64, 64, np.float64),
        ("lstm", 256, 64, np.float64),
    ]
    configs = headline if args.quick else headline + extra
    default_threads = torch.get_num_threads()
    rows = []
    blas = [
        f"{i['internal_api']} {i.get('version')} ({i.get('architecture')})"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    for cell, batch, hidden, dtype in configs:
        rng = np.random.default_rng(0)
        x = rng.normal(size=(batch, T_STEPS, 1))
        y = rng.normal(size=(batch, 1))
        number = max(3, int(2000 / (batch * hidden / 64)))
        number = min(number, 40)
        res = {}
        for mode in ("single", "default"):
            if mode == "single":
                torch.set_num_threads(1)
                ctx = threadpool_limits(limits=1)
            else:
                torch.set_num_threads(default_threads)
                ctx = threadpool_limits(limits=None)
            with ctx:
                fns = {
                    "numpy": numpy_step_fn(cell, batch, hidden, dtype, x, y),
                    "torch": torch_step_fn(cell, batch, hidden, dtype, x, y),
                }
                res[mode] = measure(fns, repeat=repeat, number=number)
        torch.set_num_threads(default_threads)
        row = (cell.upper(), batch, hidden, np.dtype(dtype).name, res)
        rows.append(row)
        s, d = res["single"], res["default"]
        print(
            f"{row[0]:4s} B={batch:3d} H={hidden:3d} {row[3]:7s} "
            f"single: np {s['numpy'] * 1e3:7.2f} ms torch {s['torch'] * 1e3:7.2f} ms "
            f"ratio {s['torch'] / s['numpy']:.2f} | default: np {d['numpy'] * 1e3:7.2f} ms "
            f"torch {d['torch'] * 1e3:7.2f} ms ratio {d['torch'] / d['numpy']:.2f}",
            flush=True,
        )
    lines = [
        "## nn: recurrent training step vs PyTorch (`benchmarks/nn_lstm_step.py`)",
        "",
        "One step = forward over 24 time steps (1 input feature) + linear head on the last "
        "state + MSE + BPTT + Adam update. Median ms per step over "
        f"{repeat} interleaved runs; ratio = NumPy steps/s ÷ PyTorch steps/s (higher is "
        "better). Targets (issue 3, LSTM float32, single thread): ≥ 0.6 at batch 64 / hidden "
        "64, ≥ 0.75 at batch 256 / hidden 64; default threads no slower than single thread.",
        "",
        "Command: `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python "
        f"benchmarks/nn_lstm_step.py{' --quick' if args.quick else ''}`",
        "",
        f"Machine: {machine()}; PyTorch {torch.__version__} (default {default_threads} "
        f"threads); NumPy BLAS: {', '.join(blas)}; "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}. "
        "The machine is shared with other jobs, so single numbers move by ~10-20%.",
        "",
        "| cell | batch | hidden | dtype | NumPy 1 thr (ms) | torch 1 thr (ms) | ratio 1 thr "
        "| NumPy default (ms) | torch default (ms) | ratio default | NumPy default ÷ 1 thr |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for cell, batch, hidden, dt, res in rows:
        s, d = res["single"], res["default"]
        lines.append(
            f"| {cell} | {batch} | {hidden} | {dt} | {s['numpy'] * 1e3:.2f} | "
            f"{s['torch'] * 1e3:.2f} | **{s['torch'] / s['numpy']:.2f}** | "
            f"{d['numpy'] * 1e3:.2f} | {d['torch'] * 1e3:.2f} | {d['torch'] / d['numpy']:.2f} | "
            f"{d['numpy'] / s['numpy']:.2f} |"
        )
    md = "\n".join(lines)
    if not args.no_write:
        write_section("nn_lstm_step", md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
