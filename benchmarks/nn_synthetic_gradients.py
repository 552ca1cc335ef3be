"""Synthetic gradients on a digits MLP: backprop, DNI, gradient noise, DNI + noise (and cDNI).

The seed's four cases on the 8x8 digits (``benchmarks/_digits.py``: train / validation /
test), one network: 64 -> 128 -> 128 -> 128 -> 10, ReLU (He-uniform first layer), softmax
cross-entropy, Adam (lr 1e-3), batch 32, 30 epochs.

- **backprop**: plain ``nn.fit``;
- **DNI**: ``nn.SyntheticGradients(model, at=[0, 1, 2])`` (every hidden layer decoupled,
  linear synthetic-gradient models with a zero-initialised output, their own Adam);
- **noise**: the model's Adam with annealed Gaussian gradient noise (``grad_noise=eta``);
- **DNI + noise**: both;
- **cDNI** (extra row): DNI whose predictors also see the one-hot labels.

Choices on the validation part only (seed 0): the predictors' learning rate among
``SG_LRS`` (for DNI; cDNI and DNI + noise reuse it) and ``eta`` among ``ETAS`` (for
noise; DNI + noise reuses it). Then every case runs with seeds 0, 1, 2 (weights,
shuffling, noise), and the table gives the median held-out test accuracy and the median
time of ``nn.fit`` (wall clock, and CPU time of the calling thread; BLAS limited to one
thread). The test part never drives a choice.

Run::

    nice -n 10 python benchmarks/nn_synthetic_gradients.py

``--quick`` runs one seed and 5 epochs without writing BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn
from benchmarks._digits import accuracy, load_digits_split
from benchmarks._report import machine, write_section

SG_LRS = (1e-4, 1e-3, 3e-3, 1e-2)
ETAS = (1e-3, 1e-2, 1e-1)
SEEDS = (0, 1, 2)
CASES = ("backprop", "DNI", "noise", "DNI + noise", "cDNI")
HEADER = (
    "| case | predictor lr | noise eta | val acc | test acc (min-max) | final train loss "
    "| wall s | CPU s | time ÷ backprop wall (CPU) |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def mlp(seed: int) -> nn.Sequential:
    """The digits MLP, weights from ``seed``."""
    s = 10 * seed
    return nn.Sequential(
        [
            nn.Dense(64, 128, activation="relu", init="he_uniform", rng=s),
            nn.Dense(128, 128, activation="relu", init="he_uniform", rng=s + 1),
            nn.Dense(128, 128, activation="relu", init="he_uniform", rng=s + 2),
            nn.Dense(128, 10, rng=s + 3),
        ]
    )


def run(case: str, seed: int, *, sg_lr: float, eta: float, epochs: int, data) -> dict:
    """Train one case; return accuracies, times and the last predictor losses."""
    model = mlp(seed)
    sg = None
    if "DNI" in case:
        sg = nn.SyntheticGradients(
            model,
            at=[0, 1, 2],
            optimizer=nn.Adam(lr=sg_lr),
            conditional=case == "cDNI",
            rng=seed,
        )
    noise = eta if "noise" in case else 0.0
    opt = nn.Adam(lr=1e-3, grad_noise=noise, rng=seed)
    y = data.one_hot(data.y_train)
    with threadpool_limits(limits=1, user_api="blas"):
        w0, c0 = time.perf_counter(), time.thread_time()
        hist = nn.fit(
            model,
            "categorical_crossentropy",
            opt,
            data.x_train,
            y,
            epochs=epochs,
            batch_size=32,
            rng=seed,
            synthetic_gradients=sg,
        )
        wall, cpu = time.perf_counter() - w0, time.thread_time() - c0
    return {
        "val": accuracy(nn.predict(model, data.x_val), data.y_val),
        "test": accuracy(nn.predict(model, data.x_test), data.y_test),
        "wall": wall,
        "cpu": cpu,
        "loss": hist.loss[-1],
        "sg_loss": None if sg is None else sg.losses_[-36:].mean(axis=0).tolist(),
    }


def choose(data, epochs: int) -> tuple[float, float, dict, dict]:
    """Predictor lr for DNI and eta for noise, each by validation accuracy at seed 0."""
    by_lr = {lr: run("DNI", 0, sg_lr=lr, eta=0.0, epochs=epochs, data=data)["val"] for lr in SG_LRS}
    by_eta = {e: run("noise", 0, sg_lr=0.0, eta=e, epochs=epochs, data=data)["val"] for e in ETAS}
    for what, scores in (("predictor lr", by_lr), ("eta", by_eta)):
        print(what, {k: round(v, 4) for k, v in scores.items()}, flush=True)
    return max(by_lr, key=by_lr.get), max(by_eta, key=by_eta.get), by_lr, by_eta


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1 seed, 5 epochs, no write")
    args = ap.parse_args()
    epochs = 5 if args.quick else 30
    seeds = SEEDS[:1] if args.quick else SEEDS
    data = load_digits_split()
    sg_lr, eta, by_lr, by_eta = choose(data, epochs)
    results: dict[str, list[dict]] = {c: [] for c in CASES}
    for seed in seeds:
        for case in CASES:
            r = run(case, seed, sg_lr=sg_lr, eta=eta, epochs=epochs, data=data)
            results[case].append(r)
            print(case, seed, {k: v for k, v in r.items() if k != "sg_loss"}, flush=True)

    def med(case: str, key: str) -> float:
        return statistics.median(r[key] for r in results[case])

    base_wall, base_cpu = med("backprop", "wall"), med("backprop", "cpu")
    rows = []
    for case in CASES:
        tests = [r["test"] for r in results[case]]
        lr = f"{sg_lr:g}" if "DNI" in case else "-"
        e = f"{eta:g}" if "noise" in case else "-"
        rows.append(
            f"| {case} | {lr} | {e} | {med(case, 'val'):.4f} | **{med(case, 'test'):.4f}** "
            f"({min(tests):.4f}-{max(tests):.4f}) | {med(case, 'loss'):.4f} | "
            f"{med(case, 'wall'):.2f} | {med(case, 'cpu'):.2f} | "
            f"{med(case, 'wall') / base_wall:.2f} ({med(case, 'cpu') / base_cpu:.2f}) |"
        )
    sg_losses = np.median([r["sg_loss"] for r in results["DNI"]], axis=0)
    csg_losses = np.median([r["sg_loss"] for r in results["cDNI"]], axis=0)
    md = f"""
## nn: synthetic gradients on a digits MLP (`benchmarks/nn_synthetic_gradients.py`)

Jaderberg et al. (2017), decoupled neural interfaces, in the seed's four cases (and cDNI,
predictors conditioned on the labels). Network 64-128-128-128-10 ReLU, softmax
cross-entropy, Adam lr 1e-3, batch 32, {epochs} epochs on the digits split of
`benchmarks/_digits.py` ({len(data.y_train)} train / {len(data.y_val)} validation /
{len(data.y_test)} test). DNI decouples every hidden layer (`at=[0, 1, 2]`) with linear
synthetic-gradient models (zero-initialised output, own Adam). Medians over seeds
{", ".join(map(str, seeds))} (weights, shuffling, noise); time is that of `nn.fit` with BLAS
on one thread, wall clock and CPU time of the calling thread; ratio to backprop in the
same run.

Choices on the validation part at seed 0, never on test: predictor lr {sg_lr:g} (validation
accuracy {", ".join(f"{k:g}: {v:.4f}" for k, v in by_lr.items())}); noise eta {eta:g}
({", ".join(f"{k:g}: {v:.4f}" for k, v in by_eta.items())}). DNI + noise and cDNI reuse
these choices.

Command: `nice -n 10 python benchmarks/nn_synthetic_gradients.py`

Machine: {machine()} (shared: wall clock moves with the other jobs; CPU time is steadier).

{HEADER}
{chr(10).join(rows)}

Predictor losses (mean squared error of the per-row gradient, last epoch, median over
seeds), layers 0, 1, 2: DNI {", ".join(f"{v:.2e}" for v in sg_losses)}; cDNI
{", ".join(f"{v:.2e}" for v in csg_losses)}.

Reading: in one process nothing runs in parallel, so a decoupled step costs backprop's
step plus each predictor's forward, backward and Adam update; the paper's gain (layers
that need not wait for the backward pass, across devices or time) cannot show here, only
the price in accuracy of learning from predicted gradients. Gradient noise costs time
too: one Gaussian draw per parameter per step. The predictor learning rate matters with
Adam: Adam rescales even a tiny synthetic gradient to a full-size step, so a predictor
that learns too slowly steers the hidden layers by its early, wrong guesses (see the
validation accuracy of the smallest rate above).
"""
    print(md)
    if not args.quick:
        write_section("nn_synthetic_gradients", md)


if __name__ == "__main__":
    main()
