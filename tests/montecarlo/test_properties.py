"""Property tests: random series never give NaN probabilities nor foreign errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecast import make_model, model_names
from montecarlo import simulate_target, target_probability
from montecarlo.errors import MonteCarloError

#: Every monthly simulator of the one registry, plus variants its parameters allow.
FACTORIES = {
    **{n: (lambda n=n: make_model(n)) for n in model_names(forecaster=False)},
    "iid-lognorm": lambda: make_model("iid-normal", dist="lognorm"),
    "seasonal-share-trend": lambda: make_model("seasonal-share", trend=True),
    "seasonal-monthly-flat": lambda: make_model("seasonal-monthly", trend=False),
}

values = st.floats(min_value=-50, max_value=1e4, allow_nan=False, allow_infinity=False)


@st.composite
def series(draw):
    n = draw(st.one_of(st.integers(min_value=1, max_value=40), st.integers(36, 96)))
    start = draw(st.sampled_from([0, 0, 0, 3, 11]))
    kind = draw(st.sampled_from(["any", "positive", "constant", "rounded"]))
    if kind == "constant":
        v = [draw(values)] * n
    else:
        v = draw(st.lists(values, min_size=n, max_size=n))
        if kind == "positive":
            v = [abs(x) + 1e-3 for x in v]
        elif kind == "rounded":
            v = [round(x) for x in v]
    idx = pd.period_range(pd.Period("2001-01", freq="M") + start, periods=n, freq="M")
    return pd.Series(v, index=idx, dtype=float)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=series(),
    method=st.sampled_from(sorted(FACTORIES)),
    sampler=st.sampled_from(["plain", "antithetic", "sobol"]),
    target_shift=st.floats(min_value=-100, max_value=100),
    back=st.integers(min_value=1, max_value=11),
)
def test_random_series_give_a_probability_or_a_package_error(
    history, method, sampler, target_shift, back
):
    as_of = history.index[-1] - (back % len(history))
    ytd = history[history.index.year == as_of.year]
    target = float(ytd[: str(as_of)].sum() + target_shift)
    try:
        r = simulate_target(
            FACTORIES[method](), history, as_of=as_of, target=target, n_paths=64,
            sampler=sampler, rng=0,
        )  # fmt: skip
    except MonteCarloError:
        return
    assert 0.0 <= r.probability <= 1.0
    vals = [r.std_error, *r.ci, r.mean_total, r.expected_shortfall, *r.quantiles.values()]
    assert np.isfinite(vals).all()
    assert r.ci[0] <= r.probability <= r.ci[1]


@settings(max_examples=50, deadline=None)
@given(
    paths=st.lists(st.lists(values, min_size=3, max_size=3), min_size=1, max_size=30),
    actual=values,
    target=values,
)
def test_target_probability_is_never_nan(paths, actual, target):
    r = target_probability(np.array(paths), actual, target)
    assert 0.0 <= r.probability <= 1.0
    assert np.isfinite([r.std_error, *r.ci, r.expected_shortfall]).all()
