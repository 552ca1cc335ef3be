from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import AnalyticsTypeError, AnalyticsValueError, OnlineLinearRegression
from analytics.datasets import load_ex1data1


@pytest.fixture(scope="module")
def ex1() -> tuple[pd.DataFrame, pd.Series]:
    df = load_ex1data1()
    return df[["population_10k"]], df["profit_10k"]


def _ridge_reference(X, y, l2=0.0, weights=None, fit_intercept=True):
    """Independent reference: weighted ridge by augmented least squares (numpy lstsq)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    A = np.hstack([np.ones((len(X), 1)), X]) if fit_intercept else X
    if weights is not None:
        sw = np.sqrt(weights)
        A, y = A * sw[:, None], y * sw
    k = A.shape[1]
    pen = np.sqrt(l2) * np.eye(k)
    if fit_intercept:
        pen[0, 0] = 0.0
    theta = np.linalg.lstsq(np.vstack([A, pen]), np.concatenate([y, np.zeros(k)]), rcond=None)[0]
    return theta


# ---------------------------------------------------------------- the classic exercise
def test_ex1_cost_at_zero_and_gradient_descent_numbers(ex1) -> None:
    X, y = ex1
    model = OnlineLinearRegression(method="sgd", learning_rate=0.01).fit(X, y, iterations=1500)
    # Published numbers of the exercise: J(0) = 32.07, theta = (-3.6303, 1.1664).
    assert model.cost_history_[0] == pytest.approx(32.07, abs=0.005)
    assert len(model.cost_history_) == 1501
    assert np.all(np.diff(model.cost_history_) < 0)
    assert model.intercept_ == pytest.approx(-3.6303, abs=5e-5)
    assert model.coef_[0] == pytest.approx(1.1664, abs=5e-5)
    profit = model.predict([3.5, 7.0]) * 10_000
    assert profit[0] == pytest.approx(4520, abs=1)
    assert profit[1] == pytest.approx(45342, abs=1)
    assert model.cost(X, y) == pytest.approx(model.cost_history_[-1], rel=1e-12)


def test_cost_at_theta_zero_via_zero_iterations(ex1) -> None:
    X, y = ex1
    model = OnlineLinearRegression(method="sgd").fit(X, y, iterations=0)
    assert model.coef_[0] == 0.0 and model.intercept_ == 0.0
    assert model.cost(X, y) == pytest.approx(32.0727, abs=1e-4)
    assert model.cost(X, y) == pytest.approx(np.mean(y.to_numpy() ** 2) / 2, rel=1e-12)


def test_rls_gives_the_ols_solution_on_ex1(ex1) -> None:
    X, y = ex1
    batch = OnlineLinearRegression(method="rls").fit(X, y)
    assert batch.intercept_ == pytest.approx(-3.8958, abs=5e-5)
    assert batch.coef_[0] == pytest.approx(1.1930, abs=5e-5)
    stream = OnlineLinearRegression()
    for xi, yi in zip(X.to_numpy(), y.to_numpy(), strict=True):
        stream.partial_fit(xi, yi)
    ref = _ridge_reference(X, y)
    assert stream.n_samples_seen_ == 97
    np.testing.assert_allclose([stream.intercept_, stream.coef_[0]], ref, rtol=0, atol=1e-10)
    np.testing.assert_allclose([batch.intercept_, batch.coef_[0]], ref, rtol=0, atol=1e-10)


# ---------------------------------------------------------------- RLS is exact
@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    p=st.integers(1, 4),
    n=st.integers(12, 60),
    cuts=st.lists(st.floats(0.0, 1.0), max_size=6),
    l2=st.sampled_from([0.0, 0.5, 7.0]),
    fit_intercept=st.booleans(),
    start_with_fit=st.booleans(),
)
def test_rls_equals_batch_ridge_after_any_split(
    seed, p, n, cuts, l2, fit_intercept, start_with_fit
) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.1, 10, size=p) + rng.normal(size=p)
    y = X @ rng.normal(size=p) + 3.0 + rng.normal(size=n)
    bounds = sorted({0, n, *(int(c * n) for c in cuts)})
    model = OnlineLinearRegression(l2=l2, fit_intercept=fit_intercept)
    for i, (a, b) in enumerate(itertools.pairwise(bounds)):
        if a == b:
            continue
        if i == 0 and start_with_fit:
            model.fit(X[a:b], y[a:b])
        else:
            model.partial_fit(X[a:b], y[a:b])
        k = p + int(fit_intercept)
        if b >= k + 3 or l2 > 0:
            ref = _ridge_reference(X[:b], y[:b], l2=l2, fit_intercept=fit_intercept)
            got = (
                np.concatenate([[model.intercept_], model.coef_]) if fit_intercept else model.coef_
            )
            np.testing.assert_allclose(got, ref, rtol=0, atol=1e-8)
    assert model.n_samples_seen_ == n


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    cuts=st.lists(st.floats(0.0, 1.0), max_size=5),
    lam=st.sampled_from([0.9, 0.97, 0.999]),
    l2=st.sampled_from([0.0, 2.0]),
)
def test_rls_with_forgetting_equals_weighted_ridge(seed, cuts, lam, l2) -> None:
    rng = np.random.default_rng(seed)
    n = 50
    X = rng.normal(size=(n, 2))
    y = X @ np.array([1.5, -2.0]) + 0.5 + 0.1 * rng.normal(size=n)
    bounds = sorted({0, n, *(int(c * n) for c in cuts)})
    model = OnlineLinearRegression(forgetting=lam, l2=l2)
    for a, b in itertools.pairwise(bounds):
        if b > a:
            model.partial_fit(X[a:b], y[a:b])
    weights = lam ** np.arange(n - 1, -1, -1, dtype=float)
    ref = _ridge_reference(X, y, l2=l2, weights=weights)
    got = np.concatenate([[model.intercept_], model.coef_])
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-8)


def test_rls_is_stable_on_an_ill_conditioned_design() -> None:
    # Polynomial features of degree 7 on [0, 1]: cond(X) ~ 1e5, so the normal equations
    # (cond ~ 1e10) lose digits; the QR form must keep the accuracy of lstsq.
    t = np.linspace(0.0, 1.0, 300)
    X = np.vander(t, 8, increasing=True)[:, 1:]
    rng = np.random.default_rng(3)
    y = X @ np.arange(1.0, 8.0) + 0.01 * rng.normal(size=t.size)
    A = np.hstack([np.ones((t.size, 1)), X])
    assert np.linalg.cond(A) > 1e5
    ref = _ridge_reference(X, y)
    normal_equations = np.linalg.solve(A.T @ A, A.T @ y)
    assert np.abs(normal_equations - ref).max() > 1e-7  # the trap this test guards against
    model = OnlineLinearRegression()
    for i in range(0, t.size, 7):
        model.partial_fit(X[i : i + 7], y[i : i + 7])
    got = np.concatenate([[model.intercept_], model.coef_])
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-8)


def test_forgetting_tracks_a_slope_that_changes() -> None:
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 10, size=600)
    slope = np.where(np.arange(600) < 300, 2.0, -3.0)
    y = 1.0 + slope * x + 0.3 * rng.normal(size=600)
    forgetful = OnlineLinearRegression(forgetting=0.95)
    remember_all = OnlineLinearRegression(forgetting=1.0)
    for xi, yi in zip(x, y, strict=True):
        forgetful.partial_fit([xi], yi)
        remember_all.partial_fit([xi], yi)
    assert forgetful.coef_[0] == pytest.approx(-3.0, abs=0.05)
    assert forgetful.intercept_ == pytest.approx(1.0, abs=0.3)
    # Without forgetting the fit averages the two regimes (slope near -0.5).
    assert -1.5 < remember_all.coef_[0] < 0.5


def test_no_intercept_matches_lstsq_through_origin() -> None:
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.0, 2.0, 3.0]) + 4.0
    model = OnlineLinearRegression(fit_intercept=False).fit(X[:10], y[:10])
    model.partial_fit(X[10:], y[10:])
    assert model.intercept_ == 0.0
    np.testing.assert_allclose(model.coef_, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10)


# ---------------------------------------------------------------- gradient descent
def test_gradient_descent_with_l2_converges_to_the_rls_ridge_solution(ex1) -> None:
    X, y = ex1
    gd = OnlineLinearRegression(method="sgd", l2=50.0, learning_rate=0.02).fit(
        X, y, iterations=20_000
    )
    rls = OnlineLinearRegression(method="rls", l2=50.0).fit(X, y)
    ref = _ridge_reference(X, y, l2=50.0)
    np.testing.assert_allclose([gd.intercept_, gd.coef_[0]], ref, atol=1e-7)
    np.testing.assert_allclose([rls.intercept_, rls.coef_[0]], ref, atol=1e-10)
    # The penalty shrinks the slope relative to OLS but leaves the intercept free.
    assert abs(ref[1]) < 1.1930
    # Cost: intercept not penalised.
    resid = ref[0] + ref[1] * X.to_numpy()[:, 0] - y.to_numpy()
    expected = (resid @ resid + 50.0 * ref[1] ** 2) / (2 * len(y))
    assert rls.cost(X, y) == pytest.approx(expected, rel=1e-10)


def test_sgd_partial_fit_on_a_batch_is_one_gradient_step(ex1) -> None:
    X, y = ex1
    one_step = OnlineLinearRegression(method="sgd").partial_fit(X, y)
    gd = OnlineLinearRegression(method="sgd").fit(X, y, iterations=1)
    assert one_step.intercept_ == pytest.approx(gd.intercept_, rel=1e-12)
    assert one_step.coef_[0] == pytest.approx(gd.coef_[0], rel=1e-12)
    # theta_1 = alpha/m * X^T y computed by hand.
    xa = np.c_[np.ones(len(y)), X.to_numpy()]
    hand = 0.01 / len(y) * xa.T @ y.to_numpy()
    np.testing.assert_allclose([one_step.intercept_, one_step.coef_[0]], hand, rtol=1e-12)
    assert one_step.cost_history_ == [pytest.approx(32.0727, abs=1e-4)]


def test_gradient_descent_divergence_is_detected_with_advice(ex1) -> None:
    X, y = ex1
    # The stability limit is 2 / largest eigenvalue of X^T X / m = 0.0243 here.
    xa = np.c_[np.ones(len(y)), X.to_numpy()]
    limit = 2.0 / np.linalg.eigvalsh(xa.T @ xa / len(y)).max()
    assert 0.024 < limit < 0.025
    OnlineLinearRegression(method="sgd", learning_rate=0.024).fit(X, y, iterations=300)
    with pytest.raises(AnalyticsValueError, match=r"diverged.*Lower the 'learning_rate'.*0\.03"):
        OnlineLinearRegression(method="sgd", learning_rate=0.03).fit(X, y)


def test_streaming_sgd_divergence_stops_before_non_finite_values(ex1) -> None:
    X, y = ex1
    model = OnlineLinearRegression(method="sgd", learning_rate=1.0)
    with pytest.raises(AnalyticsValueError, match="Lower the 'learning_rate'"):
        for xi, yi in zip(X.to_numpy(), y.to_numpy(), strict=True):
            model.partial_fit(xi, yi)
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_)


# ---------------------------------------------------------------- contract and bad input
def test_hyperparameters_are_stored_unchanged_and_validated_in_fit() -> None:
    model = OnlineLinearRegression(method="newton", l2=-1)
    assert model.get_params()["method"] == "newton" and model.l2 == -1
    with pytest.raises(AnalyticsValueError, match=r"'method'.*'rls', 'sgd'.*'newton'"):
        model.fit([[1.0], [2.0]], [1.0, 2.0])
    assert "coef_" not in vars(model)
    with pytest.raises(AnalyticsValueError, match="Invalid parameter 'alpha'"):
        model.set_params(alpha=1.0)
    assert model.set_params(method="rls", l2=0.0) is model
    assert repr(model) == "OnlineLinearRegression()"


@pytest.mark.parametrize(
    ("params", "pattern"),
    [
        ({"l2": -0.1}, "'l2'.*-0.1"),
        ({"l2": float("nan")}, "'l2'.*finite"),
        ({"learning_rate": 0.0}, "'learning_rate'.*\\(0, inf\\]"),
        ({"forgetting": 0.0}, "'forgetting'.*\\(0, 1\\]"),
        ({"forgetting": 1.5}, "'forgetting'.*1.5"),
        ({"method": "sgd", "forgetting": 0.9}, "'forgetting'.*only applies to method='rls'"),
        ({"iterations": -1}, "'iterations'.*>= 0"),
    ],
)
def test_bad_hyperparameters_name_the_parameter(params, pattern) -> None:
    with pytest.raises(AnalyticsValueError, match=pattern):
        OnlineLinearRegression(**params).fit([[1.0], [2.0]], [1.0, 2.0])


def test_bad_types_name_the_parameter() -> None:
    with pytest.raises(AnalyticsTypeError, match="'fit_intercept'.*True or False"):
        OnlineLinearRegression(fit_intercept="yes").fit([[1.0]], [1.0])
    with pytest.raises(AnalyticsTypeError, match="'l2'.*str"):
        OnlineLinearRegression(l2="0").partial_fit([[1.0]], [1.0])


def test_bad_data_names_the_parameter_and_the_position() -> None:
    model = OnlineLinearRegression()
    with pytest.raises(AnalyticsValueError, match="'X'.*finite.*nan at row 2, column 0"):
        model.fit([[1.0], [2.0], [np.nan]], [1.0, 2.0, 3.0])
    with pytest.raises(AnalyticsTypeError, match="'X'.*only numbers.*'abc'"):
        model.fit(pd.DataFrame({"a": [1.0, "abc"]}), [1.0, 2.0])
    with pytest.raises(AnalyticsValueError, match="'y'.*finite.*inf at position 1"):
        model.fit([[1.0], [2.0]], [1.0, np.inf])
    with pytest.raises(AnalyticsValueError, match="'X' and 'y'.*3 rows in X and 2 values in y"):
        model.fit([[1.0], [2.0], [3.0]], [1.0, 2.0])
    with pytest.raises(AnalyticsValueError, match="'X'.*at least one sample"):
        model.partial_fit(np.empty((0, 2)), np.empty(0))


def test_feature_count_cannot_change_between_calls() -> None:
    model = OnlineLinearRegression().partial_fit([[1.0, 2.0], [3.0, 5.0]], [1.0, 2.0])
    with pytest.raises(AnalyticsValueError, match="'X'.*3 features.*fitted with 2"):
        model.partial_fit([[1.0, 2.0, 3.0]], [1.0])
    with pytest.raises(AnalyticsValueError, match="'X'.*3 features.*fitted with 2"):
        model.predict([[1.0, 2.0, 3.0]])
    with pytest.raises(AnalyticsValueError, match="'method'.*changed"):
        model.set_params(method="sgd").partial_fit([[1.0, 2.0]], [1.0])


def test_predict_before_fit_is_refused() -> None:
    with pytest.raises(AnalyticsValueError, match="not fitted yet"):
        OnlineLinearRegression().predict([[1.0]])


def test_one_sample_shapes() -> None:
    model = OnlineLinearRegression().partial_fit([1.0, 2.0], 3.0)
    assert model.n_features_in_ == 2 and model.n_samples_seen_ == 1
    assert model.predict([1.0, 2.0]).shape == (1,)


def test_underdetermined_rls_gives_the_minimum_norm_solution() -> None:
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 4)), rng.normal(size=6)
    model = OnlineLinearRegression()
    for i in range(6):
        model.partial_fit(X[i], y[i])
        A = np.c_[np.ones(i + 1), X[: i + 1]]
        ref = np.linalg.lstsq(A, y[: i + 1], rcond=None)[0]  # minimum norm when i + 1 < 5
        np.testing.assert_allclose(np.r_[model.intercept_, model.coef_], ref, atol=1e-10)
