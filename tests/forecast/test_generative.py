"""The GAN and VAE target simulators: training vectors, gradients, seeds, answers, refusals.

References are independent of the simulators: the training vectors recomputed by hand
from the bundled series, :func:`nn.gradcheck`'s central differences for the VAE's whole
training gradient (reparameterisation included) and for the GAN's logit loss, and the
months of the bundled sample itself for the classic question's seasonal shape.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import ForecastValueError, GANSimulator, VAESimulator, make_model, model_spec
from forecast._gan import bce_logit_grads
from forecast._generative_data import training_windows
from forecast._vae import ConditionalVAE
from montecarlo import load_monthly_units
from nn import gradcheck

AS_OF = pd.Period("2015-09", freq="M")
SMALL = {"steps": 40, "hidden": 8}


@pytest.fixture(scope="module")
def units() -> pd.Series:
    return load_monthly_units()


def test_training_vectors_are_every_past_cutoffs_log_shares_of_its_year_to_date(units):
    w = training_windows(units, AS_OF, 3, scale="ytd", min_years=3, who="test")
    # cutoffs 2000-01 .. 2015-06 (the 3 months after each lie up to 2015-09): 186
    assert w.x.shape == (186, 3) and w.cond.shape == (186, 12) and w.same_month == 15
    v = units.to_numpy()
    # 2014-09: position 176; its year to date Jan-Sep 2014, the months Oct-Dec 2014
    share = np.log(v[177:180] / v[168:177].mean())
    septembers = [np.log(v[12 * y + 9 : 12 * y + 12] / v[12 * y : 12 * y + 9].mean())
                  for y in range(15)]  # fmt: skip
    np.testing.assert_allclose(w.centre[8], np.mean(septembers, axis=0), rtol=1e-12)
    row = np.flatnonzero(w.cond[:, 8])[-1]  # the last September, 2014
    np.testing.assert_allclose(w.x[row] * w.scale[8] + w.centre[8], share, rtol=1e-12)
    sd = np.std(septembers, axis=0, ddof=1)
    np.testing.assert_allclose(w.scale[8], sd, rtol=1e-12)
    # yoy: the error of last year's months times the year-to-date growth
    y = training_windows(units, AS_OF, 3, scale="yoy", min_years=3, who="test")
    base = v[165:168] * v[168:177].sum() / v[156:165].sum()
    row = np.flatnonzero(y.cond[:, 8])[-1]
    np.testing.assert_allclose(y.x[row] * y.scale[8] + y.centre[8], np.log(v[177:180] / base))


def test_vae_training_gradient_passes_gradcheck_reparameterisation_included():
    rng = np.random.default_rng(0)
    vae = ConditionalVAE(3, 12, 2, 5, 0.7, rng)
    cond = np.eye(12)[rng.integers(0, 12, 6)]
    batch = np.hstack([rng.standard_normal((6, 3)), cond, rng.standard_normal((6, 2))])
    result = gradcheck(vae, batch, rng=1)
    assert result.ok, result.errors
    assert "x" in result.errors  # data, condition and the reparameterisation draw
    assert len(result.errors) == 1 + 8  # x and 4 Dense layers x (weight, bias)


def test_gan_logit_loss_gradient_matches_central_differences():
    s = np.array([[-3.0], [-0.2], [0.0], [1.5], [40.0]])
    for label in (0.0, 0.9, 1.0):
        loss, grad = bce_logit_grads(s, label)
        num = np.empty_like(s)
        for i in range(s.size):
            up, down = s.copy(), s.copy()
            up[i] += 1e-6
            down[i] -= 1e-6
            num[i] = (bce_logit_grads(up, label)[0] - bce_logit_grads(down, label)[0]) / 2e-6
        np.testing.assert_allclose(grad, num, atol=1e-8)
        assert np.isfinite(loss)


@pytest.mark.parametrize("cls", [GANSimulator, VAESimulator])
def test_classic_question_paths_follow_the_season_and_the_seed(cls, units):
    sim = cls(hidden=8, steps=150).fit(units)
    a = sim.paths(AS_OF, 3, 4000, rng=1)
    b = cls(hidden=8, steps=150).fit(units).paths(AS_OF, 3, 4000, rng=1)
    np.testing.assert_array_equal(a, b)  # same random_state and rng: the same paths
    other = cls(hidden=8, steps=150, random_state=1).fit(units).paths(AS_OF, 3, 4000, rng=1)
    assert not np.array_equal(a, other)  # another training seed: other networks
    # October above November above December, as in every past year of the sample
    past = units.loc[:"2014-12"]
    oct_, nov, dec = (past[past.index.month == m].iloc[-5:].mean() for m in (10, 11, 12))
    mean = a.mean(axis=0)
    assert mean[0] > mean[1] > mean[2] and oct_ > nov > dec
    total = float(units.loc["2015-01":"2015-09"].sum()) + a.sum(axis=1)
    assert 176 < np.median(total) < 188  # 2015 ended at 185.24
    assert 0.5 < np.std(total) < 6


@pytest.mark.parametrize("name", ["gan", "vae"])
def test_registered_as_non_default_target_simulators_with_fast_parameters(name):
    spec = model_spec(name)
    assert not spec.forecaster and not spec.default and spec.fast_params
    assert isinstance(make_model(name), GANSimulator if name == "gan" else VAESimulator)


@pytest.mark.parametrize("cls", [GANSimulator, VAESimulator])
def test_too_few_past_years_names_the_minimum(cls, units):
    short = units.loc["2013-01":"2015-09"]  # the yoy base needs the year before: 2014-09 only
    with pytest.raises(ForecastValueError, match=r"at least 3 past years .* Got 1 "):
        cls(**SMALL).fit(short).paths(AS_OF, 3, 10, rng=0)
    with pytest.raises(ForecastValueError, match=r"at least 6 past years .* Got 1 "):
        cls(**SMALL, min_years=6).fit(short).paths(AS_OF, 3, 10, rng=0)


@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        ({"steps": 0}, r"'steps' parameter of GANSimulator must be .*>= 1.*Got 0"),
        ({"hidden": 2.5}, r"'hidden' parameter of GANSimulator"),
        ({"lr": -1.0}, r"'lr' parameter of GANSimulator"),
        ({"weight_decay": float("nan")}, r"'weight_decay' parameter of GANSimulator"),
        ({"instance_noise": -0.1}, r"'instance_noise' parameter of GANSimulator"),
        ({"scale": "level"}, r"'scale' parameter of GANSimulator must be one of .*'level'"),
        ({"min_years": 1}, r"'min_years' parameter of GANSimulator must be .*>= 2"),
        ({"random_state": -1}, r"'random_state' parameter of GANSimulator"),
    ],
)
def test_bad_hyperparameters_are_refused_naming_them(params, pattern, units):
    with pytest.raises((ValueError, TypeError), match=pattern):
        GANSimulator(**params).fit(units)


def test_vae_beta_and_non_positive_history_are_refused(units):
    with pytest.raises(ForecastValueError, match=r"'beta' parameter of VAESimulator"):
        VAESimulator(beta=0.0).fit(units)
    flat = units.copy()
    flat.loc["2015-01":] = 0.0  # no positive year to date in 2015
    with pytest.raises(ForecastValueError, match=r"positive base at 2015-09.*'history'"):
        VAESimulator(**SMALL).fit(flat).paths(AS_OF, 3, 10, rng=0)
    with pytest.raises(ForecastValueError, match=r"'history' from January of the year before"):
        VAESimulator(**SMALL, scale="yoy").fit(units).paths(AS_OF, 13, 10, rng=0)


@pytest.mark.parametrize("cls", [GANSimulator, VAESimulator])
def test_every_sampler_draws_the_latent_noise(cls, units):
    sim = cls(**SMALL).fit(units)
    anti = sim.paths(AS_OF, 3, 1000, rng=0, sampler="antithetic")
    sobol = sim.paths(AS_OF, 3, 1024, rng=0, sampler="sobol")
    plain = sim.paths(AS_OF, 3, 1000, rng=0)
    for p in (anti, sobol):
        assert np.isfinite(p).all()
        np.testing.assert_allclose(p.mean(axis=0), plain.mean(axis=0), rtol=0.02)
