from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics import (
    AnalyticsTypeError,
    AnalyticsValueError,
    OnlineLinearRegression,
    load_ex1data1,
    progressive_summary,
    progressive_validation,
    rolling_metrics,
)


@pytest.fixture(scope="module")
def ex1() -> tuple[pd.DataFrame, pd.Series]:
    df = load_ex1data1()
    df.index = pd.RangeIndex(100, 197)  # a non-default index must label the output rows
    return df[["population_10k"]], df["profit_10k"]


def _ols_prediction(x_train, y_train, x_new):
    """Independent reference: batch least squares (numpy lstsq) on the rows seen so far."""
    A = np.c_[np.ones(len(x_train)), x_train]
    theta = np.linalg.lstsq(A, y_train, rcond=None)[0]
    return theta[0] + theta[1] * x_new


def test_each_prediction_is_made_before_the_row_is_learned(ex1) -> None:
    X, y = ex1
    model = OnlineLinearRegression()
    frame = progressive_validation(model, X, y)
    x, yv = X.to_numpy()[:, 0], y.to_numpy()
    assert len(frame) == 96 and list(frame.index) == list(range(101, 197))
    assert list(frame["n_seen"]) == list(range(1, 97))
    for i in range(2, 97):  # from two rows on the OLS fit is determined
        expected = _ols_prediction(x[:i], yv[:i], x[i])
        assert frame["y_pred"].iloc[i - 1] == pytest.approx(expected, abs=1e-8)
    np.testing.assert_array_equal(frame["y"].to_numpy(), yv[1:])
    np.testing.assert_allclose(frame["error"], frame["y"] - frame["y_pred"], atol=0)
    # The model has learned the whole stream: the OLS solution of the exercise.
    assert model.intercept_ == pytest.approx(-3.8958, abs=5e-5)
    assert model.coef_[0] == pytest.approx(1.1930, abs=5e-5)


def test_cumulative_and_rolling_errors(ex1) -> None:
    X, y = ex1
    cumulative = progressive_validation(OnlineLinearRegression(), X, y)
    rolling = progressive_validation(OnlineLinearRegression(), X, y, window=10)
    err = cumulative["error"].to_numpy()
    np.testing.assert_allclose(cumulative["mae"], np.cumsum(np.abs(err)) / np.arange(1, 97))
    assert cumulative["rmse"].iloc[-1] == pytest.approx(np.sqrt(np.mean(err**2)), rel=1e-12)
    assert rolling["mae"].iloc[-1] == pytest.approx(np.mean(np.abs(err[-10:])), rel=1e-12)
    assert rolling["rmse"].iloc[50] == pytest.approx(np.sqrt(np.mean(err[41:51] ** 2)), rel=1e-12)
    assert rolling["mae"].iloc[3] == pytest.approx(np.mean(np.abs(err[:4])), rel=1e-12)
    summary = progressive_summary(rolling, window=10)
    assert summary["n_scored"] == 96
    assert summary["mae"] == pytest.approx(np.mean(np.abs(err)), rel=1e-12)
    assert summary["window_rmse"] == pytest.approx(rolling["rmse"].iloc[-1], rel=1e-12)


def test_fitted_model_scores_from_the_first_row_and_batches_share_a_model(ex1) -> None:
    X, y = ex1
    warm = OnlineLinearRegression().fit(X.iloc[:30], y.iloc[:30])
    first_pred = warm.predict(X.iloc[[30]])[0]
    frame = progressive_validation(warm, X.iloc[30:], y.iloc[30:])
    assert len(frame) == 67 and frame["y_pred"].iloc[0] == pytest.approx(first_pred, rel=1e-14)
    assert list(frame["n_seen"].iloc[:3]) == [30, 31, 32]
    batched = progressive_validation(OnlineLinearRegression(), X, y, batch_size=10, warmup=10)
    assert len(batched) == 87
    assert list(batched["n_seen"].iloc[:12]) == [10] * 10 + [20] * 2
    x, yv = X.to_numpy()[:, 0], y.to_numpy()
    expected = _ols_prediction(x[:20], yv[:20], x[20:30])
    np.testing.assert_allclose(batched["y_pred"].iloc[10:20], expected, atol=1e-8)


def test_forgetting_gives_lower_recent_error_after_a_regime_change() -> None:
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 10, size=400)
    y = np.where(np.arange(400) < 200, 1.0 + 2.0 * x, 1.0 - 1.0 * x) + 0.2 * rng.normal(size=400)
    X = x[:, None]
    forget = progressive_summary(
        progressive_validation(OnlineLinearRegression(forgetting=0.9), X, y), window=100
    )
    keep = progressive_summary(progressive_validation(OnlineLinearRegression(), X, y), window=100)
    assert forget["window_mae"] < 0.5 < 3.0 < keep["window_mae"]


def test_bad_arguments_name_the_parameter(ex1) -> None:
    X, y = ex1
    with pytest.raises(AnalyticsValueError, match="'warmup'.*97 samples.*warmup=97"):
        progressive_validation(OnlineLinearRegression(), X, y, warmup=97)
    with pytest.raises(AnalyticsValueError, match="'warmup'.*>= 1"):
        progressive_validation(OnlineLinearRegression(), X, y, warmup=0)
    with pytest.raises(AnalyticsValueError, match="'window'.*>= 1"):
        progressive_validation(OnlineLinearRegression(), X, y, window=0)
    with pytest.raises(AnalyticsValueError, match="'batch_size'.*>= 1"):
        progressive_validation(OnlineLinearRegression(), X, y, batch_size=0)
    with pytest.raises(AnalyticsTypeError, match="'model'.*partial_fit"):
        progressive_validation(object(), X, y)
    with pytest.raises(AnalyticsValueError, match="'X' and 'y'.*97 rows in X and 96 values"):
        progressive_validation(OnlineLinearRegression(), X, y.iloc[1:])
    with pytest.raises(AnalyticsValueError, match="'frame'.*lacks columns"):
        progressive_summary(pd.DataFrame({"a": [1.0]}))


def test_divergence_inside_the_stream_names_the_sample(ex1) -> None:
    X, y = ex1
    model = OnlineLinearRegression(method="sgd", learning_rate=1.0)
    with pytest.raises(AnalyticsValueError, match=r"learning_rate.*at stream sample \d+"):
        progressive_validation(model, X, y)


def test_record_coef_gives_the_least_squares_fit_of_every_prefix() -> None:
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    y = 1.5 * X["a"] - 2.0 * X["b"] + 0.7 + rng.normal(0, 0.1, 40)
    frame = progressive_validation(OnlineLinearRegression(), X, y, warmup=5, record_coef=True)
    assert list(frame.columns[-3:]) == ["coef_a", "coef_b", "intercept"]
    for k in (5, 17, 39):  # row k: coefficients after learning rows 0..k
        A = np.column_stack([X.to_numpy()[: k + 1], np.ones(k + 1)])
        beta = np.linalg.lstsq(A, y.to_numpy()[: k + 1], rcond=None)[0]
        got = frame.loc[k, ["coef_a", "coef_b", "intercept"]].to_numpy(dtype=float)
        np.testing.assert_allclose(got, beta, rtol=1e-8, atol=1e-10)


def test_rolling_metrics_by_hand() -> None:
    m = rolling_metrics([3.0, -4.0, 0.0, 1.0], window=2)
    np.testing.assert_allclose(m["mae"], [3.0, 3.5, 2.0, 0.5])
    np.testing.assert_allclose(m["rmse"], [3.0, np.sqrt(12.5), np.sqrt(8.0), np.sqrt(0.5)])
    cum = rolling_metrics([3.0, -4.0])
    np.testing.assert_allclose(cum["rmse"], [3.0, np.sqrt(12.5)])
