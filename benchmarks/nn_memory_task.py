"""Trainability on a memory task: UGRNN and +RNN against LSTM, GRU and the plain RNN.

A small version of the trainability comparison of Collins, Sohl-Dickstein and Sussillo
("Capacity and Trainability in Recurrent Neural Networks", ICLR 2017): at the same
parameter budget, how reliably does each cell learn a task that needs memory?

The task is the **add task** (Hochreiter and Schmidhuber 1997; Le et al. 2015): each
sequence has ``T`` steps of two inputs, a value drawn from U(0, 1) and a marker that is 1
at exactly two steps (one in the first half, one in the second) and 0 elsewhere; the
target, read after the last step, is the sum of the two marked values. Predicting the
mean (1.0) gives an MSE of 1/6 = 0.167; a run **solves** the task when its test MSE is
below ``SOLVED`` (0.01, about 6% of that).

Every cell is ``cell(2, H, return_sequences=False) -> Dense(H, 1)``, with ``H`` chosen per
cell so that the whole model has about ``BUDGET`` parameters (the +RNN needs an input
projection from 2 to ``H`` features, counted in its budget); MSE, Adam, batch 50, gradient
norm clipped at 1, ``EPOCHS`` epochs over a fixed training set. For every cell, every
learning rate of ``LRS`` and every seed of ``SEEDS`` (initial weights and shuffling) is
trained; the learning rate of each cell is the one with the lowest median *validation* MSE
over the seeds, and the table gives, at that rate, the test MSE and the seeds that solve
the task. The last column is the fraction of all (rate, seed) runs that solve it, the
small counterpart of the paper's trainability measure (how much of the hyperparameter
space trains). Training, validation and test sets are drawn independently (data seed
``DATA_SEED``); the test set drives no choice. Two control rows (an LSTM with forget-gate
bias +1, a UGRNN with gate bias 0) separate the cells from their gate-bias initialisation.

Run::

    nice -n 10 python benchmarks/nn_memory_task.py

``--quick`` runs one rate, one seed and 2 epochs without writing BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn
from benchmarks._report import machine, write_section

T = 50
N_TRAIN, N_VAL, N_TEST = 3000, 1000, 2000
BUDGET = 1000
EPOCHS = 8
BATCH = 50
CLIP = 1.0
LRS = (3e-3, 1e-2, 3e-2)
SEEDS = (0, 1, 2)
SOLVED = 0.01
DATA_SEED = 1234


def _forget_bias(lstm: nn.LSTM) -> nn.LSTM:
    """Add 1 to the initial forget-gate bias (block f of PyTorch's i, f, g, o)."""
    H = lstm.hidden_size
    lstm.params["bias_ih"][H : 2 * H] += 1.0
    return lstm


CELLS: dict[str, Callable[..., nn.Recurrent]] = {
    "RNN (tanh)": lambda h, seed: nn.RNN(2, h, return_sequences=False, rng=seed),
    "LSTM": lambda h, seed: nn.LSTM(2, h, return_sequences=False, rng=seed),
    "LSTM, forget bias +1": lambda h, seed: _forget_bias(
        nn.LSTM(2, h, return_sequences=False, rng=seed)
    ),
    "GRU": lambda h, seed: nn.GRU(2, h, return_sequences=False, rng=seed),
    "UGRNN": lambda h, seed: nn.UGRNN(2, h, return_sequences=False, rng=seed),
    "UGRNN, gate bias 0": lambda h, seed: nn.UGRNN(
        2, h, gate_bias=0.0, return_sequences=False, rng=seed
    ),
    "+RNN": lambda h, seed: nn.IntersectionRNN(
        2, h, input_projection=True, return_sequences=False, rng=seed
    ),
}


def add_task(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``(n, T, 2)`` (value, marker) and targets ``(n, 1)``."""
    values = rng.uniform(size=(n, T))
    marks = np.zeros((n, T))
    rows = np.arange(n)
    marks[rows, rng.integers(0, T // 2, size=n)] = 1.0
    marks[rows, rng.integers(T // 2, T, size=n)] = 1.0
    return np.stack([values, marks], axis=-1), (values * marks).sum(axis=1, keepdims=True)


def model_for(cell: str, hidden: int, seed: int) -> nn.Sequential:
    return nn.Sequential([CELLS[cell](hidden, seed), nn.Dense(hidden, 1, rng=seed + 100)])


def n_params(model: nn.Sequential) -> int:
    return sum(p.size for p, _ in model.parameters())


def hidden_for_budget(cell: str) -> int:
    """The hidden size whose model has the parameter count closest to ``BUDGET``."""
    return min(range(1, 64), key=lambda h: abs(n_params(model_for(cell, h, 0)) - BUDGET))


def mse(model: nn.Sequential, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((model.forward(x) - y) ** 2))


def train(cell: str, hidden: int, lr: float, seed: int, data: dict, epochs: int) -> dict:
    model = model_for(cell, hidden, seed)
    t0 = time.perf_counter()
    hist = nn.fit(
        model,
        "mse",
        nn.Adam(lr=lr),
        *data["train"],
        epochs=epochs,
        batch_size=BATCH,
        validation=data["val"],
        clip_norm=CLIP,
        rng=seed,
    )
    wall = time.perf_counter() - t0
    below = [e + 1 for e, v in enumerate(hist.val_loss) if v < SOLVED]
    return {
        "val": mse(model, *data["val"]),
        "test": mse(model, *data["test"]),
        "first_epoch": below[0] if below else None,
        "wall": wall,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="1 rate, 1 seed, 2 epochs, no write")
    args = ap.parse_args()
    lrs, seeds, epochs = ((1e-2,), (0,), 2) if args.quick else (LRS, SEEDS, EPOCHS)
    gen = np.random.default_rng(DATA_SEED)
    data = {"train": add_task(N_TRAIN, gen), "val": add_task(N_VAL, gen)}
    data["test"] = add_task(N_TEST, gen)
    rows = []
    t_all = time.perf_counter()
    for cell in CELLS:
        hidden = hidden_for_budget(cell)
        count = n_params(model_for(cell, hidden, 0))
        runs = {(lr, s): train(cell, hidden, lr, s, data, epochs) for lr in lrs for s in seeds}
        for (lr, s), r in runs.items():
            print(
                f"{cell:10s} H={hidden:2d} lr={lr:g} seed={s}  val {r['val']:.4f}  "
                f"test {r['test']:.4f}  {r['wall']:.1f} s",
                flush=True,
            )
        best = min(lrs, key=lambda lr: statistics.median(runs[lr, s]["val"] for s in seeds))
        chosen = [runs[best, s] for s in seeds]
        tests = [r["test"] for r in chosen]
        firsts = [r["first_epoch"] for r in chosen if r["first_epoch"] is not None]
        solved_all = sum(r["test"] < SOLVED for r in runs.values())
        rows.append(
            f"| {cell} | {hidden} | {count} | {best:g} | "
            f"{statistics.median(r['val'] for r in chosen):.4f} | {statistics.median(tests):.4f} "
            f"({min(tests):.4f}-{max(tests):.4f}) | {sum(t < SOLVED for t in tests)}/{len(seeds)} "
            f"| {statistics.median(firsts) if firsts else '-'} | "
            f"{solved_all}/{len(runs)} | {statistics.median(r['wall'] for r in chosen):.1f} |"
        )
    total = time.perf_counter() - t_all
    table = "\n".join(rows)
    print(table)
    if args.quick:
        return
    md = f"""## Memory task: UGRNN and +RNN vs LSTM, GRU and RNN (issue 11)

`nice -n 10 python benchmarks/nn_memory_task.py` — {machine()}; seeds {list(SEEDS)}
(weights and shuffling), data seed {DATA_SEED}; {total / 60:.1f} min in all.

The trainability comparison of Collins, Sohl-Dickstein and Sussillo (ICLR 2017), in small,
on the **add task** with T = {T} steps: inputs (value ~ U(0, 1), marker), two marked steps
(one in each half), target the sum of the two marked values; predicting the mean gives
MSE 0.167, and a run *solves* the task at test MSE < {SOLVED}. **Same parameter budget**
(about {BUDGET}, Dense head and the +RNN's input projection included), so the hidden size
differs per cell. `cell(2, H, return_sequences=False) -> Dense(H, 1)`, MSE, `nn.Adam`, batch
{BATCH}, gradient norm clipped at {CLIP}, {EPOCHS} epochs over {N_TRAIN} training sequences;
{N_VAL} validation and {N_TEST} test sequences drawn independently. Each cell is trained
at every learning rate of {list(LRS)} with every seed; the rate is chosen per cell by the
lowest median **validation** MSE over the seeds (the test set drives no choice).
Initialisation: PyTorch's uniform rule for every cell, plus the authors' gate bias +1 for
UGRNN and +RNN (`gate_bias=1.0`, their TensorFlow cells' `forget_bias`); the +RNN uses its
default ReLU `y_in`. Two control rows separate the cell from that initialisation: the LSTM
with its forget-gate bias +1 (the usual advice since Gers et al. 2000) and the UGRNN with
`gate_bias=0`.

| cell | H | params | chosen lr | val MSE (median) | test MSE, median (min-max) | seeds solved \
| first epoch val < {SOLVED} (median) | runs solved, all rates | fit s (median) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
{table}

"Runs solved, all rates" counts the (rate, seed) runs below the threshold on the test set
(reported, not used for any choice): the fraction of this small hyperparameter grid in
which the cell trains. Wall times are with other jobs sharing the 2 cores.
"""
    write_section("nn_memory_task", md)


if __name__ == "__main__":
    main()
