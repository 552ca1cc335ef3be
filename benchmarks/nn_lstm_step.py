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
    """Interleaved timing of closures ``name -> (fn, context factory)``.

    Returns, per name, the median wall seconds per step and the median CPU seconds of the
    calling thread per step (``time.thread_time``; with one thread this is the work done,
    insensitive to other processes competing for the cores).
    """
    wall: dict[str, list[float]] = {k: [] for k in fns}
    cpu: dict[str, list[float]] = {k: [] for k in fns}
    for fn, ctx in fns.values():  # warm-up (buffers, optimizer state, lazy imports)
        with ctx():
            for _ in range(3):
                fn()
    for _ in range(repeat):
        for k, (fn, ctx) in fns.items():
            with ctx():
                t0, c0 = time.perf_counter(), time.thread_time()
                for _ in range(number):
                    fn()
                wall[k].append((time.perf_counter() - t0) / number)
                cpu[k].append((time.thread_time() - c0) / number)
    return {k: (statistics.median(wall[k]), statistics.median(cpu[k])) for k in fns}


def main(argv: list[str] | None = None) -> int:
    import contextlib

    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats, headline configs only")
    ap.add_argument("--repeat", type=int, default=None)
    ap.add_argument("--no-write", action="store_true", help="print only, keep BENCHMARKS.md")
    args = ap.parse_args(argv)
    repeat = args.repeat or (5 if args.quick else 9)
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

    @contextlib.contextmanager
    def default():
        torch.set_num_threads(default_threads)
        yield

    rows = []
    for cell, batch, hidden, dtype in configs:
        rng = np.random.default_rng(0)
        x = rng.normal(size=(batch, T_STEPS, 1))
        y = rng.normal(size=(batch, 1))
        number = min(40, max(3, int(1500 / (batch * hidden / 64))))
        np_fn = numpy_step_fn(cell, batch, hidden, dtype, x, y)
        np_fn_default = numpy_step_fn(cell, batch, hidden, dtype, x, y)
        t_fn = torch_step_fn(cell, batch, hidden, dtype, x, y)
        # A: the headline, both single-threaded, interleaved
        a = measure(
            {"numpy": (np_fn, single), "torch": (t_fn, single)}, repeat=repeat, number=number
        )
        # B: NumPy with the default pools against itself single-threaded (no torch running,
        # whose idle OpenMP threads spin and would distort the comparison)
        b = measure(
            {"default": (np_fn_default, default), "single": (np_fn, single)},
            repeat=repeat,
            number=number,
        )
        # C: torch with its default threads (can be very slow on a busy 2-core machine)
        c = measure(
            {"torch": (t_fn, default)}, repeat=max(3, repeat // 3), number=max(1, number // 4)
        )
        row = (cell.upper(), batch, hidden, np.dtype(dtype).name, a, b, c)
        rows.append(row)
        print(
            f"{row[0]:4s} B={batch:3d} H={hidden:3d} {row[3]:7s} 1 thread: np "
            f"{a['numpy'][0] * 1e3:7.2f} ms torch {a['torch'][0] * 1e3:7.2f} ms ratio "
            f"{a['torch'][0] / a['numpy'][0]:.2f} (cpu {a['torch'][1] / a['numpy'][1]:.2f}) | "
            f"np default/1thr {b['default'][0] / b['single'][0]:.2f} | torch default "
            f"{c['torch'][0] * 1e3:7.2f} ms",
            flush=True,
        )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        "## nn: recurrent training step vs PyTorch (`benchmarks/nn_lstm_step.py`)",
        "",
        "One step = forward over 24 time steps (1 input feature) + linear head on the last "
        "state + MSE + BPTT + Adam update (`nn.optimizers.Adam` / `torch.optim.Adam`). "
        f"Medians over {repeat} interleaved runs. Ratio = NumPy steps/s ÷ PyTorch steps/s "
        "(higher is better): wall clock, and in brackets CPU time of the calling thread "
        "(robust to other jobs on the machine). Targets (issue 3, LSTM float32, one "
        "thread): ≥ 0.6 at batch 64 / hidden 64, ≥ 0.75 at batch 256 / hidden 64; with "
        "default threads NumPy no slower than with one (column 'NumPy default ÷ 1 thr', "
        "≤ 1 means not slower, measured interleaved without torch running).",
        "",
        "Command: `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python "
        f"benchmarks/nn_lstm_step.py{' --quick' if args.quick else ''}`",
        "",
        f"Machine: {machine()}; PyTorch {torch.__version__} (default {default_threads} "
        f"threads, MKL); NumPy BLAS: {', '.join(blas)}; "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}; load average "
        f"at the end {load} (shared machine: wall-clock figures move by 10-30%).",
        "",
        "| cell | batch | hidden | dtype | NumPy 1 thr (ms) | torch 1 thr (ms) "
        "| ratio 1 thr (cpu) | NumPy default ÷ 1 thr | torch default (ms) |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for cell, batch, hidden, dt, a, b, c in rows:
        lines.append(
            f"| {cell} | {batch} | {hidden} | {dt} | {a['numpy'][0] * 1e3:.2f} | "
            f"{a['torch'][0] * 1e3:.2f} | **{a['torch'][0] / a['numpy'][0]:.2f}** "
            f"({a['torch'][1] / a['numpy'][1]:.2f}) | "
            f"{b['default'][0] / b['single'][0]:.2f} | {c['torch'][0] * 1e3:.2f} |"
        )
    md = "\n".join(lines)
    if not args.no_write:
        write_section("nn_lstm_step", md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
