"""Generate the optimizer parity fixtures ``tests/nn/fixtures/optim_*.npz`` with PyTorch.

Dev-only (imports torch 2.13 CPU; never imported by the package or the tests). Each
fixture holds a 20-step float64 trajectory of one ``torch.optim`` optimizer on a fixed
problem with three parameter tensors::

    f(W, b, v) = 0.5 * mean_rows ||X W^T + b - Y||^2
                 + sum_i (1 - v_i)^2 + 10 (v_{i+1} - v_i^2)^2      (Rosenbrock part)

The tests recompute the gradients analytically in NumPy, run :mod:`nn.optimizers` with
the mapped hyperparameters (``ours_name`` / ``ours_kwargs``) and compare every step at
1e-6 relative.

Run: ``python tools/make_torch_fixtures_optim.py``
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

N_STEPS = 20
OUT = Path(__file__).resolve().parents[1] / "tests" / "nn" / "fixtures"

# (case, torch class name, torch kwargs, nn optimizer name, nn kwargs)
CASES = [
    ("sgd", "SGD", {"lr": 0.005}, "sgd", {"lr": 0.005}),
    ("momentum", "SGD", {"lr": 0.005, "momentum": 0.9}, "momentum", {"lr": 0.005}),
    (
        "momentum_dampening",
        "SGD",
        {"lr": 0.02, "momentum": 0.8, "dampening": 0.3},
        "momentum",
        {"lr": 0.02, "momentum": 0.8, "dampening": 0.3},
    ),
    (
        "nesterov",
        "SGD",
        {"lr": 0.005, "momentum": 0.9, "nesterov": True},
        "nesterov",
        {"lr": 0.005},
    ),
    ("adagrad", "Adagrad", {"lr": 0.1}, "adagrad", {"lr": 0.1}),
    (
        "adagrad_decay",
        "Adagrad",
        {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.1, "eps": 1e-8},
        "adagrad",
        {"lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.1, "eps": 1e-8},
    ),
    ("adadelta", "Adadelta", {}, "adadelta", {}),
    (
        "adadelta_rho",
        "Adadelta",
        {"lr": 0.5, "rho": 0.8, "eps": 1e-4},
        "adadelta",
        {"lr": 0.5, "rho": 0.8, "eps": 1e-4},
    ),
    ("rmsprop", "RMSprop", {"lr": 0.01}, "rmsprop", {"lr": 0.01}),
    (
        "rmsprop_centered_momentum",
        "RMSprop",
        {"lr": 0.005, "momentum": 0.5, "centered": True, "alpha": 0.9},
        "rmsprop",
        {"lr": 0.005, "momentum": 0.5, "centered": True, "alpha": 0.9},
    ),
    ("adam", "Adam", {"lr": 0.05}, "adam", {"lr": 0.05}),
    (
        "adam_amsgrad",
        "Adam",
        {"lr": 0.05, "betas": (0.8, 0.99), "amsgrad": True},
        "adam",
        {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "amsgrad": True},
    ),
    ("nadam", "NAdam", {"lr": 0.05}, "nadam", {"lr": 0.05}),
    (
        "nadam_decay",
        "NAdam",
        {"lr": 0.02, "betas": (0.85, 0.995), "momentum_decay": 0.01},
        "nadam",
        {"lr": 0.02, "beta1": 0.85, "beta2": 0.995, "momentum_decay": 0.01},
    ),
    ("rprop", "Rprop", {"lr": 0.01}, "rprop", {"lr": 0.01}),
    (
        "rprop_bounds",
        "Rprop",
        {"lr": 0.05, "etas": (0.4, 1.3), "step_sizes": (0.01, 0.1)},
        "rprop",
        {"lr": 0.05, "eta_minus": 0.4, "eta_plus": 1.3, "step_min": 0.01, "step_max": 0.1},
    ),
]


def problem(seed: int = 20261123) -> dict[str, np.ndarray]:
    """The fixed data and starting point shared by every case."""
    rng = np.random.default_rng(seed)
    return {
        "X": rng.normal(size=(8, 4)),
        "Y": rng.normal(size=(8, 3)),
        "init_W": rng.normal(scale=0.5, size=(3, 4)),
        "init_b": rng.normal(scale=0.5, size=3),
        "init_v": rng.uniform(-1.0, 1.0, size=5),
    }


def objective(X, Y, W, b, v):
    r = X @ W.T + b - Y
    data = 0.5 * (r**2).sum() / X.shape[0]
    rosen = ((1 - v[:-1]) ** 2 + 10 * (v[1:] - v[:-1] ** 2) ** 2).sum()
    return data + rosen


def run(case: tuple) -> dict[str, np.ndarray]:
    name, cls_name, torch_kw, ours_name, ours_kw = case
    data = problem()
    X, Y = torch.tensor(data["X"]), torch.tensor(data["Y"])
    params = [
        torch.tensor(data[k]).clone().requires_grad_(True) for k in ("init_W", "init_b", "init_v")
    ]
    opt = getattr(torch.optim, cls_name)(params, **torch_kw)
    traj = {k: [p.detach().numpy().copy()] for k, p in zip("Wbv", params, strict=True)}
    losses = []
    for _ in range(N_STEPS):
        opt.zero_grad()
        loss = objective(X, Y, *params)
        loss.backward()
        losses.append(loss.item())
        opt.step()
        for k, p in zip("Wbv", params, strict=True):
            traj[k].append(p.detach().numpy().copy())
    out = dict(data)
    out.update({f"traj_{k}": np.stack(v) for k, v in traj.items()})
    out["losses"] = np.array(losses)
    out["case"] = np.array(name)
    out["torch_optimizer"] = np.array(cls_name)
    out["torch_kwargs"] = np.array(json.dumps(torch_kw))
    out["ours_name"] = np.array(ours_name)
    out["ours_kwargs"] = np.array(json.dumps(ours_kw))
    out["torch_version"] = np.array(torch.__version__)
    return out


def main() -> None:
    torch.set_default_dtype(torch.float64)
    OUT.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        arrays = run(case)
        path = OUT / f"optim_{case[0]}.npz"
        np.savez_compressed(path, **arrays)
        print(f"{path.name}: loss {arrays['losses'][0]:.4f} -> {arrays['losses'][-1]:.4f}")


if __name__ == "__main__":
    main()
