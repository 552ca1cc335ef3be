"""Study: does the monthly N-BEATS network gain from the other M3 groups' training windows?

A study script (the test parts ``xx`` are never read). One monthly network as shipped
(generic, input 36, width 256, lookbacks 18/24/30/36, seed 0) is trained on the windows of
the monthly training parts plus those of the training parts of ``--groups`` (quarterly,
other, yearly: any series of at least 13 values), early-stopped on the monthly held-out
ends as ``tools/train_nbeats_m3.py`` does. It writes two pretrained files into ``--out``:
``mixed.json`` (that network as the monthly group) and ``net0.json`` (the shipped monthly
network 0 alone, the same way), to be scored on validation windows by::

    nice python benchmarks/collections.py --models nbeats --holdout --workers 2 --no-write \
        --collections m3-monthly,m1-monthly,tourism-monthly \
        --set "pretrained='/tmp/mixed/mixed.json'" --tag mixed

Run 2026-12-07 (idle machine, 118 s of training): sMAPE / MASE over seasonal naive on the
validation windows of M3, M1 and Tourism monthly 14.34 / 0.805, 18.00 / 0.780,
24.85 / 0.982 against 14.26 / 0.791, 18.05 / 0.779, 25.42 / 0.983 for the shipped net 0:
worse on M3, the same elsewhere; not adopted (BENCHMARKS.md, section ``nbeats_m3``).

Usage::

    python benchmarks/nbeats_mixed_groups.py --out /tmp/mixed
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forecast import load_pretrained, save_pretrained
from forecast._nbeats_io import round_to_storage
from forecast._nbeats_net import NBeatsNet
from forecast._nbeats_train import make_panel, sample_batch, train_net, validation_windows
from tools.train_nbeats_m3 import COMMON, OUT, load_training_parts

H, L = 18, 36


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", default="quarterly,other,yearly", help="extra training groups")
    ap.add_argument("--out", type=Path, required=True, help="folder of the two files")
    args = ap.parse_args()
    data = load_training_parts()
    xv, yv, mv, _, heads = validation_windows(data["monthly"], input_size=L, horizon=H, holdout=H)
    extra = [x for g in args.groups.split(",") if g for x in data[g] if x.size >= 13]
    panel = make_panel([*heads, *extra], input_size=L, horizon=H, min_input=12,
                       history_limit=COMMON["history_limit"])  # fmt: skip
    print(f"{len(heads)} monthly series + {len(extra)} of {args.groups}", flush=True)
    rng = np.random.default_rng([0, 0])
    net = NBeatsNet(input_size=L, horizon=H, stacks=("generic",), width=256, n_blocks=3,
                    n_layers=4, rng=rng)  # fmt: skip
    t0 = time.perf_counter()

    def progress(step: int, loss: float, val: float) -> None:
        print(f"step {step}: loss {loss:.4f} held-out {val:.4f} ({time.perf_counter() - t0:.0f} s)")

    res = train_net(
        net, lambda r: sample_batch(panel, COMMON["batch_size"], r, COMMON["p_truncate"]),
        (xv, yv, mv), steps=1500, eval_every=COMMON["eval_every"], patience=COMMON["patience"],
        lr=COMMON["learning_rate"], rng=rng, callback=progress,
    )  # fmt: skip
    round_to_storage(net)
    print(f"best step {res.at_step[res.best]}")
    for name, nets in (("net0", None), ("mixed", [net])):
        groups = load_pretrained(OUT)
        g = groups["monthly"]
        g.nets = [g.nets[0]] if nets is None else nets
        g.net_lookbacks, g.input_size = ((18, 24, 30, 36),), L
        path = save_pretrained(args.out / f"{name}.json", list(groups.values()), {"study": name})
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
