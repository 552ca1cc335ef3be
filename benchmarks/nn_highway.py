"""Highway networks train where plain deep networks stall (Srivastava, Greff and Schmidhuber
2015, Figure 1 in small) on the 8x8 digits.

Networks (``(batch, 64)`` in, width 50, ReLU everywhere, 10 logits out)::

    highway  Dense(64 -> 50) ReLU, depth x nn.Highway(50, relu, gate_bias=-2), Dense(50 -> 10)
    plain    Dense(64 -> 50) ReLU, depth x nn.Dense(50 -> 50, relu),           Dense(50 -> 10)

Same width, depth, activation, initialisation (nn's default Glorot-uniform), optimizer
(``nn.Momentum``, momentum 0.9, batch 32), loss (``CategoricalCrossEntropy(from_logits=
True)``), epochs and seed. The learning rate of each network is chosen from a small grid
on the *validation* loss (best epoch), so neither network is judged at a rate that suits
only the other; a run whose loss becomes NaN or infinite counts as diverged. A control
row: the plain network with He-uniform initialisation (the usual remedy for deep ReLU
stacks), same grid. The test part is reported for the chosen runs only, never used for a
choice.

Writes ``benchmarks/results/nn_highway.html`` (plotly: training and validation loss per
epoch of the chosen runs) and the ``nn_highway`` section of BENCHMARKS.md.

Run::

    python benchmarks/nn_highway.py

Dev-only: needs scikit-learn (the digits) and plotly (the figure).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nn
from benchmarks._digits import accuracy, load_digits_split
from benchmarks._report import machine, write_section
from kernel import write_text_atomic

RESULTS = Path(__file__).resolve().parent / "results"
WIDTH = 50
GATE_BIAS = -2.0
LRS = (0.01, 0.03, 0.1)
SEED = 0
NETS = ("highway", "plain", "plain (He init)")


def network(kind: str, depth: int, seed: int = SEED) -> nn.Sequential:
    """``kind`` in NETS; ``depth`` hidden layers of width 50 after the input layer."""
    rng = np.random.default_rng(seed)
    init = "he_uniform" if "He" in kind else "glorot_uniform"
    layers: list = [nn.Dense(64, WIDTH, activation="relu", init=init, rng=rng)]
    for _ in range(depth):
        if kind == "highway":
            layers.append(nn.Highway(WIDTH, activation="relu", gate_bias=GATE_BIAS, rng=rng))
        else:
            layers.append(nn.Dense(WIDTH, WIDTH, activation="relu", init=init, rng=rng))
    layers.append(nn.Dense(WIDTH, 10, init=init, rng=rng))
    return nn.Sequential(layers)


def train(kind: str, depth: int, lr: float, epochs: int, data) -> dict:
    model = network(kind, depth)
    t0 = time.perf_counter()
    try:
        h = nn.fit(
            model, nn.CategoricalCrossEntropy(from_logits=True), nn.Momentum(lr=lr, momentum=0.9),
            data.x_train, data.one_hot(data.y_train), epochs=epochs, batch_size=32,
            validation=(data.x_val, data.one_hot(data.y_val)), rng=SEED,
        )  # fmt: skip
    except nn.NNValueError as exc:  # TrainingDivergedError, or a non-finite activation
        print(f"  {kind} depth {depth} lr {lr}: diverged ({str(exc)[:60]}...)", flush=True)
        return {"lr": lr, "diverged": True, "best_val": np.inf}
    wall = time.perf_counter() - t0
    softmax = nn.Softmax()
    run = {
        "lr": lr,
        "diverged": False,
        "loss": h.loss,
        "val_loss": h.val_loss,
        "best_val": min(h.val_loss),
        "wall": wall,
        "val_acc": accuracy(softmax.forward(nn.predict(model, data.x_val)), data.y_val),
        "test_acc": accuracy(softmax.forward(nn.predict(model, data.x_test)), data.y_test),
    }
    print(f"  {kind} depth {depth} lr {lr}: loss {h.loss[0]:.3f} -> {h.loss[-1]:.3f}, best val "
          f"{run['best_val']:.3f}, {wall:.0f} s", flush=True)  # fmt: skip
    return run


def figure_html(chosen: dict, depths: list[int]) -> str:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=len(depths), subplot_titles=[f"depth {d}" for d in depths],
                        shared_yaxes=True)  # fmt: skip
    colors = {"highway": "#1f77b4", "plain": "#d62728", "plain (He init)": "#ff7f0e"}
    for col, depth in enumerate(depths, start=1):
        for kind in NETS:
            run = chosen[(kind, depth)]
            if run["diverged"]:
                continue
            epochs = list(range(1, len(run["loss"]) + 1))
            for key, dash in (("loss", "solid"), ("val_loss", "dot")):
                fig.add_trace(
                    go.Scatter(x=epochs, y=run[key], mode="lines", line={"color": colors[kind],
                               "dash": dash}, legendgroup=kind, showlegend=col == 1 and
                               key == "loss", name=f"{kind} (lr {run['lr']:g})"),
                    row=1, col=col,
                )  # fmt: skip
    fig.update_yaxes(type="log", title_text="cross-entropy (solid train, dotted validation)",
                     row=1, col=1)  # fmt: skip
    fig.update_xaxes(title_text="epoch")
    fig.update_layout(
        title="Highway vs plain deep ReLU networks on the 8x8 digits (width 50, Momentum 0.9)",
        height=500,
    )
    return fig.to_html(include_plotlyjs="cdn", full_html=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depths", type=int, nargs="+", default=[10, 20])
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--no-write", action="store_true", help="print only, write no files")
    args = ap.parse_args(argv)
    data = load_digits_split()
    chosen: dict = {}
    for depth in args.depths:
        for kind in NETS:
            runs = [train(kind, depth, lr, args.epochs, data) for lr in LRS]
            chosen[(kind, depth)] = min(runs, key=lambda r: r["best_val"])
            chosen[(kind, depth)]["grid"] = {r["lr"]: r["best_val"] for r in runs}
    rows = []
    for depth in args.depths:
        for kind in NETS:
            r = chosen[(kind, depth)]
            grid = ", ".join(
                f"{lr:g}: {'diverged' if not np.isfinite(v) else f'{v:.3f}'}"
                for lr, v in r["grid"].items()
            )
            if r["diverged"]:
                rows.append(f"| {depth} | {kind} | – | diverged at every rate | | | | | |")
                continue
            rows.append(
                f"| {depth} | {kind} | {r['lr']:g} | {grid} | {r['loss'][0]:.3f} | "
                f"{r['loss'][-1]:.4f} | {r['best_val']:.4f} | {r['val_acc']:.4f} | "
                f"{r['test_acc']:.4f} |"
            )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        "## nn: highway vs plain deep networks (`benchmarks/nn_highway.py`)",
        "",
        f"Width {WIDTH}, ReLU, `Dense(64→{WIDTH})` input layer, then *depth* × "
        f"`nn.Highway({WIDTH}, gate_bias={GATE_BIAS:g})` or × `nn.Dense({WIDTH}→{WIDTH})`, "
        f"`Dense({WIDTH}→10)` logits; Glorot-uniform (nn's default) for both, plus a control: "
        "the plain network with He-uniform initialisation. Same optimizer "
        "(`nn.Momentum(momentum=0.9)`, batch 32), loss "
        "(`CategoricalCrossEntropy(from_logits=True)`), "
        f"{args.epochs} epochs, seed {SEED}, float64. The learning rate of each network "
        f"is chosen from {list(LRS)} on the best validation loss (the grid column shows it "
        "per rate); test accuracy of the chosen run only. Data: `benchmarks/_digits.py` "
        "(test 20% held out; validation 20% of the rest). Curves (train solid, validation "
        "dotted, log scale): `benchmarks/results/nn_highway.html`.",
        "",
        "Command: `python benchmarks/nn_highway.py`",
        "",
        f"Machine: {machine()}; load average at the end {load}.",
        "",
        "| depth | network | lr | best val loss per lr | train loss epoch 1 | "
        f"train loss epoch {args.epochs} | best val loss | val acc | test acc |",
        "|---:|---|---:|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Chance level is ln 10 = 2.303: a network whose loss stays there has stalled. "
        "The highway layers start near the identity "
        f"(T = sigmoid({GATE_BIAS:g}) ≈ 0.12), so a deep stack passes the input and the "
        "gradient through from the first step; the plain stack must learn through every "
        "layer's transform.",
    ]
    md = "\n".join(lines)
    print(md)
    if not args.no_write:
        write_text_atomic(RESULTS / "nn_highway.html", figure_html(chosen, args.depths))
        write_section("nn_highway", md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
