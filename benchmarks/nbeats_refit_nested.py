"""Nested check, M3 monthly training parts only: does training on the last months help N-BEATS?

A study script (it writes nothing; the test parts ``xx`` are never read). The shipped
networks never train on the last 18 months of each training part ``x`` (early stopping and
the paths' error pool use them). Whether they should is checked one level down: every
training part with at least 49 values is cut into an *inner* part ``x[:-18]`` and an *outer*
window ``x[-18:]``. One monthly network as shipped (input 36, width 256, lookbacks
18/24/30/36, seed 0) is trained on the inner parts with early stopping on their own last
18 months, then scored on the outer windows; then copies of it go on training on windows
that reach the end of the inner parts (so the months early stopping watched are trained on)
for ``steps`` Adam steps at ``lr``, three continuation seeds each, and a new network is
trained from scratch on those windows for the early-stopping step count (two seeds).

Run 2026-12-04 (``python benchmarks/nbeats_refit_nested.py``, ~7 min on an idle 2-core
machine): outer sMAPE of the early-stopped network 14.54; continued 200 steps at 3e-4
14.44 (mean of 3 seeds), 400 steps at 3e-4 14.38 (14.34-14.44), 400 at 1e-4 14.38; from
scratch 14.98 and 14.32. Not shipped: AutoForecaster weighs its members by their errors
on the last 18 months of the series, which for M3 training parts would then be in-sample
for the global model (see BENCHMARKS.md, section nbeats_m3).

Usage::

    python benchmarks/nbeats_refit_nested.py
"""

from __future__ import annotations

import copy
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forecast import pretrain_nbeats
from forecast._nbeats_io import round_to_storage
from forecast._nbeats_net import NBeatsNet
from forecast._nbeats_train import make_panel, sample_batch, train_net, validation_windows
from forecast.nbeats_pretrain import _holdout_smape
from tools.train_nbeats_m3 import COMMON, load_training_parts

H, L = 18, 36


def main() -> None:
    xs = [x for x in load_training_parts()["monthly"] if x.size >= 12 + 2 * H + 1]
    inner = [x[:-H] for x in xs]
    t0 = time.perf_counter()
    g = pretrain_nbeats(
        inner, name="monthly", horizon=H, input_size=L, min_input=12, season_length=12,
        width=256, n_blocks=3, n_models=1, steps=1500, lookbacks=[18, 24, 30, 36],
        aggregate="mean", random_state=0, **COMMON,
    )  # fmt: skip
    xo, yo, mo, so, _ = validation_windows(xs, input_size=L, horizon=H, holdout=H)

    def outer(nets: list[NBeatsNet] | None = None) -> float:
        return _holdout_smape(g.forecast(xo, nets), xo, yo, mo, so)[1]

    def trained(net: NBeatsNet, steps: int, lr: float, seed: list[int]) -> NBeatsNet:
        train_net(net, lambda r: sample_batch(panel, COMMON["batch_size"], r, 0.3), None,
                  steps=steps, eval_every=100, patience=0, lr=lr,
                  rng=np.random.default_rng(seed))  # fmt: skip
        round_to_storage(net)
        return net

    print(f"{len(xs)} series; early-stopped at step {g.info['best_step'][0]}: "
          f"outer sMAPE {outer():.3f}", flush=True)  # fmt: skip
    panel = make_panel(inner, input_size=L, horizon=H, min_input=12, history_limit=10)
    for lr, steps in ((3e-4, 200), (3e-4, 400), (1e-4, 400)):
        scores = [outer([trained(copy.deepcopy(g.nets[0]), steps, lr, [s, 99])]) for s in (1, 2, 3)]
        print(f"continued {steps} steps at lr {lr}: outer sMAPE {np.mean(scores):.3f} "
              f"({', '.join(f'{v:.3f}' for v in scores)})", flush=True)  # fmt: skip
    for seed in (0, 1):
        net = NBeatsNet(input_size=L, horizon=H, stacks=("generic",), width=256, n_blocks=3,
                        n_layers=4, rng=np.random.default_rng([0, seed]))  # fmt: skip
        score = outer([trained(net, g.info["best_step"][0], 1e-3, [0, seed])])
        print(f"from scratch, seed {seed}: outer sMAPE {score:.3f}", flush=True)
    print(f"{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
