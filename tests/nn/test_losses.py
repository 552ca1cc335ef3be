"""Losses: central-difference gradient checks, independent reference values, errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from nn.errors import NNTypeError, NNValueError
from nn.losses import (
    MAE,
    MAPE,
    MSE,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    HingeLoss,
    HuberLoss,
    KLDivergence,
    Loss,
    PinballLoss,
    get_loss,
)

RNG = np.random.default_rng(42)


def central_differences(loss, pred, target, *weights, h=1e-6):
    """Numerical gradient of ``loss.forward(pred, target, *weights)`` w.r.t. ``pred``."""
    num = np.zeros_like(pred)
    for i in np.ndindex(pred.shape):
        pp, pm = pred.copy(), pred.copy()
        pp[i] += h
        pm[i] -= h
        num[i] = (loss.forward(pp, target, *weights) - loss.forward(pm, target, *weights)) / (2 * h)
    return num


def _cases():
    r = np.random.default_rng(3)
    pred = r.normal(size=(5, 3))
    target = r.normal(size=(5, 3))
    probs = special.softmax(r.normal(size=(5, 4)), axis=-1)
    tprobs = special.softmax(r.normal(size=(5, 4)), axis=-1)
    p01 = r.uniform(0.05, 0.95, size=(6, 2))
    t01 = r.uniform(0, 1, size=(6, 2))
    labels = r.choice([-1.0, 1.0], size=(7,))
    return [
        ("mse", MSE(), pred, target),
        ("mae", MAE(), pred, target),
        ("huber", HuberLoss(delta=0.7), pred, target),
        ("mape", MAPE(), pred, target + np.sign(target) * 0.5),
        ("bce_probs", BinaryCrossEntropy(), p01, t01),
        ("bce_logits", BinaryCrossEntropy(from_logits=True), 3 * pred[:, :2], t01[:5]),
        ("cce_logits", CategoricalCrossEntropy(), r.normal(size=(5, 4)), tprobs),
        ("cce_logits_idx", CategoricalCrossEntropy(), r.normal(size=(6, 4)), r.integers(0, 4, 6)),
        ("cce_probs", CategoricalCrossEntropy(from_logits=False), probs, tprobs),
        ("kl_probs", KLDivergence(), probs, tprobs),
        ("kl_logits", KLDivergence(from_logits=True), r.normal(size=(5, 4)), tprobs),
        ("hinge", HingeLoss(), 2 * r.normal(size=7), labels),
        ("pinball", PinballLoss(quantiles=[0.1, 0.5, 0.9]), pred, target[:, 0]),
        ("pinball_col", PinballLoss(quantiles=(0.25, 0.75)), pred[:, :2], target[:, :1]),
    ]


@pytest.mark.parametrize(
    ("name", "loss", "pred", "target"), [pytest.param(*c, id=c[0]) for c in _cases()]
)
def test_gradient_matches_central_differences(name, loss, pred, target):
    pred = pred.astype(np.float64)
    value = loss(pred, target)
    assert np.isfinite(value)
    grad = loss.backward()
    assert grad.shape == pred.shape
    num = central_differences(loss, pred, target)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8, err_msg=name)
    assert np.abs(grad).max() > 0


def test_reference_values():
    p = np.array([0.5, 2.0, -1.0])
    t = np.array([0.0, 0.0, 1.0])
    assert MSE()(p, t) == pytest.approx((0.25 + 4 + 4) / 3)
    assert MAE()(p, t) == pytest.approx((0.5 + 2 + 2) / 3)
    # Huber with delta 1: 0.5*0.25, 1*(2-0.5), 1*(2-0.5)
    assert HuberLoss()(p, t) == pytest.approx((0.125 + 1.5 + 1.5) / 3)
    assert MAPE()(np.array([110.0, 45.0]), np.array([100.0, 50.0])) == pytest.approx(10.0)


def test_cross_entropies_against_scipy():
    r = np.random.default_rng(0)
    z = r.normal(size=(4, 5)) * 3
    t = special.softmax(r.normal(size=(4, 5)), axis=-1)
    ref = -(t * special.log_softmax(z, axis=-1)).sum() / 4
    assert CategoricalCrossEntropy()(z, t) == pytest.approx(ref, rel=1e-12)
    idx = np.array([0, 4, 2, 2])
    ref_idx = -special.log_softmax(z, axis=-1)[np.arange(4), idx].mean()
    assert CategoricalCrossEntropy()(z, idx) == pytest.approx(ref_idx, rel=1e-12)
    p = special.softmax(z, axis=-1)
    assert CategoricalCrossEntropy(from_logits=False)(p, t) == pytest.approx(ref, rel=1e-6)
    kl = special.rel_entr(t, p).sum() / 4
    assert KLDivergence()(p, t) == pytest.approx(kl, rel=1e-6)
    assert KLDivergence(from_logits=True)(z, t) == pytest.approx(kl, rel=1e-10)
    zb = r.normal(size=10) * 4
    tb = r.uniform(size=10)
    ref_b = -np.mean(tb * special.log_expit(zb) + (1 - tb) * special.log_expit(-zb))
    assert BinaryCrossEntropy(from_logits=True)(zb, tb) == pytest.approx(ref_b, rel=1e-12)
    assert BinaryCrossEntropy()(special.expit(zb), tb) == pytest.approx(ref_b, rel=1e-5)


def test_logit_losses_are_stable_for_huge_logits():
    z = np.array([[1000.0, -1000.0, 0.0]])
    loss = CategoricalCrossEntropy()
    assert loss(z, np.array([0])) == pytest.approx(0.0, abs=1e-12)
    assert loss(z, np.array([1])) == pytest.approx(2000.0)
    assert np.all(np.isfinite(loss.backward()))
    bce = BinaryCrossEntropy(from_logits=True)
    assert bce(np.array([800.0, -800.0]), np.array([0.0, 1.0])) == pytest.approx(800.0)
    np.testing.assert_allclose(bce.backward(), [0.5, -0.5])


def test_hinge_accepts_zero_one_labels():
    p = np.array([0.3, -2.0, 0.5])
    assert HingeLoss()(p, np.array([1, 0, 0])) == pytest.approx(HingeLoss()(p, [1, -1, -1]))
    assert HingeLoss()(p, np.array([1.0, -1.0, -1.0])) == pytest.approx((0.7 + 0 + 1.5) / 3)


def test_pinball_minimiser_is_the_quantile():
    # the constant prediction minimising the pinball loss is the empirical quantile (unique
    # when n * q is not an integer; the minimum sits on a data point)
    r = np.random.default_rng(5)
    y = r.gamma(2.0, size=101)
    qs = [0.1, 0.5, 0.9]
    loss = PinballLoss(quantiles=qs)
    best = []
    for j in range(len(qs)):
        pred = np.tile(np.quantile(y, qs), (y.size, 1))
        vals = []
        for c in y:
            pred[:, j] = c
            vals.append(loss(pred, y))
        best.append(y[int(np.argmin(vals))])
    np.testing.assert_array_equal(best, np.quantile(y, qs, method="inverted_cdf"))


def test_float32_gradient_keeps_dtype():
    p = np.ones((3, 2), dtype=np.float32)
    MSE()(p, np.zeros((3, 2), dtype=np.float32))
    assert MSE().value_and_grad(p, np.zeros_like(p))[1].dtype == np.float32


def test_shape_mismatch_names_shapes():
    with pytest.raises(NNValueError, match=r"'target'.*\(4, 1\).*\(4,\)"):
        MSE()(np.zeros((4, 1)), np.zeros(4))
    with pytest.raises(NNValueError, match=r"\(3, 5\).*\(3,\).*Got shape \(3, 4\)"):
        CategoricalCrossEntropy()(np.zeros((3, 5)), np.zeros((3, 4)))
    with pytest.raises(NNValueError, match="integers in \\[0, 4\\]"):
        CategoricalCrossEntropy()(np.zeros((3, 5)), np.array([0, 5, 1]))
    with pytest.raises(NNValueError, match="'pred'.*3 columns"):
        PinballLoss()(np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(NNValueError, match="'target'"):
        PinballLoss()(np.zeros((4, 3)), np.zeros(5))


def test_bad_values_name_the_parameter():
    with pytest.raises(NNValueError, match="'target'.*\\[0, 1\\]"):
        BinaryCrossEntropy()(np.full(2, 0.5), np.array([0.0, 2.0]))
    with pytest.raises(NNValueError, match="'pred'.*probabilities"):
        BinaryCrossEntropy()(np.array([1.5, 0.5]), np.array([0.0, 1.0]))
    with pytest.raises(NNValueError, match="'target'.*labels"):
        HingeLoss()(np.zeros(3), np.array([0.0, 2.0, 1.0]))
    with pytest.raises(NNValueError, match="'quantiles'"):
        PinballLoss(quantiles=[0.5, 1.0])(np.zeros((2, 2)), np.zeros(2))
    with pytest.raises(NNValueError, match="'delta'"):
        HuberLoss(delta=0)(np.zeros(2), np.zeros(2))
    with pytest.raises(NNTypeError, match="'pred'"):
        MSE()(np.array(["a", "b"]), np.zeros(2))
    with pytest.raises(NNValueError, match="before forward"):
        MSE().backward()


def test_get_loss():
    assert isinstance(get_loss("MSE"), MSE)
    assert get_loss("pinball", quantiles=[0.2]).quantiles == [0.2]
    loss = HuberLoss()
    assert get_loss(loss) is loss
    with pytest.raises(NNValueError, match="'name'.*huber.*Got 'l2'"):
        get_loss("l2")
    with pytest.raises(NNTypeError, match="'name'"):
        get_loss(None)
    assert all(isinstance(get_loss(n), Loss) for n in ["mae", "hinge", "kl_divergence"])
