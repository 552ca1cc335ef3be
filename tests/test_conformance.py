"""The conformance suite: every registered model passes the same checks of the one contract.

The pattern of scikit-learn's ``parametrize_with_checks``: one test per (model, check),
parametrised over :func:`forecast.model_names` - a model registered tomorrow is checked
the day it is registered, and a model that fails a check fails CI. Models run with their
registered fast parameters (``make_model(name, fast=True)``: small networks, few members).

Checks: fit returns self; get_params round-trips and clone gives an unfitted equal; an
unknown hyperparameter and a model used before fit are refused; same seed -> identical
paths, another seed -> different paths; paths of shape (n, horizon), finite, float64; the
months after as_of never change the paths; a sampler the model cannot use is refused by
name; ``forecast(y, h)`` equals ``fit(y).predict(h)`` for forecasters; NaN in the history,
an empty history, an unsorted and a gapped index each raise the package's error naming
'history'.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import Forecaster, ForecastError, make_model, model_names, model_spec
from kernel import NotFittedError
from montecarlo import MonteCarloError, Simulator, load_monthly_units

NAMES = model_names()
AS_OF = pd.Period("2014-09", freq="M")
HORIZON = 3


@pytest.fixture(scope="module")
def history() -> pd.Series:
    return load_monthly_units().loc["2006-01":"2014-12"]


_FITTED: dict[str, Simulator] = {}


def fitted(name: str, history: pd.Series) -> Simulator:
    """One fitted model per name, shared by the checks that only read it."""
    if name not in _FITTED:
        _FITTED[name] = make_model(name, fast=True).fit(history)
    return _FITTED[name]


def test_every_model_is_registered_once_with_a_description():
    assert len(NAMES) == len(set(NAMES)) >= 17
    for name in NAMES:
        spec = model_spec(name)
        assert spec.name == name and spec.description and spec.label
        model = make_model(name)
        assert isinstance(model, Simulator)
        assert isinstance(model, Forecaster) == spec.forecaster


@pytest.mark.parametrize("name", NAMES)
def test_fit_returns_self_and_params_round_trip(name, history):
    model = make_model(name, fast=True)
    params = model.get_params()
    assert model.fit(history) is model and model.is_fitted
    assert model.get_params() == params  # fit never changes a hyperparameter
    twin = model.clone()
    assert type(twin) is type(model) and twin.get_params() == params and not twin.is_fitted
    assert type(model)(**params).get_params() == params
    assert twin.set_params(**params) is twin
    with pytest.raises(ValueError, match="'no_such_thing' parameter is not a hyperparameter"):
        twin.set_params(no_such_thing=1)


@pytest.mark.parametrize("name", NAMES)
def test_paths_before_fit_raise_not_fitted(name):
    with pytest.raises(NotFittedError, match="not fitted yet: call fit"):
        make_model(name, fast=True).paths(AS_OF, HORIZON, 10, rng=0)


@pytest.mark.parametrize("name", NAMES)
def test_paths_are_seeded_finite_float64_of_the_stated_shape(name, history):
    model = fitted(name, history)
    a = model.paths(AS_OF, HORIZON, 200, rng=3)
    b = model.paths(AS_OF, HORIZON, 200, rng=np.random.default_rng(3))
    c = model.paths(AS_OF, HORIZON, 200, rng=4)
    assert a.shape == (200, HORIZON) and a.dtype == np.float64 and np.isfinite(a).all()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    end = model.paths(None, 2, 50, rng=0)
    assert end.shape == (50, 2) and np.isfinite(end).all()


@pytest.mark.parametrize("name", NAMES)
def test_the_months_after_as_of_never_change_the_paths(name, history):
    changed = history.copy()
    changed.loc[AS_OF + 1 :] *= 3.0
    a = fitted(name, history).paths(AS_OF, HORIZON, 100, rng=5)
    b = make_model(name, fast=True).fit(changed).paths(AS_OF, HORIZON, 100, rng=5)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", NAMES)
def test_a_sampler_the_model_cannot_use_is_refused_by_name(name, history):
    model = fitted(name, history)
    unsupported = [s for s in ("plain", "antithetic", "sobol") if s not in model.samplers]
    assert "plain" in model.samplers
    for sampler in unsupported:
        with pytest.raises(ValueError, match=f"'sampler'.*Got '{sampler}'"):
            model.paths(AS_OF, HORIZON, 64, rng=0, sampler=sampler)
    for sampler in model.samplers:
        out = model.paths(AS_OF, HORIZON, 64, rng=0, sampler=sampler)
        assert out.shape == (64, HORIZON) and np.isfinite(out).all()


@pytest.mark.parametrize("name", model_names(forecaster=True))
def test_forecast_equals_fit_predict(name, history):
    model = make_model(name, fast=True)
    a = model.forecast(history, 4)
    b = fitted(name, history).predict(4)
    pd.testing.assert_frame_equal(a, b)
    assert not model.is_fitted  # forecast() leaves the model itself untouched


def _bad_histories(history: pd.Series) -> dict[str, pd.Series]:
    nan = history.copy()
    nan.iloc[40] = np.nan
    return {
        "nan": nan,
        "empty": history.iloc[:0],
        "unsorted": history.iloc[::-1],
        "gapped": history.drop(history.index[50]),
    }


@pytest.mark.parametrize("case", ["nan", "empty", "unsorted", "gapped"])
@pytest.mark.parametrize("name", NAMES)
def test_bad_history_raises_the_package_error_naming_history(name, case, history):
    bad = _bad_histories(history)[case]
    with pytest.raises((MonteCarloError, ForecastError)) as info:
        make_model(name, fast=True).fit(bad)
    assert isinstance(info.value, ValueError | TypeError)
    assert "'history'" in str(info.value)
