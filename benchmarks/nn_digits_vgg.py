"""A mini VGG on the 8x8 digits: the VGG-7 shape (conv-conv-pool, conv-conv-pool, dense,
softmax) scaled to 8x8 images, trained with ``nn.fit`` and Adam.

Network (``(batch, 1, 8, 8)`` in, 3x3 "same" convolutions with ReLU)::

    Conv2D(1 -> c1) ReLU, Conv2D(c1 -> c1) ReLU, MaxPool2D(2)     -> (c1, 4, 4)
    Conv2D(c1 -> c2) ReLU, Conv2D(c2 -> c2) ReLU, MaxPool2D(2)    -> (c2, 2, 2)
    Flatten, Dense(4 c2 -> hidden) ReLU, Dropout, Dense(hidden -> 10)   (logits)

The softmax sits in the loss: ``CategoricalCrossEntropy(from_logits=True)`` takes the
logits and applies the softmax in the stable log-sum-exp form (its gradient is
``softmax(z) - t``); the class probabilities are ``nn.Softmax`` of the logits. (Ending the
network in a ``Softmax`` layer needs ``from_logits=False`` instead, or the softmax is
applied twice.)

Data: ``benchmarks/_digits.py`` (test 20% held out, never used for a choice; validation
20% of the rest). Early stopping watches the validation loss and restores the best
epoch's weights; the architecture and the optimiser settings were fixed before the run
(VGG's pattern, Adam's defaults with lr 1e-3), not tuned on the test part. Seeds are
fixed: the same command gives the same numbers.

Run::

    python benchmarks/nn_digits_vgg.py

Dev-only: needs scikit-learn (the digits).
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

SEED = 0


def mini_vgg(
    c1: int = 32, c2: int = 64, hidden: int = 128, dropout: float = 0.3, seed: int = SEED
) -> nn.Sequential:
    """The VGG-7 shape scaled to ``(1, 8, 8)`` inputs; 10 logits out."""
    rng = np.random.default_rng(seed)

    def conv(c_in: int, c_out: int) -> nn.Conv2D:
        return nn.Conv2D(c_in, c_out, 3, padding="same", activation="relu", init="he_uniform",
                         rng=rng)  # fmt: skip

    return nn.Sequential(
        [
            conv(1, c1),
            conv(c1, c1),
            nn.MaxPool2D(2),
            conv(c1, c2),
            conv(c2, c2),
            nn.MaxPool2D(2),
            nn.Flatten(),
            nn.Dense(4 * c2, hidden, activation="relu", init="he_uniform", rng=rng),
            nn.Dropout(dropout, rng=rng),
            nn.Dense(hidden, 10, rng=rng),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=60, help="most epochs (early stopping)")
    ap.add_argument("--patience", type=int, default=10)
    ap.add_argument("--no-write", action="store_true", help="print only, keep BENCHMARKS.md")
    args = ap.parse_args(argv)

    split = load_digits_split()
    img = split.images
    x_tr, x_va, x_te = img(split.x_train), img(split.x_val), img(split.x_test)
    y_tr, y_va = split.one_hot(split.y_train), split.one_hot(split.y_val)
    model = mini_vgg()
    n_params = sum(p.size for p, _ in model.parameters())
    stop = nn.EarlyStopping(monitor="val_loss", patience=args.patience)
    t0 = time.perf_counter()
    history = nn.fit(
        model,
        nn.CategoricalCrossEntropy(from_logits=True),
        nn.Adam(lr=1e-3),
        x_tr,
        y_tr,
        epochs=args.epochs,
        batch_size=32,
        validation=(x_va, y_va),
        callbacks=[stop],
        rng=SEED,
    )
    wall = time.perf_counter() - t0
    softmax = nn.Softmax()

    def acc(x: np.ndarray, y: np.ndarray) -> float:
        return accuracy(softmax.forward(nn.predict(model, x, batch_size=256)), y)

    train_acc = acc(x_tr, split.y_train)
    val_acc = acc(x_va, split.y_val)
    test_acc = acc(x_te, split.y_test)
    best = history.best_epoch if history.best_epoch is not None else history.epochs - 1
    print(
        f"epochs {history.epochs} (best {best + 1}), wall {wall:.1f} s, train {train_acc:.4f} "
        f"val {val_acc:.4f} test {test_acc:.4f}",
        flush=True,
    )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines = [
        "## nn: mini VGG on the 8x8 digits (`benchmarks/nn_digits_vgg.py`)",
        "",
        "The VGG-7 shape scaled to 8x8: Conv2D(1→32) ReLU, Conv2D(32→32) ReLU, MaxPool 2, "
        "Conv2D(32→64) ReLU, Conv2D(64→64) ReLU, MaxPool 2, Flatten, Dense(256→128) ReLU, "
        "Dropout 0.3, Dense(128→10); 3x3 'same' convolutions, He-uniform initialisation, "
        f"{n_params:,} parameters. Softmax + cross-entropy as one loss "
        "(`CategoricalCrossEntropy(from_logits=True)`); probabilities = `nn.Softmax` of the "
        "logits. `nn.fit` with `nn.Adam(lr=1e-3)`, batch 32, at most "
        f"{args.epochs} epochs, `EarlyStopping(monitor='val_loss', patience={args.patience})` "
        "restoring the best epoch; float64, seed 0 for the weights, dropout and shuffling.",
        "",
        "Data: scikit-learn's digits through `benchmarks/_digits.py` (1,797 images: test 20% "
        "stratified, held out and never used for a choice; validation 20% of the rest for "
        "early stopping; the architecture and Adam's settings were fixed beforehand, nothing "
        "was tuned on the test part).",
        "",
        "Command: `python benchmarks/nn_digits_vgg.py`",
        "",
        f"Machine: {machine()}; load average at the end {load} (a shared machine: the "
        "wall time moves with the other jobs; the accuracies do not).",
        "",
        "| split | images | accuracy |",
        "|---|---:|---:|",
        f"| train | {len(split.y_train)} | {train_acc:.4f} |",
        f"| validation | {len(split.y_val)} | {val_acc:.4f} |",
        f"| **test (held out)** | {len(split.y_test)} | **{test_acc:.4f}** |",
        "",
        f"Epochs run: {history.epochs} (best validation loss at epoch {best + 1}, weights "
        f"restored); wall time of training: {wall:.1f} s ({wall / history.epochs:.1f} s per "
        f"epoch). Goal (issue 11): held-out "
        f"accuracy ≥ 0.97 — {'met' if test_acc >= 0.97 else 'NOT met'}.",
    ]
    md = "\n".join(lines)
    if not args.no_write:
        write_section("nn_digits_vgg", md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
