"""Sample weights: weighted losses (gradients, exact masking, errors) and nn.fit with them."""

from __future__ import annotations

import numpy as np
import pytest

from nn.callbacks import EarlyStopping
from nn.errors import NNTypeError, NNValueError
from nn.layers import Dense
from nn.losses import MSE, CategoricalCrossEntropy, HuberLoss, KLDivergence, get_loss
from nn.optimizers import SGD, Adam
from nn.training import fit, predict
from tests.nn.test_losses import _cases, central_differences

CASES = [pytest.param(*c, id=c[0]) for c in _cases()]


def _element_shape(loss, pred):
    """Shape of the loss elements: rows for the distribution losses, else every value."""
    distribution = isinstance(loss, CategoricalCrossEntropy | KLDivergence)
    return pred.shape[:-1] if distribution else pred.shape


@pytest.mark.parametrize("per_sample", [False, True], ids=["elementwise", "per_sample"])
@pytest.mark.parametrize(("name", "loss", "pred", "target"), CASES)
def test_weighted_gradient_matches_central_differences(name, loss, pred, target, per_sample):
    pred = pred.astype(np.float64)
    shape = _element_shape(loss, pred)
    r = np.random.default_rng(5)
    w = r.uniform(0.1, 2.0, size=shape[:1] if per_sample else shape)
    value = loss(pred, target, w)
    assert np.isfinite(value)
    grad = loss.backward()
    assert grad.shape == pred.shape
    num = central_differences(loss, pred, target, w)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8, err_msg=name)
    assert np.abs(grad).max() > 0


@pytest.mark.parametrize(("name", "loss", "pred", "target"), CASES)
def test_equal_weights_give_the_unweighted_loss(name, loss, pred, target):
    shape = _element_shape(loss, pred)
    plain, g_plain = loss.value_and_grad(pred, target)
    weighted, g_weighted = loss.value_and_grad(pred, target, np.full(shape, 2.5))
    assert weighted == pytest.approx(plain, rel=1e-12)
    np.testing.assert_allclose(g_weighted, g_plain, rtol=1e-12, atol=1e-15)


def test_zero_weights_ignore_those_targets_exactly():
    r = np.random.default_rng(0)
    pred, target = r.normal(size=(6, 4)), r.normal(size=(6, 4))
    mask = (r.uniform(size=(6, 4)) < 0.6).astype(float)
    garbage = np.where(mask > 0, target, 1e6 * r.normal(size=(6, 4)))
    for loss in (MSE(), HuberLoss(delta=0.5), get_loss("mae")):
        v1, g1 = loss.value_and_grad(pred, target, mask)
        v2, g2 = loss.value_and_grad(pred, garbage, mask)
        assert v1 == v2
        np.testing.assert_array_equal(g1, g2)
        assert (g1[mask == 0] == 0).all()
        # the mean over the kept targets only
        keep = mask > 0
        assert v1 == pytest.approx(loss(pred[keep], target[keep]), rel=1e-12)
        np.testing.assert_allclose(g1[keep], loss.backward() * keep.sum() / mask.sum(), rtol=1e-12)


def test_masked_mse_by_hand():
    p = np.array([[1.0, 2.0], [3.0, 5.0]])
    t = np.array([[0.0, 0.0], [1.0, 9.0]])
    w = np.array([[1.0, 0.0], [1.0, 1.0]])
    loss = MSE()
    assert loss(p, t, w) == pytest.approx((1 + 4 + 16) / 3)
    np.testing.assert_allclose(loss.backward(), [[2 / 3, 0.0], [4 / 3, -8 / 3]])
    # per-sample weights repeat over the row
    assert loss(p, t, np.array([0.0, 2.0])) == pytest.approx((4 + 16) / 2)


def test_all_zero_weights_give_zero_loss_and_gradient():
    loss = MSE()
    p = np.ones((3, 2), dtype=np.float32)
    assert loss(p, np.zeros((3, 2)), np.zeros(3)) == 0.0
    g = loss.backward()
    assert g.dtype == np.float32 and not g.any()


def test_float32_weighted_gradient_keeps_dtype():
    p = np.ones((4, 3), dtype=np.float32)
    w = np.ones((4, 3), dtype=np.float32)
    MSE()(p, np.zeros((4, 3), dtype=np.float32), w)
    assert MSE().value_and_grad(p, np.zeros_like(p), w)[1].dtype == np.float32


def test_bad_weights_name_the_parameter():
    p, t = np.zeros((3, 2)), np.ones((3, 2))
    with pytest.raises(NNValueError, match=r"'sample_weight' parameter of MSE.forward .*>= 0"):
        MSE()(p, t, np.array([1.0, -1.0, 1.0]))
    with pytest.raises(
        NNValueError, match=r"shape of the loss elements \(3, 2\).*Got shape \(2,\)"
    ):
        MSE()(p, t, np.ones(2))
    with pytest.raises(NNValueError, match=r"shape of the loss elements.*Got shape \(3, 2, 1\)"):
        MSE()(p, t, np.ones((3, 2, 1)))
    with pytest.raises(NNValueError, match="finite"):
        MSE()(p, t, np.array([1.0, np.nan, 1.0]))
    with pytest.raises(NNTypeError, match="sample_weight"):
        MSE()(p, t, np.array(["a", "b", "c"]))
    with pytest.raises(NNValueError, match=r"rows of class scores \(3,\)"):
        CategoricalCrossEntropy()(p, t / 2, np.ones((3, 2)))


# -- fit ------------------------------------------------------------------------------


def _data(n=40, seed=0):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, 3))
    y = X @ r.normal(size=(3, 2)) + 0.1 * r.normal(size=(n, 2))
    return X, y


def test_fit_with_integer_weights_equals_repeated_rows():
    X, y = _data()
    counts = np.random.default_rng(1).integers(0, 4, size=len(X))
    a, b = Dense(3, 2, rng=2), Dense(3, 2, rng=2)
    ha = fit(a, "mse", SGD(lr=0.1), X, y, sample_weight=counts, epochs=20, batch_size=None)
    rows = np.repeat(np.arange(len(X)), counts)
    hb = fit(b, "mse", SGD(lr=0.1), X[rows], y[rows], epochs=20, batch_size=None)
    np.testing.assert_allclose(a.params["weight"], b.params["weight"], rtol=1e-12)
    np.testing.assert_allclose(a.params["bias"], b.params["bias"], rtol=1e-12)
    np.testing.assert_allclose(ha.loss, hb.loss, rtol=1e-12)


def test_fit_with_a_mask_never_sees_the_masked_targets():
    X, y = _data()
    mask = (np.random.default_rng(3).uniform(size=y.shape) < 0.7).astype(float)
    noisy = np.where(mask > 0, y, 1e3)
    Xv, yv = X[:10] + 0.5, y[:10]
    wv = mask[:10]
    runs = []
    for target in (y, noisy):
        model = Dense(3, 2, rng=4)
        h = fit(
            model,
            "mse",
            Adam(lr=0.05),
            X,
            target,
            sample_weight=mask,
            epochs=15,
            batch_size=8,
            rng=0,
            validation=(Xv, np.where(wv > 0, yv, target[:10]), wv),
        )
        runs.append((h, model.params["weight"].copy()))
    assert runs[0][0].loss == runs[1][0].loss
    assert runs[0][0].val_loss == runs[1][0].val_loss
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    # the reported validation loss is the weighted loss of the final model
    assert runs[0][0].val_loss[-1] == pytest.approx(MSE()(predict(model, Xv), yv, wv))


def test_fit_validation_fraction_splits_the_weights():
    X, y = _data()
    w = np.random.default_rng(5).uniform(0.5, 1.5, size=len(X))
    model = Dense(3, 2, rng=6)
    h = fit(model, "mse", "sgd", X, y, sample_weight=w, validation=0.25, epochs=3, rng=0)
    assert h.val_loss[-1] == pytest.approx(MSE()(predict(model, X[30:]), y[30:], w[30:]))


def test_early_stopping_expresses_stop_after_more_than_p_bad_epochs():
    # "stop once more than p epochs in a row failed to beat best - 1e-9" is
    # EarlyStopping(patience=p + 1, min_delta=1e-9); best_epoch_ is 0-based
    X, y = _data()
    p = 2
    stop = EarlyStopping(patience=p + 1, min_delta=1e-9)
    h = fit(
        Dense(3, 2, rng=7),
        "mse",
        SGD(lr=3.0),
        X,
        y,
        validation=(X, y),
        epochs=50,
        batch_size=None,
        shuffle=False,
        callbacks=[stop],
    )
    best, best_epoch, wait, stopped = np.inf, 0, 0, None
    for epoch, loss in enumerate(h.val_loss):
        if loss < best - 1e-9:
            best, best_epoch, wait = loss, epoch + 1, 0
        else:
            wait += 1
            if wait > p:
                stopped = epoch
                break
    assert stopped is not None and stopped == h.stopped_epoch == len(h.val_loss) - 1
    assert stop.best_epoch_ + 1 == best_epoch


def test_fit_bad_weights_name_the_parameter():
    X, y = _data()
    m = Dense(3, 2, rng=0)
    with pytest.raises(
        NNValueError, match=r"'sample_weight' parameter of fit .*one row per sample \(40\)"
    ):
        fit(m, "mse", "sgd", X, y, sample_weight=np.ones(39))
    with pytest.raises(NNValueError, match=r"'sample_weight' parameter of fit .*>= 0"):
        fit(m, "mse", "sgd", X, y, sample_weight=-np.ones(40))
    with pytest.raises(NNValueError, match=r"'validation\[2\]' parameter of fit .*\(5\)"):
        fit(m, "mse", "sgd", X, y, validation=(X[:5], y[:5], np.ones(4)))
    with pytest.raises(NNTypeError, match="sample_weight_val"):
        fit(m, "mse", "sgd", X, y, validation=(X[:5],))
