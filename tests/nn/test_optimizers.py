"""Optimizers: parity with torch.optim trajectories, per-object state, noise, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nn.errors import NNTypeError, NNValueError
from nn.optimizers import SGD, Adam, Optimizer, Rprop, get_optimizer

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("optim_*.npz"))


def _grads(X, Y, W, b, v):
    """Analytic gradient of the fixture objective (see tools/make_torch_fixtures_optim.py)."""
    n = X.shape[0]
    r = X @ W.T + b - Y
    gW = r.T @ X / n
    gb = r.sum(axis=0) / n
    gv = np.zeros_like(v)
    u = v[1:] - v[:-1] ** 2
    gv[:-1] += -2 * (1 - v[:-1]) - 40 * u * v[:-1]
    gv[1:] += 20 * u
    return [gW, gb, gv]


def test_fixtures_present_for_every_optimizer():
    names = {str(np.load(f, allow_pickle=False)["ours_name"]) for f in FIXTURES}
    expected = {"sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam"}
    assert names >= expected | {"nadam", "rprop"}


def test_analytic_gradient_matches_central_differences():
    d = np.load(FIXTURES[0], allow_pickle=False)
    X, Y = d["X"], d["Y"]
    params = [d["init_W"].copy(), d["init_b"].copy(), d["init_v"].copy()]

    def f(ps):
        W, b, v = ps
        r = X @ W.T + b - Y
        return (
            0.5 * (r**2).sum() / len(X)
            + ((1 - v[:-1]) ** 2 + 10 * (v[1:] - v[:-1] ** 2) ** 2).sum()
        )

    assert np.isclose(f(params), float(d["losses"][0]), rtol=1e-12)
    grads = _grads(X, Y, *params)
    for p, g in zip(params, grads, strict=True):
        num = np.zeros_like(p)
        for i in np.ndindex(p.shape):
            old = p[i]
            p[i] = old + 1e-6
            fp = f(params)
            p[i] = old - 1e-6
            fm = f(params)
            p[i] = old
            num[i] = (fp - fm) / 2e-6
        np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_trajectory_matches_torch(path):
    d = np.load(path, allow_pickle=False)
    opt = get_optimizer(str(d["ours_name"]), **json.loads(str(d["ours_kwargs"])))
    X, Y = d["X"], d["Y"]
    params = [d["init_W"].copy(), d["init_b"].copy(), d["init_v"].copy()]
    ids = [id(p) for p in params]
    n_steps = d["traj_W"].shape[0] - 1
    assert n_steps == 20
    for t in range(1, n_steps + 1):
        opt.step(params, _grads(X, Y, *params))
        for key, p in zip("Wbv", params, strict=True):
            np.testing.assert_allclose(
                p, d[f"traj_{key}"][t], rtol=1e-6, atol=1e-12, err_msg=f"{path.stem} step {t}"
            )
    assert [id(p) for p in params] == ids  # updated in place
    # the trajectory really moved (a no-op optimizer cannot pass)
    assert not np.allclose(params[0], d["init_W"])


def test_state_is_per_object_not_per_name():
    # two parameters with equal values and the same position in different calls
    a, b = np.ones(3), np.ones(3)
    opt = Adam(lr=0.1)
    opt.step([a], [np.full(3, 1.0)])
    opt.step([b], [np.full(3, -1.0)])
    # b's first step is a fresh Adam step: exactly -lr * sign(g)
    np.testing.assert_allclose(b, 1.1, rtol=1e-7)
    np.testing.assert_allclose(a, 0.9, rtol=1e-7)
    opt.step([a], [np.full(3, 1.0)])
    # a's second step reuses its own moments (m = v**0.5 -> step = lr again)
    np.testing.assert_allclose(a, 0.8, rtol=1e-6)


def test_float32_parameters_stay_float32():
    w = np.ones(4, dtype=np.float32)
    for name in [
        "sgd",
        "momentum",
        "nesterov",
        "adagrad",
        "adadelta",
        "rmsprop",
        "adam",
        "nadam",
        "rprop",
    ]:
        opt = get_optimizer(name)
        opt.step([w], [np.full(4, 0.5, dtype=np.float32)])
        opt.step([w], [np.full(4, 0.5, dtype=np.float32)])
        assert w.dtype == np.float32
        assert np.all(w < 1.0), name


def test_rprop_uses_eta_plus_then_eta_minus():
    w = np.zeros(1)
    opt = Rprop(lr=0.1)
    opt.step([w], [np.array([1.0])])  # step 0.1
    opt.step([w], [np.array([1.0])])  # same sign: 0.12
    np.testing.assert_allclose(w, [-0.22])
    opt.step([w], [np.array([-1.0])])  # sign flip: step halves to 0.06, no move
    np.testing.assert_allclose(w, [-0.22])
    opt.step([w], [np.array([-1.0])])  # previous grad was zeroed -> factor 1: +0.06
    np.testing.assert_allclose(w, [-0.16])


def test_gradient_noise_variance_anneals_as_in_neelakantan():
    eta, gamma, n = 0.3, 0.55, 20000
    opt = SGD(lr=1.0, grad_noise=eta, noise_gamma=gamma, rng=0)
    deltas = []
    for _ in range(3):
        w = np.zeros(n)
        opt.step([w], [np.zeros(n)])
        deltas.append(-w)
    for t, d in enumerate(deltas):
        expected = eta / (1.0 + t) ** gamma
        assert abs(d.var() / expected - 1) < 0.05, t
        assert abs(d.mean()) < 4 * np.sqrt(expected / n)
    # seeded: same noise again
    opt2 = SGD(lr=1.0, grad_noise=eta, noise_gamma=gamma, rng=0)
    w = np.zeros(n)
    opt2.step([w], [np.zeros(n)])
    np.testing.assert_array_equal(-w, deltas[0])


def test_grads_are_not_modified():
    w, g = np.ones(3), np.full(3, 0.5)
    Adam(grad_noise=0.1, rng=1).step([w], [g])
    np.testing.assert_array_equal(g, 0.5)


def test_reset_forgets_state():
    w = np.zeros(2)
    opt = Rprop(lr=0.1)
    opt.step([w], [np.ones(2)])
    opt.step([w], [np.ones(2)])
    opt.reset()
    assert opt.iterations_ == 0
    before = w.copy()
    opt.step([w], [np.ones(2)])
    np.testing.assert_allclose(before - w, 0.1)


def test_get_optimizer_unknown_name_lists_valid_names():
    with pytest.raises(NNValueError, match="'name'.*adam.*rprop.*Got 'adamw'"):
        get_optimizer("adamw")
    with pytest.raises(NNTypeError, match="'name'"):
        get_optimizer(3)
    with pytest.raises(NNTypeError, match="momentum_x"):
        get_optimizer("sgd", momentum_x=0.5)
    opt = Adam()
    assert get_optimizer(opt) is opt
    assert isinstance(get_optimizer("RMSprop"), Optimizer)


@pytest.mark.parametrize(
    ("name", "kwargs", "param"),
    [
        ("sgd", {"lr": -1.0}, "lr"),
        ("sgd", {"lr": float("nan")}, "lr"),
        ("momentum", {"momentum": 1.0}, "momentum"),
        ("adam", {"beta1": 1.0}, "beta1"),
        ("adam", {"beta2": -0.1}, "beta2"),
        ("adagrad", {"eps": -1e-3}, "eps"),
        ("rprop", {"eta_plus": 0.9}, "eta_plus"),
        ("rprop", {"eta_minus": 1.5}, "eta_minus"),
        ("rmsprop", {"alpha": 2.0}, "alpha"),
        ("adadelta", {"rho": 1.5}, "rho"),
        ("nadam", {"momentum_decay": -1.0}, "momentum_decay"),
        ("sgd", {"grad_noise": -1.0}, "grad_noise"),
    ],
)
def test_bad_hyperparameters_name_the_parameter(name, kwargs, param):
    opt = get_optimizer(name, **kwargs)  # stored unchanged, validated at step
    assert getattr(opt, param) == kwargs[param] or np.isnan(kwargs[param])
    with pytest.raises(NNValueError, match=f"'{param}' parameter of"):
        opt.step([np.zeros(2)], [np.zeros(2)])


def test_step_errors_name_the_problem():
    opt = SGD()
    with pytest.raises(NNValueError, match="one gradient per parameter"):
        opt.step([np.zeros(2)], [])
    with pytest.raises(NNValueError, match=r"shape \(3,\).*shape \(2,\)"):
        opt.step([np.zeros(2)], [np.zeros(3)])
    with pytest.raises(NNTypeError, match="floating ndarrays"):
        opt.step([[0.0, 1.0]], [np.zeros(2)])
    with pytest.raises(NNTypeError, match="floating ndarrays"):
        opt.step([np.zeros(2, dtype=int)], [np.zeros(2)])
